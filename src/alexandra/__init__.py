"""Code shared by the chapters of the ALEXANDRA/IMpassion030 executable book.

One module per idea: :mod:`alexandra.published` (the published numbers),
:mod:`alexandra.survival` (survival statistics), :mod:`alexandra.reconstruct`
(pseudo-individual data), :mod:`alexandra.design` (trial design),
:mod:`alexandra.monitoring` (group-sequential monitoring and stopping rules),
:mod:`alexandra.uncertainty` (reading a hazard ratio), :mod:`alexandra.plots`
and :mod:`alexandra.widgets` (what the reader sees).
"""

from alexandra.errors import DataError

__all__ = ["DataError"]
__version__ = "0.1.0"
