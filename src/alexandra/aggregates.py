"""Pseudo-individual patient data for a trial that published only aggregates.

:func:`from_aggregates` is for a trial that printed no curve coordinates and no
numbers at risk, only aggregates (patients, events, follow-up, patients still
at risk at one time, the hazard ratio). ALEXANDRA/IMpassion030 is such a trial:
:func:`alexandra_pseudo_ipd` builds its pseudo-data from
:mod:`alexandra.published`. The data *reproduce* what was published; they do
not recover the real patients. (For a trial that printed its Kaplan–Meier
figure, see :mod:`alexandra.guyot`.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special

from alexandra import survival
from alexandra.errors import DataError
from alexandra.published import months_between
from alexandra.survival import FollowUp

__all__ = [
    "ALEXANDRA_ASSUMPTIONS",
    "EVENT_DISTRIBUTIONS",
    "SIMULATED_STRATA",
    "PseudoIPD",
    "alexandra_pseudo_ipd",
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

_GRID_POINTS = 1201
"""Time grid of the expected-value calibration (about 0.05 months for a 5-year trial)."""


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
        difference in dropout between the arms), ``"set for exact events"``
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


@dataclass(frozen=True)
class _Targets:
    """The checked aggregates; ``arms`` is (reference, treatment)."""

    arms: tuple[str, str]
    n: dict[str, int]
    events: dict[str, int]
    followup: dict[str, tuple[float, float, float]]  # median, q1, q3
    enrolment: float
    cut: float
    at_risk: tuple[float, int] | None
    hazard_ratio: float | None
    landmark: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class _Model:
    """Entry ~ Beta(a, b) over enrolment; dropout ~ Exp(rate); cumulative hazard rate · t^shape."""

    accrual_a: float
    accrual_b: float
    dropout: dict[str, float]
    rate: dict[str, float]
    shape: float


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
    accrual_shape: tuple[float, float] | None = None,
    event_distribution: str = "exponential",
    weibull_shape: float | None = None,
    dropout_rate: float | None = None,
    seed: int = 2025,
    with_strata: bool = False,
) -> PseudoIPD:
    """Pseudo-individual data for a two-arm trial that published only aggregates.

    **The model.** Each patient enters at a calendar time drawn from a Beta(a, b)
    shape stretched over the enrolment window (a = b = 1 is uniform accrual;
    a > 1 a slow start; b > 1 a slow end) and is followed until the data cut
    unless they drop out first (exponential dropout: losses to follow-up and
    the lag between a last visit and the data cut). Event times have the
    cumulative hazard ``rate · t ** shape`` in each arm (exponential:
    shape 1; Weibull otherwise), so that the hazards are proportional.

    Why a Beta shape: ALEXANDRA's follow-up (median 32, quartiles 22 and 41
    months, 165 still at risk at 48) cannot come from uniform accrual (that
    gives a median near 35, an upper quartile near 48 and about 400 at risk at
    48 months), nor from a one-parameter "slow start" power shape, which misses
    the quartiles by 1–3 months; a Beta shape with dropout meets all of them.

    **Calibration, in two passes, both deterministic.** First, the free
    parameters (accrual shape, dropout rate, event rates, and the Weibull shape
    when it is fitted to landmark survival) are fitted by least squares to the
    aggregates the model *expects*: events per arm, reverse Kaplan–Meier
    follow-up quartiles per arm, patients at risk at ``at_risk[0]`` months
    (both arms) and landmark survival, each scaled by the error we accept
    (0.25 events, 0.5 months, 3% of the number at risk, 1 percentage point).
    Then patients are drawn (see below) and the same parameters, except the
    event rates, are refitted on the *drawn* patients, with the same random
    numbers throughout (common random numbers), so that the data themselves,
    not only the model, meet the targets.

    **The draw.** Entry, dropout and event times use Latin hypercube uniforms
    (one stratum per patient, randomly paired) from ``seed``, so that each arm
    follows the model closely. Each arm's event rate is then reset, on the
    drawn patients, to a value at which exactly the published number of
    patients have their event before they are censored: the events per arm are
    exact by construction, not by editing patients.

    **The hazard ratio is forced, not discovered.** When ``hazard_ratio`` is
    given, the treatment arm's event rate is tied to the reference arm's by it
    in the model, and one arm gets extra dropout on top of the shared rate
    (the parameter ``dropout_difference``, treatment minus reference): with
    both event counts fixed, the hazard ratio can only move through the time
    at risk, and the published follow-up per arm allows a small difference.
    After the refit, that difference is tuned by bisection on the drawn
    patients until their (unstratified) Cox hazard ratio equals
    ``hazard_ratio``. Without ``hazard_ratio``, both arms share one dropout
    rate and the hazard ratio follows from the event counts and follow-up.

    Parameters
    ----------
    n, events
        Patients randomised and events, per arm (the same two arm names).
    followup
        Per arm: median follow-up and its quartiles by reverse Kaplan–Meier,
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
    accrual_shape
        ``(a, b)`` to fix the accrual shape instead of fitting it.
    event_distribution, weibull_shape
        ``"exponential"``, or ``"weibull"`` with ``weibull_shape`` (fitted when
        None, which needs ``landmark_survival``).
    dropout_rate
        The dropout rate per month shared by both arms, to fix it instead of
        fitting it. With ``hazard_ratio`` one arm still gets the extra dropout
        that forces it; pass ``hazard_ratio=None`` as well for no dropout at all.
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
    2  followup_median[control]    30.0      30.2
    3      followup_q1[control]    22.0      20.8
    4      followup_q3[control]    38.0      38.4
    5      followup_median[new]    30.5      30.4
    6          followup_q1[new]    22.0      22.7
    7          followup_q3[new]    38.5      38.1
    8              hazard_ratio     NaN       0.7
    """
    targets = _checked_aggregates(
        n, events, followup, enrolment_months, data_cut_months, at_risk, hazard_ratio, reference, landmark_survival
    )
    shape_fixed = _checked_event_model(event_distribution, weibull_shape, targets)
    fixed, free = _free_parameters(targets, accrual_shape, dropout_rate, shape_fixed)
    values = _calibrate(targets, fixed, free)
    uniforms = _latin_hypercube(targets, seed)
    # The Cox and Peto log hazard ratios differ a little, by an amount the dropout barely moves:
    # measure it once, then steer the hazard ratio with the fast Peto estimate.
    cox_minus_peto = _cox_minus_peto(values, targets, uniforms) if "dropout_difference" in free else None
    values = _calibrate_on_draw(values, targets, uniforms, free, cox_minus_peto)
    if cox_minus_peto is not None:
        values = _force_hazard_ratio(values, targets, uniforms, cox_minus_peto)
    data, model = _draw(_model(values, targets), targets, uniforms)
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
) -> _Targets:
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
    return _Targets(ordered, sizes, counts, quartiles, enrolment, cut, checked_at_risk, checked_hr, landmark)


def _checked_event_model(event_distribution: str, weibull_shape: float | None, targets: _Targets) -> float | None:
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


# -- calibration on expected values ------------------------------------------------------------


def _free_parameters(
    targets: _Targets, accrual_shape: tuple[float, float] | None, dropout_rate: float | None, shape: float | None
) -> tuple[dict[str, float], list[str]]:
    """Fixed parameter values, and the names of the free ones (fitted on a log scale)."""
    fixed: dict[str, float] = {}
    free: list[str] = []
    if accrual_shape is None:
        free += ["accrual_a", "accrual_b"]
    else:
        fixed["accrual_a"] = _number("accrual_shape[0]", accrual_shape[0], low=0, low_open=True)
        fixed["accrual_b"] = _number("accrual_shape[1]", accrual_shape[1], low=0, low_open=True)
    if dropout_rate is None:
        free.append("dropout")
    else:
        fixed["dropout"] = _number("dropout_rate", dropout_rate, low=0)
    if targets.hazard_ratio is None:
        fixed["dropout_difference"] = 0.0
        free += ["rate_reference", "rate_treatment"]
    else:
        free += ["dropout_difference", "rate_reference"]
    if shape is None:
        free.append("shape")
    else:
        fixed["shape"] = shape
    return fixed, free


def _model(values: Mapping[str, float], targets: _Targets) -> _Model:
    reference, treatment = targets.arms
    if targets.hazard_ratio is None:
        rate_treatment = values["rate_treatment"]
    else:
        rate_treatment = values["rate_reference"] * targets.hazard_ratio
    return _Model(
        accrual_a=values["accrual_a"],
        accrual_b=values["accrual_b"],
        dropout=_arm_dropout(values["dropout"], values["dropout_difference"], targets),
        rate={reference: values["rate_reference"], treatment: rate_treatment},
        shape=values["shape"],
    )


def _followup_survival(
    model: _Model, targets: _Targets, arm: str, time: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Probability of still being followed at ``time`` (no data cut, no dropout yet)."""
    latest_entry = np.clip((targets.cut - time) / targets.enrolment, 0.0, 1.0)
    return special.betainc(model.accrual_a, model.accrual_b, latest_entry) * np.exp(-model.dropout[arm] * time)


def _expected_residuals(model: _Model, targets: _Targets, grid: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Model minus target for every aggregate, each divided by the error we are willing to accept."""
    residuals: list[float] = []
    at_risk = 0.0
    for arm in targets.arms:
        followed = _followup_survival(model, targets, arm, grid)
        event_free = np.exp(-model.rate[arm] * grid**model.shape)
        # Expected events: the chance of an event at t while still followed, summed over t.
        expected_events = targets.n[arm] * np.sum((followed[:-1] + followed[1:]) / 2 * -np.diff(event_free))
        residuals.append((expected_events - targets.events[arm]) / 0.25)
        # Reverse Kaplan–Meier quartiles estimate where the follow-up curve crosses 1/2, 3/4, 1/4.
        quartiles = np.interp([-0.5, -0.75, -0.25], -followed, grid)
        residuals.extend((quartiles - np.array(targets.followup[arm])) / 0.5)
        if targets.at_risk is not None:
            at_risk += targets.n[arm] * np.interp(targets.at_risk[0], grid, followed * event_free)
        if arm in targets.landmark:
            when, survival_target = targets.landmark[arm]
            residuals.append((math.exp(-model.rate[arm] * when**model.shape) - survival_target) / 0.01)
    if targets.at_risk is not None:
        residuals.append((at_risk - targets.at_risk[1]) / _at_risk_scale(targets.at_risk[1]))
    return np.array(residuals)


class _Parameters:
    """Named model parameters <-> the optimiser's vector (logs, except the dropout difference)."""

    LOWER = {"accrual_a": 0.2, "accrual_b": 0.2, "dropout": 1e-6, "dropout_difference": -0.05, "shape": 0.2}
    UPPER = {"accrual_a": 20.0, "accrual_b": 20.0, "dropout": 0.5, "dropout_difference": 0.05, "shape": 5.0}
    RATE_BOUNDS = (1e-8, 10.0)

    def __init__(self, fixed: Mapping[str, float], free: Sequence[str]) -> None:
        self.fixed = dict(fixed)
        self.free = list(free)

    def _to_vector(self, table: Mapping[str, float]) -> npt.NDArray[np.float64]:
        return np.array([table[name] if name == "dropout_difference" else math.log(table[name]) for name in self.free])

    def vector(self, values: Mapping[str, float]) -> npt.NDArray[np.float64]:
        low, high = self.bounds()
        return np.clip(self._to_vector(values), low + 1e-9, high - 1e-9)

    def bounds(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        low = {name: self.LOWER.get(name, self.RATE_BOUNDS[0]) for name in self.free}
        high = {name: self.UPPER.get(name, self.RATE_BOUNDS[1]) for name in self.free}
        return self._to_vector(low), self._to_vector(high)

    def values(self, theta: npt.NDArray[np.float64]) -> dict[str, float]:
        free = {
            name: x if name == "dropout_difference" else math.exp(x) for name, x in zip(self.free, theta, strict=True)
        }
        return {**self.fixed, **free}


def _calibrate(targets: _Targets, fixed: dict[str, float], free: list[str]) -> dict[str, float]:
    """Fit the free parameters to the aggregates the model *expects* (smooth, no random numbers)."""
    grid = np.linspace(0.0, targets.cut, _GRID_POINTS)
    median_followup = float(np.mean([quartiles[0] for quartiles in targets.followup.values()]))
    start = {
        "accrual_a": 1.5,
        "accrual_b": 1.5,
        "dropout": 0.005,
        "dropout_difference": 0.0,
        "shape": 1.0,
        **{
            f"rate_{role}": max(-math.log1p(-targets.events[arm] / targets.n[arm]), 1e-4) / median_followup
            for role, arm in zip(("reference", "treatment"), targets.arms, strict=True)
        },
    }
    parameters = _Parameters(fixed, free)
    fit = optimize.least_squares(
        lambda theta: _expected_residuals(_model(parameters.values(theta), targets), targets, grid),
        parameters.vector(start),
        bounds=parameters.bounds(),
    )
    return parameters.values(fit.x)


def _calibrate_on_draw(
    values: dict[str, float],
    targets: _Targets,
    uniforms: dict[str, _Uniforms],
    free: list[str],
    cox_minus_peto: float | None,
) -> dict[str, float]:
    """Refit on the drawn patients (same uniforms throughout), starting from the expected-value fit.

    The event rates are not refitted: each draw resets them so that the events
    are exact. When the hazard ratio is a target, its log-rank (Peto) estimate
    enters the fit too; :func:`_force_hazard_ratio` then makes it exact.
    """
    refit = [name for name in free if not name.startswith("rate_")]
    if not refit:
        return values
    parameters = _Parameters({name: value for name, value in values.items() if name not in refit}, refit)

    def residuals(theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        data, _ = _draw(_model(parameters.values(theta), targets), targets, uniforms)
        checks = [check for check in _drawn_aggregates(data, targets) if check.role == "calibrated"]
        misses = [(check.achieved - check.target) / check.scale for check in checks]
        if cox_minus_peto is not None:
            assert targets.hazard_ratio is not None
            misses.append((_peto_log_hr(data, targets) + cox_minus_peto - math.log(targets.hazard_ratio)) / 0.01)
        return np.array(misses)

    # Drawn quartiles move in small steps as patients swap order: difference quotients need a
    # wide step, and a tolerance finer than those steps buys nothing.
    fit = optimize.least_squares(
        residuals, parameters.vector(values), bounds=parameters.bounds(), diff_step=0.01, ftol=1e-3, xtol=1e-3
    )
    return parameters.values(fit.x)


# -- the draw ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Uniforms:
    """Latin hypercube uniforms of one arm: one per patient in each of n equal strata, shuffled."""

    entry: npt.NDArray[np.float64]
    dropout: npt.NDArray[np.float64]
    event: npt.NDArray[np.float64]


def _latin_hypercube(targets: _Targets, seed: int) -> dict[str, _Uniforms]:
    rng = np.random.default_rng(seed)

    def stratified(size: int) -> npt.NDArray[np.float64]:
        return (rng.permutation(size) + rng.random(size)) / size

    return {arm: _Uniforms(*(stratified(targets.n[arm]) for _ in range(3))) for arm in targets.arms}


def _rate_with_exact_events(
    unit_hazard: npt.NDArray[np.float64],
    censor_time: npt.NDArray[np.float64],
    shape: float,
    events: int,
    model_rate: float,
) -> float:
    """A rate at which exactly ``events`` patients have their event before being censored.

    A patient has the event when ``rate · censor_time ** shape`` reaches their
    unit hazard, i.e. when the rate passes their threshold; any rate between the
    ``events``-th and the next smallest threshold gives exactly ``events``. The
    model's rate is kept when it lies there, otherwise the geometric middle is used.
    """
    thresholds = np.sort(unit_hazard / censor_time**shape)
    if events == 0:
        return min(model_rate, thresholds[0] / 2)
    if events == len(thresholds):
        return max(model_rate, thresholds[-1] * 2)
    low, high = thresholds[events - 1], thresholds[events]
    return model_rate if low < model_rate < high else math.sqrt(low * high)


def _draw(model: _Model, targets: _Targets, uniforms: dict[str, _Uniforms]) -> tuple[pd.DataFrame, _Model]:
    """Patients drawn from the model with exact events per arm, and the model with the rates used."""
    arms = []
    rates = {}
    for arm in targets.arms:
        draws = uniforms[arm]
        entry = targets.enrolment * special.betaincinv(model.accrual_a, model.accrual_b, draws.entry)
        censor_time = targets.cut - entry
        if model.dropout[arm] > 0:
            censor_time = np.minimum(censor_time, -np.log1p(-draws.dropout) / model.dropout[arm])
        unit_hazard = -np.log1p(-draws.event)
        rates[arm] = _rate_with_exact_events(
            unit_hazard, censor_time, model.shape, targets.events[arm], model.rate[arm]
        )
        event_time = (unit_hazard / rates[arm]) ** (1 / model.shape)
        has_event = event_time <= censor_time
        patients = pd.DataFrame(
            {"time": np.where(has_event, event_time, censor_time), "event": has_event.astype(np.int64), "arm": arm}
        )
        arms.append(patients.sort_values("time", kind="stable"))
    return pd.concat(arms, ignore_index=True), replace(model, rate=rates)


def _peto_log_hr(data: pd.DataFrame, targets: _Targets) -> float:
    """The log-rank (Peto) estimate of the log hazard ratio, O − E over V: fast, close to Cox's."""
    test = survival.logrank_test(data.time, data.event, data.arm, reference=targets.arms[0])
    return test.o_minus_e / test.variance


def _cox_minus_peto(values: dict[str, float], targets: _Targets, uniforms: dict[str, _Uniforms]) -> float:
    """The small gap between the Cox and the Peto log hazard ratio; it barely moves with the dropout."""
    data, _ = _draw(_model(values, targets), targets, uniforms)
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference=targets.arms[0])
    return cox.log_hr - _peto_log_hr(data, targets)


def _force_hazard_ratio(
    values: dict[str, float], targets: _Targets, uniforms: dict[str, _Uniforms], cox_minus_peto: float
) -> dict[str, float]:
    """Tune the treatment arm's dropout on the drawn patients until their Cox hazard ratio is the target.

    Bisection on the difference between the two arms' dropout rates; the hazard
    ratio is read with the Peto estimate plus its measured gap to Cox.
    """
    assert targets.hazard_ratio is not None
    target = math.log(targets.hazard_ratio)

    def gap(difference: float) -> float:
        data, _ = _draw(_model({**values, "dropout_difference": difference}, targets), targets, uniforms)
        return _peto_log_hr(data, targets) + cox_minus_peto - target

    # More dropout on the treatment arm (or less on the reference arm) leaves fewer of its
    # patients at risk for the same events, which raises its hazard: the gap increases with
    # the difference. Search near the fit first, then wider.
    start = values["dropout_difference"]
    tried = {start: gap(start)}
    for width in (0.01, 0.05):
        low, high = start - width, start + width
        tried[low], tried[high] = gap(low), gap(high)
        if tried[low] < 0 < tried[high]:
            for _ in range(40):
                middle = (low + high) / 2
                tried[middle] = gap(middle)
                if abs(tried[middle]) < 1e-4:
                    break
                low, high = (middle, high) if tried[middle] < 0 else (low, middle)
            break
    best = min(tried, key=lambda difference: abs(tried[difference]))
    return {**values, "dropout_difference": best}


def _arm_dropout(dropout: float, difference: float, targets: _Targets) -> dict[str, float]:
    """Dropout per arm: the shared rate, plus the difference on the arm it makes higher."""
    reference, treatment = targets.arms
    return {reference: dropout + max(0.0, -difference), treatment: dropout + max(0.0, difference)}


def _with_simulated_strata(data: pd.DataFrame, targets: _Targets, seed: int) -> pd.DataFrame:
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


@dataclass(frozen=True)
class _Check:
    """One aggregate of drawn data against its target; ``scale`` is the error we are willing to accept."""

    name: str
    target: float
    achieved: float
    scale: float
    role: str


def _drawn_aggregates(data: pd.DataFrame, targets: _Targets) -> list[_Check]:
    """Events, follow-up quartiles, numbers at risk and landmark survival of drawn data."""
    checks = [
        _Check(f"events[{arm}]", targets.events[arm], float(data.event[data.arm == arm].sum()), 0.25, "forced exactly")
        for arm in targets.arms
    ]
    for arm in targets.arms:
        patients = data[data.arm == arm]
        achieved = survival.reverse_km_followup(patients.time, patients.event)
        median, q1, q3 = targets.followup[arm]
        checks += [
            _Check(f"followup_median[{arm}]", median, achieved.median, 0.5, "calibrated"),
            _Check(f"followup_q1[{arm}]", q1, achieved.q1, 0.5, "calibrated"),
            _Check(f"followup_q3[{arm}]", q3, achieved.q3, 0.5, "calibrated"),
        ]
    if targets.at_risk is not None:
        when, count = targets.at_risk
        achieved_count = float(survival.number_at_risk(data.time, data.event, [when])[0])
        name = f"at_risk_{when:g}_months[both arms]"
        checks.append(_Check(name, count, achieved_count, _at_risk_scale(count), "calibrated"))
    for arm, (when, target_survival) in targets.landmark.items():
        patients = data[data.arm == arm]
        curve = survival.kaplan_meier(patients.time, patients.event, at=[when])
        name = f"survival_{when:g}_months[{arm}]"
        checks.append(_Check(name, target_survival, float(curve.survival.iloc[0]), 0.01, "calibrated"))
    return checks


def _at_risk_scale(count: int) -> float:
    return max(1.0, 0.03 * count)


def _constraint_table(
    data: pd.DataFrame, targets: _Targets, hazard_ratio_ci: tuple[float, float] | None, logrank_p: float | None
) -> pd.DataFrame:
    reference = targets.arms[0]
    rows = [(check.name, check.target, check.achieved, check.role) for check in _drawn_aggregates(data, targets)]
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference=reference)
    if targets.hazard_ratio is not None:
        rows.append(("hazard_ratio", targets.hazard_ratio, cox.hr, "forced"))
    else:
        rows.append(("hazard_ratio", math.nan, cox.hr, "not a target"))
    if hazard_ratio_ci is not None:
        rows.append(("hazard_ratio_lower", float(hazard_ratio_ci[0]), cox.lower, "checked"))
        rows.append(("hazard_ratio_upper", float(hazard_ratio_ci[1]), cox.upper, "checked"))
    if logrank_p is not None:
        test = survival.logrank_test(data.time, data.event, data.arm, reference=reference)
        rows.append(("logrank_p", float(logrank_p), test.p_value, "checked"))
    table = pd.DataFrame(rows, columns=["constraint", "target", "achieved", "role"])
    table.insert(3, "difference", table.achieved - table.target)
    return table


def _parameter_table(model: _Model, targets: _Targets, free: list[str], seed: int) -> pd.DataFrame:
    reference, treatment = targets.arms

    def how(name: str) -> str:
        return "fitted" if name in free else "given"

    rate_unit = "per month" if model.shape == 1 else f"per month^{model.shape:.3g}"
    forced = "dropout_difference" in free
    rows = [
        ("enrolment_months", targets.enrolment, "months", "given"),
        ("data_cut_months", targets.cut, "months since enrolment start", "given"),
        ("accrual_shape_a", model.accrual_a, "Beta shape", how("accrual_a")),
        ("accrual_shape_b", model.accrual_b, "Beta shape", how("accrual_b")),
        *((f"dropout_rate[{arm}]", model.dropout[arm], "per month", how("dropout")) for arm in targets.arms),
        (
            "dropout_difference",
            model.dropout[treatment] - model.dropout[reference],
            f"per month, {treatment} minus {reference}",
            "forced (hazard ratio)" if forced else "none",
        ),
        ("event_shape", model.shape, "Weibull shape (1 = exponential)", how("shape")),
        *((f"event_rate[{arm}]", model.rate[arm], rate_unit, "set for exact events") for arm in targets.arms),
        ("model_hazard_ratio", model.rate[treatment] / model.rate[reference], "ratio", "result"),
        ("seed", float(seed), "", "given"),
    ]
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "how"])


# -- ALEXANDRA ---------------------------------------------------------------------------------------

ALEXANDRA_ASSUMPTIONS = (
    "accrual_shape",
    "event_distribution",
    "weibull_shape",
    "dropout_rate",
    "hazard_ratio",
    "landmark_survival",
)
"""What :func:`alexandra_pseudo_ipd` lets a sensitivity analysis change."""


def alexandra_pseudo_ipd(seed: int = 2025, with_strata: bool = False, **assumptions: Any) -> PseudoIPD:
    """Pseudo-individual IDFS data of ALEXANDRA/IMpassion030 from its published aggregates.

    Uses :func:`from_aggregates` with the numbers of :mod:`alexandra.published`:
    patients and IDFS events per arm, the enrolment window and data cut
    (months from 2 August 2018), median follow-up with its IQR per arm, the 165
    patients at risk at 48 months (both arms), and the stratified hazard ratio
    1.11, which is *forced* (see :func:`from_aggregates`). The published interval
    and log-rank P value are only checked. The reference arm is chemotherapy.

    Parameters
    ----------
    seed, with_strata
        As in :func:`from_aggregates`.
    **assumptions
        Overrides for a sensitivity analysis, any of :data:`ALEXANDRA_ASSUMPTIONS`:
        ``accrual_shape=(a, b)``, ``event_distribution="weibull"`` with
        ``weibull_shape``, ``dropout_rate`` (per month), ``hazard_ratio``
        (None: not forced), ``landmark_survival``.

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
    from alexandra import published  # imported here: the table is read only when needed

    unknown = sorted(set(assumptions) - set(ALEXANDRA_ASSUMPTIONS))
    if unknown:
        raise DataError(
            f"alexandra_pseudo_ipd({unknown[0]}=...): not an assumption that can be changed; "
            f"choose from {', '.join(ALEXANDRA_ASSUMPTIONS)}"
        )
    start = published.get("enrolment_start").when

    def months_after_start(key: str) -> float:
        return months_between(start, published.get(key).when)

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
        "reference": "chemotherapy",
        "hazard_ratio_ci": (hazard_ratio.lower, hazard_ratio.upper),
        "logrank_p": published.get("idfs_logrank_p").number,
    }
    arguments.update(assumptions)
    return from_aggregates(**arguments, seed=seed, with_strata=with_strata)
