"""Pseudo-individual patient data for a trial that published only aggregates.

:func:`from_aggregates` is for a trial that printed no curve coordinates and no
numbers at risk, only aggregates (patients, events, follow-up, patients still
at risk at one time, the hazard ratio). ALEXANDRA/IMpassion030 is such a trial:
:func:`alexandra_pseudo_ipd` builds its pseudo-data from
:mod:`alexandra.published`. The data *reproduce* what was published; they do
not recover the real patients. (For a trial that printed its Kaplan–Meier
figure, see :mod:`alexandra.reconstruction`.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alexandra import survival
from alexandra.design import ASSESSMENT_MONTHS, FollowUpPlan
from alexandra.errors import DataError
from alexandra.reconstruction import _calibration as calibration
from alexandra.survival import FollowUp

__all__ = [
    "EVENT_DISTRIBUTIONS",
    "SIMULATED_STRATA",
    "PseudoIPD",
    "from_aggregates",
]

SIMULATED_STRATA: dict[str, dict[str, float]] = {
    "stratum_surgery": {"breast-conserving": 0.55, "mastectomy": 0.45},
    "stratum_nodes": {"0": 0.50, "1-3": 0.35, ">=4": 0.15},
    "stratum_pdl1": {"IC 0": 0.55, "IC >=1%": 0.45},
}
"""Assumed shares of the randomisation strata, used only to *simulate* stratum columns.

These are not in the abstract and figure legends this book uses: the ALEXANDRA paper names its strata (surgery, nodal
status, PD-L1) but gives no counts. The shares are round, plausible numbers so
that a chapter can show how a stratified analysis is run; the simulated strata
are independent of outcome, so they carry no information about the trial.
"""

EVENT_DISTRIBUTIONS = ("exponential", "weibull")
"""Event-time models :func:`from_aggregates` can use."""


@dataclass(frozen=True)
class PseudoIPD:
    """Pseudo-individual patient data built from published aggregates.

    Attributes
    ----------
    data
        One row per patient: ``time`` (months from randomisation), ``event``
        (1 event, 0 censored), ``arm``; with ``with_strata=True`` also
        ``stratum_surgery``, ``stratum_nodes`` and ``stratum_pdl1``, which are
        SIMULATED from :data:`SIMULATED_STRATA` (assumed shares, independent
        of outcome), never published values.
    constraints
        One row per published number the data were built to meet: ``constraint``,
        ``target``, ``achieved`` (computed on ``data``), ``difference``
        (achieved − target) and ``role``: ``"forced exactly"`` (events),
        ``"forced"`` (the hazard ratio, when given), ``"calibrated"``
        (follow-up, numbers at risk, landmark survival) or ``"checked"``
        (interval and P value: not used to build the data).
    parameters
        The model behind the data: ``parameter``, ``value``, ``unit`` and ``how``
        it was set: ``"given"``, ``"fitted"``, ``"forced (hazard ratio)"`` (the
        difference in loss to follow-up between the arms), ``"set for exact events"``
        (event rates) or ``"result"`` (the model's hazard ratio once the rates
        are set).
    simulated_columns
        Columns of ``data`` that are pure simulation (the strata), for labels.
    seed
        The seed that fixes the data.
    """

    data: pd.DataFrame
    constraints: pd.DataFrame
    parameters: pd.DataFrame
    simulated_columns: tuple[str, ...]
    seed: int


def from_aggregates(
    n: Mapping[str, int],
    events: Mapping[str, int],
    followup: Mapping[str, Sequence[float] | FollowUp],
    *,
    enrolment_months: float,
    data_cut_months: float,
    at_risk: tuple[float, int] | None = None,
    hazard_ratio: float | None = None,
    reference: str | None = None,
    hazard_ratio_ci: tuple[float, float] | None = None,
    logrank_p: float | None = None,
    landmark_survival: Mapping[str, tuple[float, float]] | None = None,
    enrolment_shape: tuple[float, float, float] | None = None,
    event_distribution: str = "exponential",
    weibull_shape: float | None = None,
    annual_loss: float | None = None,
    assessment_months: Sequence[float] | None = ASSESSMENT_MONTHS,
    seed: int = 2025,
    with_strata: bool = False,
) -> PseudoIPD:
    """Pseudo-individual data for a two-arm trial that published only aggregates.

    **The model** is the book's model of a trial's conduct (:mod:`alexandra.design`).
    Patients enter over the enrolment window at a rate that ramps up (over a
    share of the window, with a fitted curvature), then changes linearly to a
    fitted rate at which enrolment stops abruptly (:class:`~alexandra.design.Enrolment`).
    Each is followed until the data cut unless lost to follow-up first (a
    constant risk per year); events are dated when they happen, and an
    event-free patient is censored at her last assessment
    (``assessment_months`` after randomisation) before her last contact. The
    published follow-up is taken to run to the last contact (the data cut or
    the loss), so its quartiles measure enrolment and loss, not the visits.
    Event times have the cumulative hazard ``rate · t ** shape`` in each arm
    (exponential: shape 1; Weibull otherwise), so that the hazards are proportional.

    Why this shape: ALEXANDRA's follow-up (median 32, quartiles 22 and 41
    months, 165 still at risk at 48) cannot come from uniform enrolment (a
    median near 35, an upper quartile near 48 and about 400 at risk at 48
    months), nor from a ramp up to a flat plateau, which puts too many patients
    in the last year (rebuilds with a 12- or 24-month ramp miss the published
    quartiles by 4–6 months and the patients at risk at 48 by 30–70):
    enrolment must have slowed before it stopped.

    **Calibration, on a smooth objective.** The free
    parameters (enrolment shape, loss to follow-up, event rates, and the Weibull shape
    when it is fitted to landmark survival) are fitted by least squares to the
    aggregates the model *expects*: events per arm, reverse Kaplan–Meier
    follow-up quartiles per arm, patients at risk at ``at_risk[0]`` months
    (both arms) and landmark survival, each scaled by the error we accept
    (0.25 events, 0.5 months, 3% of the number at risk, 1 percentage point).
    Patients are then drawn once from that fit (see below). They are not
    refitted on the drawn patients, whose quartiles move in steps: a fit on
    steps turns last-bit differences between processors into visible changes.

    **The draw.** Entry, loss and event times use Latin hypercube uniforms
    (one stratum per patient, randomly paired) from ``seed``, so that each arm
    follows the model closely. Each arm's event rate is then reset, on the
    drawn patients, to a value at which exactly the published number of
    patients have their event before their last contact: the events per arm are
    exact by construction, not by editing patients.

    **The hazard ratio is forced, not discovered.** When ``hazard_ratio`` is
    given, the treatment arm's event rate is tied to the reference arm's by it
    in the model, and one arm gets extra loss to follow-up on top of the shared
    risk (the parameter ``loss_difference``, treatment minus reference): with
    both event counts fixed, the hazard ratio can only move through the time
    at risk, and the published follow-up per arm allows a small difference.
    After the fit, that difference is tuned by bisection on the drawn
    patients until their (unstratified) Cox hazard ratio equals
    ``hazard_ratio``. Without ``hazard_ratio``, both arms share one loss
    rate and the hazard ratio follows from the event counts and follow-up.

    Parameters
    ----------
    n, events
        Patients randomised and events, per arm (the same two arm names).
    followup
        Per arm: median follow-up and its quartiles (to the last contact),
        in months, as ``(median, q1, q3)`` or a :class:`~alexandra.survival.FollowUp`.
    enrolment_months
        Length of the enrolment window.
    data_cut_months
        Time from the start of enrolment to the data cut (after the window ends).
    at_risk
        ``(months, patients)``: patients of both arms still at risk then.
    hazard_ratio
        Hazard ratio of the other arm versus ``reference``, to be forced.
    reference
        The reference (control) arm; default: the first arm of ``n``.
    hazard_ratio_ci, logrank_p
        Published interval and P value: compared with the data in
        ``constraints`` (role ``"checked"``), never used to build them.
    landmark_survival
        Per arm, ``(months, survival)`` of the event-free curve (optional).
    enrolment_shape
        ``(ramp_months, ramp_power, end_rate)`` to fix the enrolment shape
        instead of fitting it (see :class:`~alexandra.design.Enrolment`).
    event_distribution, weibull_shape
        ``"exponential"``, or ``"weibull"`` with ``weibull_shape`` (fitted when
        None, which needs ``landmark_survival``).
    annual_loss
        The yearly risk of loss to follow-up shared by both arms, to fix it
        instead of fitting it. With ``hazard_ratio`` one arm still gets the
        extra loss that forces it; pass ``hazard_ratio=None`` as well for no
        loss at all.
    assessment_months
        Months after randomisation of the assessments that date an event-free
        patient's last visit (default: the book's assumed schedule,
        :data:`~alexandra.design.ASSESSMENT_MONTHS`); None for continuous
        assessment (censored at the last contact), as in a simulation.
    seed
        Seed of the draw: the same inputs and seed give the same data.
    with_strata
        Add SIMULATED stratum columns (see :data:`SIMULATED_STRATA`); they are
        drawn from a separate stream, so the other columns do not change.

    Returns
    -------
    PseudoIPD

    Raises
    ------
    DataError
        For inconsistent or impossible aggregates (arm names that differ
        between arguments, events above the arm size, quartiles out of order,
        a data cut before the end of enrolment, …) or options.

    Examples
    --------
    >>> pseudo = from_aggregates(
    ...     n={"control": 400, "new": 400},
    ...     events={"control": 120, "new": 90},
    ...     followup={"control": (30.0, 22.0, 38.0), "new": (30.5, 22.0, 38.5)},
    ...     enrolment_months=24,
    ...     data_cut_months=48,
    ...     seed=1,
    ... )
    >>> pseudo.constraints[["constraint", "target", "achieved"]].round(1)
                     constraint  target  achieved
    0           events[control]   120.0     120.0
    1               events[new]    90.0      90.0
    2  followup_median[control]    30.0      29.7
    3      followup_q1[control]    22.0      22.0
    4      followup_q3[control]    38.0      38.3
    5      followup_median[new]    30.5      30.0
    6          followup_q1[new]    22.0      22.1
    7          followup_q3[new]    38.5      38.3
    8              hazard_ratio     NaN       0.7
    """
    targets = _checked_aggregates(
        n,
        events,
        followup,
        enrolment_months,
        data_cut_months,
        at_risk,
        hazard_ratio,
        reference,
        landmark_survival,
        assessment_months,
    )
    shape_fixed = _checked_event_model(event_distribution, weibull_shape, targets)
    fixed, free = _free_parameters(targets, enrolment_shape, annual_loss, shape_fixed)
    data, model = calibration.calibrate(targets, fixed, free, calibration.latin_hypercube(targets, seed))
    simulated: tuple[str, ...] = ()
    if with_strata:
        data = _with_simulated_strata(data, targets, seed)
        simulated = tuple(SIMULATED_STRATA)
    constraints = _constraint_table(data, targets, hazard_ratio_ci, logrank_p)
    parameters = _parameter_table(model, targets, free, seed)
    return PseudoIPD(data=data, constraints=constraints, parameters=parameters, simulated_columns=simulated, seed=seed)


# -- checks ------------------------------------------------------------------------------------


def _number(
    name: str, value: object, *, low: float = -math.inf, high: float = math.inf, low_open: bool = False
) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"from_aggregates({name}): {value!r} is not a number") from None
    if not math.isfinite(number) or number < low or number > high or (low_open and number == low):
        bound = f"greater than {low:g}" if low_open else f"from {low:g}"
        raise DataError(f"from_aggregates({name}): {value!r} must be a finite number {bound} up to {high:g}")
    return number


def _whole(name: str, value: object, low: int, high: float) -> int:
    number = _number(name, value, low=low, high=high)
    if not number.is_integer() or isinstance(value, bool):
        raise DataError(f"from_aggregates({name}): {value!r} must be a whole number")
    return int(number)


def _checked_aggregates(
    n: Mapping[str, int],
    events: Mapping[str, int],
    followup: Mapping[str, Sequence[float] | FollowUp],
    enrolment_months: float,
    data_cut_months: float,
    at_risk: tuple[float, int] | None,
    hazard_ratio: float | None,
    reference: str | None,
    landmark_survival: Mapping[str, tuple[float, float]] | None,
    assessment_months: Sequence[float] | None,
) -> calibration.Targets:
    arms = list(n)
    if len(arms) != 2:
        raise DataError(f"from_aggregates(n): {len(arms)} arms {arms}; exactly two are needed")
    for name, mapping in (("events", events), ("followup", followup)):
        if sorted(mapping) != sorted(arms):
            raise DataError(f"from_aggregates({name}): arms {sorted(mapping)} differ from those of n {sorted(arms)}")
    reference = arms[0] if reference is None else reference
    if reference not in arms:
        raise DataError(f"from_aggregates(reference): {reference!r} is not one of the arms {arms}")
    ordered = (reference, arms[1] if arms[0] == reference else arms[0])
    enrolment = _number("enrolment_months", enrolment_months, low=0, low_open=True)
    cut = _number("data_cut_months", data_cut_months, low=enrolment, low_open=True)
    sizes = {arm: _whole(f"n[{arm!r}]", n[arm], 1, math.inf) for arm in arms}
    counts = {arm: _whole(f"events[{arm!r}]", events[arm], 0, sizes[arm]) for arm in arms}
    quartiles = {}
    for arm in arms:
        given = followup[arm]
        values = (given.median, given.q1, given.q3) if isinstance(given, FollowUp) else tuple(given)
        if len(values) != 3:
            raise DataError(f"from_aggregates(followup[{arm!r}]): expected (median, q1, q3), got {given!r}")
        median, q1, q3 = (_number(f"followup[{arm!r}]", value, low=0, high=cut, low_open=True) for value in values)
        if not q1 <= median <= q3:
            raise DataError(
                f"from_aggregates(followup[{arm!r}]): quartiles out of order: q1 {q1:g}, median {median:g}, q3 {q3:g}"
            )
        quartiles[arm] = (median, q1, q3)
    checked_at_risk = None
    if at_risk is not None:
        if len(at_risk) != 2:
            raise DataError(f"from_aggregates(at_risk): expected (months, patients), got {at_risk!r}")
        when = _number("at_risk[0] (months)", at_risk[0], low=0, high=cut, low_open=True)
        checked_at_risk = (when, _whole("at_risk[1] (patients)", at_risk[1], 0, sum(sizes.values())))
    checked_hr = None if hazard_ratio is None else _number("hazard_ratio", hazard_ratio, low=0, low_open=True)
    landmark = {}
    for arm, point in (landmark_survival or {}).items():
        if arm not in arms:
            raise DataError(f"from_aggregates(landmark_survival): {arm!r} is not one of the arms {arms}")
        if len(point) != 2:
            raise DataError(f"from_aggregates(landmark_survival[{arm!r}]): expected (months, survival), got {point!r}")
        landmark[arm] = (
            _number(f"landmark_survival[{arm!r}] months", point[0], low=0, high=cut, low_open=True),
            _number(f"landmark_survival[{arm!r}] survival", point[1], low=0, high=1, low_open=True),
        )
    # FollowUpPlan checks the schedule (increasing months from 0) with the package's message.
    schedule = None if assessment_months is None else tuple(float(month) for month in assessment_months)
    assessments = FollowUpPlan(assessment_months=schedule).assessment_months
    return calibration.Targets(
        ordered, sizes, counts, quartiles, enrolment, cut, checked_at_risk, checked_hr, landmark, assessments
    )


def _checked_event_model(
    event_distribution: str, weibull_shape: float | None, targets: calibration.Targets
) -> float | None:
    """The fixed event-time shape, or None when it is to be fitted."""
    if event_distribution not in EVENT_DISTRIBUTIONS:
        raise DataError(
            f"from_aggregates(event_distribution): {event_distribution!r} is not one of "
            f"{', '.join(map(repr, EVENT_DISTRIBUTIONS))}"
        )
    if event_distribution == "exponential":
        if weibull_shape is not None:
            raise DataError("from_aggregates(weibull_shape): only used with event_distribution='weibull'")
        return 1.0
    if weibull_shape is None:
        if not targets.landmark:
            raise DataError(
                "from_aggregates(weibull_shape): give the Weibull shape, or landmark_survival to fit it; "
                "event counts alone do not say how the hazard changes over time"
            )
        return None
    return _number("weibull_shape", weibull_shape, low=0, low_open=True)


def _free_parameters(
    targets: calibration.Targets,
    enrolment_shape: tuple[float, float, float] | None,
    annual_loss: float | None,
    shape: float | None,
) -> tuple[dict[str, float], list[str]]:
    """Fixed parameter values, and the names of the free ones (see :data:`alexandra.reconstruction.FREE_START`)."""
    fixed: dict[str, float] = {}
    free: list[str] = []
    if enrolment_shape is None:
        free += ["ramp_fraction", "ramp_power", "end_rate"]
    else:
        if len(enrolment_shape) != 3:
            raise DataError(
                f"from_aggregates(enrolment_shape): expected (ramp_months, ramp_power, end_rate), got {enrolment_shape!r}"
            )
        ramp = _number("enrolment_shape[0] (ramp months)", enrolment_shape[0], low=0, high=targets.enrolment)
        fixed["ramp_fraction"] = ramp / targets.enrolment
        fixed["ramp_power"] = _number("enrolment_shape[1] (ramp power)", enrolment_shape[1], low=0, low_open=True)
        fixed["end_rate"] = _number("enrolment_shape[2] (end rate)", enrolment_shape[2], low=0)
    if annual_loss is None:
        free.append("loss")
    else:
        fixed["loss"] = -math.log1p(-_number("annual_loss", annual_loss, low=0, high=0.99)) / 12
    if targets.hazard_ratio is None:
        fixed["loss_difference"] = 0.0
        free += ["rate_reference", "rate_treatment"]
    else:
        free += ["loss_difference", "rate_reference"]
    if shape is None:
        free.append("shape")
    else:
        fixed["shape"] = shape
    return fixed, free


def _with_simulated_strata(data: pd.DataFrame, targets: calibration.Targets, seed: int) -> pd.DataFrame:
    """Add SIMULATED stratum columns: assumed shares, balanced by arm, independent of outcome."""
    rng = np.random.default_rng([seed, 1])  # a separate stream: the patients do not change
    data = data.copy()
    for column, shares in SIMULATED_STRATA.items():
        labels = np.empty(len(data), dtype=object)
        for arm in targets.arms:
            rows = np.flatnonzero(data.arm.to_numpy() == arm)
            # Stratified randomisation balances strata between arms: exact counts (largest remainder).
            wanted = np.array(list(shares.values())) * len(rows)
            counts = np.floor(wanted).astype(np.int64)
            counts[np.argsort(counts - wanted)[: len(rows) - counts.sum()]] += 1
            labels[rows] = rng.permutation(np.repeat(list(shares), counts))
        data[column] = pd.Categorical(labels, categories=list(shares))
    return data


# -- what the result shows -------------------------------------------------------------------------


def _constraint_table(
    data: pd.DataFrame,
    targets: calibration.Targets,
    hazard_ratio_ci: tuple[float, float] | None,
    logrank_p: float | None,
) -> pd.DataFrame:
    reference = targets.arms[0]
    rows = [
        (check.name, check.target, check.achieved, check.role) for check in calibration.drawn_aggregates(data, targets)
    ]
    comparison = survival.compare_arms(data, reference=reference)
    cox = comparison.hazard_ratio
    if targets.hazard_ratio is not None:
        rows.append(("hazard_ratio", targets.hazard_ratio, cox.hr, "forced"))
    else:
        rows.append(("hazard_ratio", math.nan, cox.hr, "not a target"))
    if hazard_ratio_ci is not None:
        rows.append(("hazard_ratio_lower", float(hazard_ratio_ci[0]), cox.lower, "checked"))
        rows.append(("hazard_ratio_upper", float(hazard_ratio_ci[1]), cox.upper, "checked"))
    if logrank_p is not None:
        rows.append(("logrank_p", float(logrank_p), comparison.logrank.p_value, "checked"))
    table = pd.DataFrame(rows, columns=["constraint", "target", "achieved", "role"])
    table.insert(3, "difference", table.achieved - table.target)
    return table


def _parameter_table(
    model: calibration.Model, targets: calibration.Targets, free: list[str], seed: int
) -> pd.DataFrame:
    reference, treatment = targets.arms

    def how(name: str) -> str:
        return "fitted" if name in free else "given"

    def yearly(arm: str) -> float:
        return -math.expm1(-12 * model.loss[arm])

    rate_unit = "per month" if model.shape == 1 else f"per month^{model.shape:.3g}"
    forced = "loss_difference" in free
    enrolment = model.enrolment
    rows = [
        ("enrolment_months", targets.enrolment, "months", "given"),
        ("data_cut_months", targets.cut, "months since enrolment start", "given"),
        ("enrolment_ramp_months", enrolment.ramp_months, "months", how("ramp_fraction")),
        ("enrolment_ramp_power", enrolment.ramp_power, "power (1 = linear ramp)", how("ramp_power")),
        ("enrolment_end_rate", enrolment.end_rate, "rate at the stop / peak rate", how("end_rate")),
        *((f"annual_loss[{arm}]", yearly(arm), "risk per year", how("loss")) for arm in targets.arms),
        (
            "loss_difference",
            yearly(treatment) - yearly(reference),
            f"risk per year, {treatment} minus {reference}",
            "forced (hazard ratio)" if forced else "none",
        ),
        ("event_shape", model.shape, "Weibull shape (1 = exponential)", how("shape")),
        *((f"event_rate[{arm}]", model.rate[arm], rate_unit, "set for exact events") for arm in targets.arms),
        ("model_hazard_ratio", model.rate[treatment] / model.rate[reference], "ratio", "result"),
        ("seed", float(seed), "", "given"),
    ]
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "how"])


# -- ALEXANDRA ---------------------------------------------------------------------------------------
