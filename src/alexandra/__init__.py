"""Code shared by the chapters of the ALEXANDRA/IMpassion030 executable book.

One module per idea: :mod:`alexandra.published` (the published numbers: :mod:`alexandra.estimate`,
:mod:`alexandra.table_checks`, :mod:`alexandra.data_files`, :mod:`alexandra.dates`),
:mod:`alexandra.survival` (survival statistics: :mod:`alexandra.survival_curves`,
:mod:`alexandra.two_arms`, :mod:`alexandra.tierney`), :mod:`alexandra.enrolment`
(how patients enter and are followed: one model for the whole book),
:mod:`alexandra.reconstruct` (pseudo-individual data: :mod:`alexandra.guyot`,
:mod:`alexandra.digitised`, :mod:`alexandra.aggregates` with
:mod:`alexandra.calibration`), :mod:`alexandra.design` (trial design),
:mod:`alexandra.trial_model` (a trial in calendar time: accrual, events, simulated interims),
:mod:`alexandra.monitoring` (group-sequential monitoring and stopping rules),
:mod:`alexandra.uncertainty` (reading a hazard ratio), :mod:`alexandra.plots`
and the widgets (:mod:`alexandra.widget_kit`, :mod:`alexandra.widgets`,
:mod:`alexandra.simulation_widgets`, :mod:`alexandra.monitoring_widgets`: what the reader sees).
"""

from alexandra.errors import DataError

__all__ = ["DataError"]
__version__ = "0.1.0"
