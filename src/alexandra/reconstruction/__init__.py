"""Pseudo-individual patient data rebuilt from what a paper publishes.

- from a Kaplan–Meier figure: :func:`guyot` (Guyot et al. 2012) with the cleaning of
  digitised input (:func:`clean_curve`, :func:`read_curve_csv`, …);
- from aggregates only: :func:`from_aggregates` (a model of the trial's conduct calibrated to them);
- simulated trials and their published figures, to check the rebuilds against a known truth
  (:func:`simulate_trial`, :func:`published_figure`);
- how much a rebuilt hazard ratio owes to the reading of the figure (:func:`reading_uncertainty`,
  with a digitiser-error model measured on real readings, :data:`READING_ERROR`);
- the committed pseudo-data (:func:`load_pseudo_ipd`) and their comparison with the paper
  (:func:`comparison_table`);
- the command ``python -m alexandra.reconstruction`` (rebuild a trial of your own), also
  callable as :func:`command`.

Reconstructed data are simulated from published numbers: they are not a trial's patients.
"""

from alexandra.reconstruction._aggregates import (
    EVENT_DISTRIBUTIONS,
    SIMULATED_STRATA,
    PseudoIPD,
    from_aggregates,
)
from alexandra.reconstruction._command import (
    command,
    km_figure,
)
from alexandra.reconstruction._comparison import (
    COMPARISON_COLUMNS,
    COMPARISON_TOLERANCES,
    comparison_table,
)
from alexandra.reconstruction._digitised import (
    OUT_OF_ORDER,
    SURVIVAL_SLACK,
    TIME_SLACK,
    Change,
    CleanCurve,
    CleaningWarning,
    clean_curve,
    clean_risk_table,
    read_curve_csv,
    read_risk_csv,
    warn_changes,
)
from alexandra.reconstruction._guyot import (
    guyot,
)
from alexandra.reconstruction._pseudo_ipd import (
    PSEUDO_IPD_FILES,
    REGENERATION_TOLERANCES,
    load_pseudo_ipd,
    load_pseudo_ipd_parameters,
    pseudo_ipd_path,
    regeneration_check,
    write_pseudo_ipd,
)
from alexandra.reconstruction._reading import (
    READING_ERROR,
    ReadingError,
    ReadingUncertainty,
    read_figure,
    reading_uncertainty,
    reread,
)
from alexandra.reconstruction._simulate import (
    BASELINES,
    SIMULATED_ARMS,
    FigureReading,
    digitise_curve,
    published_figure,
    risk_table,
    simulate_trial,
    trial_conduct,
)

__all__ = [
    "command",
    "BASELINES",
    "COMPARISON_COLUMNS",
    "COMPARISON_TOLERANCES",
    "Change",
    "CleanCurve",
    "CleaningWarning",
    "EVENT_DISTRIBUTIONS",
    "FigureReading",
    "OUT_OF_ORDER",
    "PSEUDO_IPD_FILES",
    "PseudoIPD",
    "READING_ERROR",
    "ReadingError",
    "ReadingUncertainty",
    "REGENERATION_TOLERANCES",
    "SIMULATED_ARMS",
    "SIMULATED_STRATA",
    "SURVIVAL_SLACK",
    "TIME_SLACK",
    "clean_curve",
    "clean_risk_table",
    "comparison_table",
    "digitise_curve",
    "from_aggregates",
    "guyot",
    "km_figure",
    "load_pseudo_ipd",
    "load_pseudo_ipd_parameters",
    "pseudo_ipd_path",
    "published_figure",
    "read_curve_csv",
    "read_figure",
    "reading_uncertainty",
    "reread",
    "read_risk_csv",
    "regeneration_check",
    "risk_table",
    "simulate_trial",
    "trial_conduct",
    "warn_changes",
    "write_pseudo_ipd",
]
