"""Code shared by the chapters of the ALEXANDRA/IMpassion030 executable book.

The folders are the architecture, lowest layer first; each subpackage's ``__init__`` is its face,
and every public name has one path:

- :mod:`alexandra.errors`, :mod:`alexandra.checks`, :mod:`alexandra.stats_common` — the one exception,
  argument and input checks, the normal quantiles;
- :mod:`alexandra.published` — ALEXANDRA's published numbers, the data files and dates;
  :mod:`alexandra.survival` — survival statistics checked against R; :mod:`alexandra.glue` — numbers
  into prose; :mod:`alexandra.plots` — one palette, one figure style;
- :mod:`alexandra.design` — enrolment and follow-up, a trial in calendar time, sample size, endpoints;
- :mod:`alexandra.inference` — a hazard ratio's uncertainty, monitoring, harms;
  :mod:`alexandra.reconstruction` — pseudo-individual data from a paper;
- :mod:`alexandra.trial` — ALEXANDRA itself: the one module that binds the machinery to this trial;
- :mod:`alexandra.widgets` — what the reader moves.

A module imports only from its own layer or below (``tests/test_architecture.py``).
"""

__version__ = "0.1.0"
