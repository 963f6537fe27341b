"""The calibration behind :func:`alexandra.reconstruction.from_aggregates`: a model fitted to aggregates, then drawn.

The model is the book's one model of a trial's conduct (:mod:`alexandra.design`):
enrolment that ramps up and may slow before it stops, loss to follow-up, and
event-free patients censored at their last assessment; events have the cumulative
hazard ``rate · t ** shape`` in each arm. :func:`calibrate` fits its free
parameters to the aggregates the model expects, and :func:`draw` gives the patients.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from alexandra import survival
from alexandra.design import Conduct, Enrolment, FollowUpPlan, reported_followup

__all__ = ["Check", "Model", "Targets", "Uniforms", "calibrate", "draw", "drawn_aggregates", "latin_hypercube"]

_GRID_POINTS = 1201
"""Time grid of the expected-value calibration (about 0.05 months for a 5-year trial)."""


@dataclass(frozen=True)
class Targets:
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
    assessments: tuple[float, ...] | None


@dataclass(frozen=True)
class Model:
    """Enrolment shape, loss to follow-up per arm (per month), event rates and the event-time shape."""

    enrolment: Enrolment
    loss: dict[str, float]
    rate: dict[str, float]
    shape: float

    def conduct(self, arm: str, targets: Targets) -> Conduct:
        """How the patients of ``arm`` are enrolled and followed."""
        plan = FollowUpPlan(annual_loss=-math.expm1(-12 * self.loss[arm]), assessment_months=targets.assessments)
        return Conduct(self.enrolment, plan, targets.cut)


FREE_LOWER = {"ramp_fraction": 0.01, "ramp_power": 0.2, "end_rate": 0.05, "loss": 1e-6, "loss_difference": -0.05}
FREE_UPPER = {"ramp_fraction": 1.0, "ramp_power": 5.0, "end_rate": 5.0, "loss": 0.5, "loss_difference": 0.05}
FREE_START = {
    "ramp_fraction": 0.3,
    "ramp_power": 1.0,
    "end_rate": 1.0,
    "loss": 0.002,
    "loss_difference": 0.0,
    "shape": 1.0,
}
"""Bounds and starting values of the free parameters; ``loss`` is per month, the ramp a share of the window."""


def model(values: Mapping[str, float], targets: Targets) -> Model:
    """The model of named parameter values (see :data:`FREE_START` for the names)."""
    reference, treatment = targets.arms
    if targets.hazard_ratio is None:
        rate_treatment = values["rate_treatment"]
    else:
        rate_treatment = values["rate_reference"] * targets.hazard_ratio
    enrolment = Enrolment(
        targets.enrolment,
        ramp_months=min(values["ramp_fraction"], 1.0) * targets.enrolment,
        ramp_power=values["ramp_power"],
        end_rate=values["end_rate"],
    )
    difference = values["loss_difference"]
    loss = {reference: values["loss"] + max(0.0, -difference), treatment: values["loss"] + max(0.0, difference)}
    return Model(enrolment, loss, {reference: values["rate_reference"], treatment: rate_treatment}, values["shape"])


def _expected_residuals(fitted: Model, targets: Targets, grid: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Model minus target for every aggregate, each divided by the error we are willing to accept."""
    residuals: list[float] = []
    at_risk = 0.0
    for arm in targets.arms:
        conduct = fitted.conduct(arm, targets)
        followed = conduct.followed(grid)
        event_free = np.exp(-fitted.rate[arm] * grid**fitted.shape)
        # Expected events: the chance of an event at t while still followed, summed over t.
        expected_events = targets.n[arm] * np.sum((followed[:-1] + followed[1:]) / 2 * -np.diff(event_free))
        residuals.append((expected_events - targets.events[arm]) / 0.25)
        # Follow-up runs to the last contact: its quartiles are where the follow-up curve crosses 1/2, 3/4, 1/4.
        quartiles = np.interp([-0.5, -0.75, -0.25], -followed, grid)
        residuals.extend((quartiles - np.array(targets.followup[arm])) / 0.5)
        if targets.at_risk is not None:
            when = targets.at_risk[0]
            at_risk += targets.n[arm] * conduct.at_risk_share(when) * math.exp(-fitted.rate[arm] * when**fitted.shape)
        if arm in targets.landmark:
            when, survival_target = targets.landmark[arm]
            residuals.append((math.exp(-fitted.rate[arm] * when**fitted.shape) - survival_target) / 0.01)
    if targets.at_risk is not None:
        residuals.append((at_risk - targets.at_risk[1]) / at_risk_scale(targets.at_risk[1]))
    return np.array(residuals)


class _Parameters:
    """Named model parameters <-> the optimiser's vector (logs, except the loss difference)."""

    RATE_BOUNDS = (1e-8, 10.0)

    def __init__(self, fixed: Mapping[str, float], free: Sequence[str]) -> None:
        self.fixed = dict(fixed)
        self.free = list(free)

    def _to_vector(self, table: Mapping[str, float]) -> npt.NDArray[np.float64]:
        return np.array([table[name] if name == "loss_difference" else math.log(table[name]) for name in self.free])

    def vector(self, values: Mapping[str, float]) -> npt.NDArray[np.float64]:
        low, high = self.bounds()
        return np.clip(self._to_vector(values), low + 1e-9, high - 1e-9)

    def bounds(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        low = {name: FREE_LOWER.get(name, self.RATE_BOUNDS[0]) for name in self.free}
        high = {name: FREE_UPPER.get(name, self.RATE_BOUNDS[1]) for name in self.free}
        return self._to_vector(low), self._to_vector(high)

    def values(self, theta: npt.NDArray[np.float64]) -> dict[str, float]:
        free = {name: x if name == "loss_difference" else math.exp(x) for name, x in zip(self.free, theta, strict=True)}
        return {**self.fixed, **free}


def _calibrate_expected(targets: Targets, fixed: dict[str, float], free: list[str]) -> dict[str, float]:
    """Fit the free parameters to the aggregates the model *expects* (smooth, no random numbers)."""
    grid = np.linspace(0.0, targets.cut, _GRID_POINTS)
    median_followup = float(np.mean([quartiles[0] for quartiles in targets.followup.values()]))
    start = {
        **FREE_START,
        **{
            f"rate_{role}": max(-math.log1p(-targets.events[arm] / targets.n[arm]), 1e-4) / median_followup
            for role, arm in zip(("reference", "treatment"), targets.arms, strict=True)
        },
    }
    parameters = _Parameters(fixed, free)
    fit = optimize.least_squares(
        lambda theta: _expected_residuals(model(parameters.values(theta), targets), targets, grid),
        parameters.vector(start),
        bounds=parameters.bounds(),
    )
    return parameters.values(fit.x)


def calibrate(
    targets: Targets, fixed: dict[str, float], free: list[str], uniforms: dict[str, Uniforms]
) -> tuple[pd.DataFrame, Model]:
    """The drawn patients and the model behind them, fitted to ``targets``.

    The parameters are fitted to the aggregates the model *expects* (a smooth
    objective), and the patients are drawn once from that fit. They are not refitted
    on the drawn patients: drawn quartiles move in steps as patients swap order, so
    an optimiser on them turns last-bit differences between processors into visible
    changes (a log hazard ratio moved by 0.0026), while buying under 0.03 months of
    follow-up. A hazard ratio in ``targets`` is forced at the end by the difference
    in loss to follow-up between the arms (``loss_difference`` among ``free``).
    """
    values = _calibrate_expected(targets, fixed, free)
    if "loss_difference" in free:
        values = _force_hazard_ratio(values, targets, uniforms)
    return draw(model(values, targets), targets, uniforms)


# -- the draw ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uniforms:
    """Latin hypercube uniforms of one arm: one per patient in each of n equal strata, shuffled."""

    entry: npt.NDArray[np.float64]
    loss: npt.NDArray[np.float64]
    event: npt.NDArray[np.float64]


def latin_hypercube(targets: Targets, seed: int) -> dict[str, Uniforms]:
    """The uniforms of every arm, fixed by ``seed``."""
    rng = np.random.default_rng(seed)

    def stratified(size: int) -> npt.NDArray[np.float64]:
        return (rng.permutation(size) + rng.random(size)) / size

    return {arm: Uniforms(*(stratified(targets.n[arm]) for _ in range(3))) for arm in targets.arms}


def _rate_with_exact_events(
    unit_hazard: npt.NDArray[np.float64],
    contact: npt.NDArray[np.float64],
    shape: float,
    events: int,
    model_rate: float,
) -> float:
    """A rate at which exactly ``events`` patients have their event before their last contact.

    A patient has the event when ``rate · contact ** shape`` reaches their
    unit hazard, i.e. when the rate passes their threshold; any rate between the
    ``events``-th and the next smallest threshold gives exactly ``events``. The
    model's rate is kept when it lies there, otherwise the geometric middle is used.
    """
    thresholds = np.sort(unit_hazard / contact**shape)
    if events == 0:
        return min(model_rate, thresholds[0] / 2)
    if events == len(thresholds):
        return max(model_rate, thresholds[-1] * 2)
    low, high = thresholds[events - 1], thresholds[events]
    return model_rate if low < model_rate < high else math.sqrt(low * high)


def draw(fitted: Model, targets: Targets, uniforms: dict[str, Uniforms]) -> tuple[pd.DataFrame, Model]:
    """Patients drawn from the model with exact events per arm, and the model with the rates used.

    An event is recorded when it happens before the patient's last contact; an
    event-free patient is censored at her last assessment before it. The column
    ``last_contact`` is the follow-up as trials report it.
    """
    arms = []
    rates = {}
    for arm in targets.arms:
        drawn = fitted.conduct(arm, targets).draw(uniforms[arm].entry, uniforms[arm].loss)
        unit_hazard = -np.log1p(-uniforms[arm].event)
        rates[arm] = _rate_with_exact_events(
            unit_hazard, drawn.last_contact, fitted.shape, targets.events[arm], fitted.rate[arm]
        )
        event_time = (unit_hazard / rates[arm]) ** (1 / fitted.shape)
        has_event = event_time <= drawn.last_contact
        patients = pd.DataFrame(
            {
                "time": np.where(has_event, event_time, drawn.last_assessment),
                "event": has_event.astype(np.int64),
                "arm": arm,
                "last_contact": drawn.last_contact,
            }
        )
        arms.append(patients.sort_values("time", kind="stable"))
    return pd.concat(arms, ignore_index=True), replace(fitted, rate=rates)


def _force_hazard_ratio(values: dict[str, float], targets: Targets, uniforms: dict[str, Uniforms]) -> dict[str, float]:
    """Tune the difference in loss to follow-up until the drawn patients' Cox hazard ratio is the target.

    Bisection on the difference between the two arms' loss rates.
    """
    assert targets.hazard_ratio is not None
    target = math.log(targets.hazard_ratio)

    def gap(difference: float) -> float:
        data, _ = draw(model({**values, "loss_difference": difference}, targets), targets, uniforms)
        return survival.cox_hazard_ratio(data.time, data.event, data.arm, reference=targets.arms[0]).log_hr - target

    # More loss on the treatment arm (or less on the reference arm) leaves fewer of its
    # patients at risk for the same events, which raises its hazard: the gap increases with
    # the difference. Search near the fit first, then wider.
    start = values["loss_difference"]
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
    return {**values, "loss_difference": best}


# -- what the drawn patients show ------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One aggregate of drawn data against its target; ``scale`` is the error we are willing to accept."""

    name: str
    target: float
    achieved: float
    scale: float
    role: str


def drawn_aggregates(data: pd.DataFrame, targets: Targets) -> list[Check]:
    """Events, follow-up quartiles (to the last contact), numbers at risk and landmark survival of drawn data."""
    checks = [
        Check(f"events[{arm}]", targets.events[arm], float(data.event[data.arm == arm].sum()), 0.25, "forced exactly")
        for arm in targets.arms
    ]
    for arm in targets.arms:
        achieved = reported_followup(data[data.arm == arm])
        median, q1, q3 = targets.followup[arm]
        checks += [
            Check(f"followup_median[{arm}]", median, achieved.median, 0.5, "calibrated"),
            Check(f"followup_q1[{arm}]", q1, achieved.q1, 0.5, "calibrated"),
            Check(f"followup_q3[{arm}]", q3, achieved.q3, 0.5, "calibrated"),
        ]
    if targets.at_risk is not None:
        when, count = targets.at_risk
        achieved_count = float(survival.number_at_risk(data.time, data.event, [when])[0])
        name = f"at_risk_{when:g}_months[both arms]"
        checks.append(Check(name, count, achieved_count, at_risk_scale(count), "calibrated"))
    for arm, (when, target_survival) in targets.landmark.items():
        patients = data[data.arm == arm]
        curve = survival.kaplan_meier(patients.time, patients.event, at=[when])
        name = f"survival_{when:g}_months[{arm}]"
        checks.append(Check(name, target_survival, float(curve.survival.iloc[0]), 0.01, "calibrated"))
    return checks


def at_risk_scale(count: int) -> float:
    """The error accepted on a number at risk: 3% of it, at least one patient."""
    return max(1.0, 0.03 * count)
