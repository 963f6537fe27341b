"""ALEXANDRA/IMpassion030 itself: the one module that binds the book's general machinery to this trial.

Everything below is ALEXANDRA's: its conduct (enrolment shape fitted in the
reconstruction, the loss to follow-up the book assumes), its pseudo-individual
data and the assumptions a sensitivity analysis may change, its calendar-time
trial model, the events at its interim analysis and the design hazard ratio the
book derives. The general modules (:mod:`alexandra.design`,
:mod:`alexandra.reconstruction`, :mod:`alexandra.inference`, …) never import
this one; chapters and scripts do.

>>> model = alexandra_trial_model()
>>> model.accrual.n_patients
2199
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from alexandra import checks, published
from alexandra.design import (
    Accrual,
    Conduct,
    Enrolment,
    FollowUpPlan,
    TrialModel,
    detectable_hazard_ratio,
)
from alexandra.errors import DataError
from alexandra.reconstruction import (
    PSEUDO_IPD_FILES,
    PseudoIPD,
    from_aggregates,
    load_pseudo_ipd_parameters,
    pseudo_ipd_path,
)

__all__ = [
    "ALEXANDRA_ANNUAL_LOSS",
    "ALEXANDRA_ASSUMPTIONS",
    "ALEXANDRA_FOLLOWUP",
    "FALLING_HAZARD_SHAPE",
    "alexandra_conduct",
    "alexandra_interim_events",
    "alexandra_pseudo_ipd",
    "alexandra_trial_model",
    "design_hazard_ratio",
]

ALEXANDRA_ANNUAL_LOSS = 0.02
"""The yearly risk of loss to follow-up the book assumes for ALEXANDRA (an ASSUMPTION).

Not published, and the published aggregates cannot tell it apart from the shape of
enrolment (the reconstruction chapter shows the range). 2% a year loses about 5% of
patients by 32 months, the median follow-up: the median loss across 235 trials in
five general medical journals was 6% (interquartile range 2–14%; Akl et al., BMJ 2012).
"""


FALLING_HAZARD_SHAPE = 0.7
"""The Weibull shape of the book's "hazard that falls with time" (an ASSUMPTION, used in every chapter).

Below 1 the hazard of an IDFS event falls with time since randomisation, as recurrences of
triple-negative breast cancer cluster in the first years; 0.7 is a moderate fall, not a fitted value.
"""

ALEXANDRA_FOLLOWUP = FollowUpPlan(annual_loss=ALEXANDRA_ANNUAL_LOSS)
"""ALEXANDRA's follow-up as the book models it: the assumed loss and visit schedule."""


ALEXANDRA_ASSUMPTIONS = (
    "enrolment_shape",
    "event_distribution",
    "weibull_shape",
    "annual_loss",
    "assessment_months",
    "hazard_ratio",
    "landmark_survival",
)
"""What :func:`alexandra_pseudo_ipd` lets a sensitivity analysis change."""


def alexandra_conduct(folder: str | Path | None = None) -> tuple[Conduct, dict[str, int]]:
    """ALEXANDRA's enrolment and follow-up as the book models them, and the patients per arm.

    The enrolment window, the data cut and the arms are published; the shape of
    enrolment is the one fitted in the reconstruction (read from
    ``data/reconstructed/alexandra_pseudo_ipd_parameters.csv``); the loss to
    follow-up is :data:`ALEXANDRA_ANNUAL_LOSS` and the assessments
    :data:`~alexandra.design.ASSESSMENT_MONTHS` (assumptions).

    >>> conduct, patients = alexandra_conduct()
    >>> patients, round(conduct.enrolment.window_months, 1), round(conduct.cut_months, 1)
    ({'atezolizumab': 1101, 'chemotherapy': 1098}, 51.3, 60.5)
    """
    path = Path(folder) / PSEUDO_IPD_FILES["data"] if folder is not None else pseudo_ipd_path()
    rows = load_pseudo_ipd_parameters(path).set_index("parameter").value
    needed = (
        "enrolment_months",
        "data_cut_months",
        "enrolment_ramp_months",
        "enrolment_ramp_power",
        "enrolment_end_rate",
    )
    for name in needed:
        if name not in rows:
            checks.fail(f"{path.with_name(PSEUDO_IPD_FILES['parameters'])}", f"no row {name!r}", field="parameter")
    value = {name: float(rows[name]) for name in needed}
    enrolment = Enrolment(
        value["enrolment_months"],
        value["enrolment_ramp_months"],
        value["enrolment_ramp_power"],
        value["enrolment_end_rate"],
    )
    conduct = Conduct(enrolment, ALEXANDRA_FOLLOWUP, value["data_cut_months"])
    patients = {arm: int(published.get("n_randomized", arm=arm).number) for arm in published.ARMS}
    return conduct, patients


def alexandra_trial_model(hazard_shape: float = 1.0, hazard_ratio: float | None = None) -> TrialModel:
    """A calendar-time model of ALEXANDRA built from its published numbers.

    * Accrual: the enrolment window and the patients randomised per arm, with the
      book's one model of enrolment and follow-up (:func:`alexandra_conduct`:
      the enrolment shape fitted to the published follow-up in the reconstruction,
      an assumed loss to follow-up and visit schedule).
    * Events: the chemotherapy-alone arm's survival curve, of the given
      ``hazard_shape``, scaled so that the expected events by the data cut-off
      equal the published total, with the published stratified hazard ratio
      between the arms (or ``hazard_ratio`` when given).

    >>> model = alexandra_trial_model()
    >>> model.accrual.n_patients, round(model.accrual.followup.annual_loss, 3), round(model.control_event_free_3y, 2)
    (2199, 0.02, 0.87)
    """
    cutoff = published.get("data_cutoff").when
    conduct, patients = alexandra_conduct()
    accrual = Accrual(
        start=published.get("enrolment_start").when,
        end=published.get("enrolment_end").when,
        patients=patients,
        enrolment=conduct.enrolment,
        followup=conduct.followup,
    )
    events = sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)
    model = TrialModel.calibrated(
        accrual, events, by=cutoff, hazard_ratio=published.get("idfs_hr_stratified").number, hazard_shape=hazard_shape
    )
    return (
        model
        if hazard_ratio is None
        else replace(model, hazard_ratio=checks.positive("alexandra_trial_model", "hazard_ratio", hazard_ratio))
    )


def alexandra_interim_events() -> int:
    """Events at the amended interim analysis: the published fraction of the planned events.

    Both numbers are secondary (SABCS 2023 abstract GS01-03).

    >>> alexandra_interim_events()
    242
    """
    fraction = published.get("interim_information_fraction").number
    return round(fraction * published.get("idfs_events_planned").number)


def alexandra_pseudo_ipd(seed: int = 2025, with_strata: bool = False, **assumptions: Any) -> PseudoIPD:
    """Pseudo-individual IDFS data of ALEXANDRA/IMpassion030 from its published aggregates.

    Uses :func:`~alexandra.reconstruction.from_aggregates` with the numbers of :mod:`alexandra.published`:
    patients and IDFS events per arm, the enrolment window and data cut
    (months from 2 August 2018), median follow-up with its IQR per arm, the 165
    patients at risk at 48 months (both arms), and the stratified hazard ratio
    1.11, which is *forced* (see :func:`~alexandra.reconstruction.from_aggregates`). The published interval
    and log-rank P value are only checked. The reference arm is chemotherapy.

    Parameters
    ----------
    seed, with_strata
        As in :func:`~alexandra.reconstruction.from_aggregates`.
    **assumptions
        Overrides for a sensitivity analysis, any of :data:`ALEXANDRA_ASSUMPTIONS`:
        ``enrolment_shape=(ramp_months, ramp_power, end_rate)``,
        ``event_distribution="weibull"`` with ``weibull_shape``,
        ``annual_loss`` (a yearly risk; default the book's assumption
        :data:`ALEXANDRA_ANNUAL_LOSS`; None to fit it),
        ``assessment_months``, ``hazard_ratio`` (None: not forced),
        ``landmark_survival``.

    Returns
    -------
    PseudoIPD

    Examples
    --------
    >>> pseudo = alexandra_pseudo_ipd()
    >>> pseudo.data.groupby("arm").event.sum().to_dict()
    {'atezolizumab': 141, 'chemotherapy': 125}
    >>> round(float(pseudo.constraints.set_index("constraint").achieved["hazard_ratio"]), 2)
    1.11
    """
    unknown = sorted(set(assumptions) - set(ALEXANDRA_ASSUMPTIONS))
    if unknown:
        raise DataError(
            f"alexandra_pseudo_ipd({unknown[0]}=...): not an assumption that can be changed; "
            f"choose from {', '.join(ALEXANDRA_ASSUMPTIONS)}"
        )
    start = published.get("enrolment_start").when

    def months_after_start(key: str) -> float:
        return published.months_between(start, published.get(key).when)

    followup = {arm: published.get("median_followup_months", arm=arm) for arm in published.ARMS}
    hazard_ratio = published.get("idfs_hr_stratified")
    arguments: dict[str, Any] = {
        "n": {arm: int(published.get("n_randomized", arm=arm).number) for arm in published.ARMS},
        "events": {arm: int(published.get("idfs_events", arm=arm).number) for arm in published.ARMS},
        "followup": {arm: (estimate.number, estimate.lower, estimate.upper) for arm, estimate in followup.items()},
        "enrolment_months": months_after_start("enrolment_end"),
        "data_cut_months": months_after_start("data_cutoff"),
        "at_risk": (published.get("km_truncation_months").number, int(published.get("at_risk_at_truncation").number)),
        "hazard_ratio": hazard_ratio.number,
        "reference": published.REFERENCE_ARM,
        "hazard_ratio_ci": (hazard_ratio.lower, hazard_ratio.upper),
        "logrank_p": published.get("idfs_logrank_p").number,
        "annual_loss": ALEXANDRA_ANNUAL_LOSS,
    }
    arguments.update(assumptions)
    return from_aggregates(**arguments, seed=seed, with_strata=with_strata)


def design_hazard_ratio() -> float:
    """The design hazard ratio the book derives (ALEXANDRA's is not in the sources it uses).

    Schoenfeld's detectable hazard ratio for the planned events at 80% power and a
    two-sided 5% level, rounded to the sliders' steps of 0.01 so that a slider can sit on it.

    >>> design_hazard_ratio()
    0.75
    """
    return round(detectable_hazard_ratio(published.get("idfs_events_planned").number, power=0.8), 2)
