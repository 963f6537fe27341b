"""Two-arm trials whose truth is known, and what a reader of their paper would see.

The book's reconstruction methods (:mod:`alexandra.reconstruction`) are checked on
trials simulated here: the simulated patients are the truth, and
:func:`published_figure` gives what a journal figure would show of them — the
Kaplan–Meier curve as a digitiser reads it and the numbers at risk printed
under it. The same trials serve as the "teaching trial" of the chapters.

Time is in months. Patients are enrolled and followed in the book's one model of a trial's
conduct (:class:`alexandra.design.Conduct`, see :func:`trial_conduct`): they enter uniformly over
``accrual_months``; the analysis happens ``followup_months`` after the last patient entered, so each
patient's potential follow-up runs from ``followup_months`` (last to enter) to
``accrual_months + followup_months`` (first to enter). Patients may also be lost to follow-up at a
constant rate. All of it is fixed by ``seed``.

>>> trial = simulate_trial(n_per_arm=300, hazard_ratio=0.7, seed=1)
>>> trial.groupby("arm").size().to_dict()
{'control': 300, 'experimental': 300}
>>> figure = published_figure(trial)
>>> figure["control"].at_risk.head(3)
   time  n_risk
0   0.0     300
1   6.0     265
2  12.0     239
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra import checks, survival
from alexandra.design import Conduct, Enrolment, FollowUpPlan

__all__ = [
    "SIMULATED_ARMS",
    "BASELINES",
    "FigureReading",
    "digitise_curve",
    "published_figure",
    "risk_table",
    "simulate_trial",
    "trial_conduct",
]

SIMULATED_ARMS = ("control", "experimental")
"""Arm labels of a simulated trial; the hazard ratio is experimental vs control."""

BASELINES = ("exponential", "weibull", "nonph")
"""Shapes of the event-time distributions :func:`simulate_trial` can draw."""

Baseline = Literal["exponential", "weibull", "nonph"]


def simulate_trial(
    n_per_arm: int,
    hazard_ratio: float,
    baseline: Baseline = "exponential",
    accrual_months: float = 24.0,
    followup_months: float = 36.0,
    dropout_rate: float = 0.0,
    seed: int = 2025,
    *,
    control_median_months: float = 36.0,
    weibull_shape: float = 0.7,
    delay_months: float = 6.0,
) -> pd.DataFrame:
    """Simulate a two-arm randomised trial with a known hazard ratio.

    Parameters
    ----------
    n_per_arm
        Patients in each arm.
    hazard_ratio
        True hazard ratio, experimental vs control (below 1: fewer events on
        the experimental arm).
    baseline
        ``"exponential"``: constant hazards (proportional hazards).
        ``"weibull"``: Weibull hazards with shape ``weibull_shape`` (below 1,
        the hazard falls over time, as recurrence after early breast cancer
        does), still proportional.
        ``"nonph"``: a delayed effect — both arms share the control's constant
        hazard for the first ``delay_months``, after which the experimental
        hazard is ``hazard_ratio`` times the control's (non-proportional).
    accrual_months, followup_months
        Uniform entry over ``accrual_months``; analysis ``followup_months``
        after the last entry.
    dropout_rate
        Rate per month of losses to follow-up (exponential), 0 for none.
    seed
        Seed of the random numbers: the same seed gives the same trial.
    control_median_months
        Median event time of the control arm without censoring.
    weibull_shape, delay_months
        Used by the ``"weibull"`` and ``"nonph"`` baselines.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``time`` (months), ``event`` (1 event, 0
        censored) and ``arm`` (``"control"`` or ``"experimental"``), control
        patients first.

    Raises
    ------
    DataError
        For a non-positive size, hazard ratio, median, shape or follow-up, a
        negative accrual, delay or dropout rate, or an unknown baseline.

    Examples
    --------
    >>> trial = simulate_trial(1000, hazard_ratio=0.5, baseline="weibull", seed=3)
    >>> trial.groupby("arm").event.sum().to_dict()
    {'control': 560, 'experimental': 350}
    >>> simulate_trial(1000, 0.5, seed=3).equals(simulate_trial(1000, 0.5, seed=3))
    True
    """
    _check_simulation(
        n_per_arm,
        hazard_ratio,
        baseline,
        accrual_months,
        followup_months,
        dropout_rate,
        control_median_months,
        weibull_shape,
        delay_months,
    )
    rng = np.random.default_rng(seed)
    conduct = trial_conduct(accrual_months, followup_months, dropout_rate)
    arms = []
    for arm in SIMULATED_ARMS:
        unit_hazard = rng.exponential(size=n_per_arm)  # cumulative hazard at which each patient has the event
        arm_hazard_ratio = hazard_ratio if arm == "experimental" else 1.0
        event_time = _event_times(
            unit_hazard, arm_hazard_ratio, baseline, control_median_months, weibull_shape, delay_months
        )
        censor_time = _last_contact(conduct, n_per_arm, rng)
        event = event_time <= censor_time
        time = np.where(event, event_time, censor_time)
        arms.append(pd.DataFrame({"time": time, "event": event.astype(np.int64), "arm": arm}))
    return pd.concat(arms, ignore_index=True)


def trial_conduct(accrual_months: float, followup_months: float, dropout_rate: float) -> Conduct:
    """How a simulated trial enrols and follows its patients, in the book's one model of a trial's conduct.

    Uniform enrolment over ``accrual_months``, a data cut ``followup_months`` after it, and loss to
    follow-up at the constant rate ``dropout_rate`` per month; assessment is continuous (a simulated
    patient is censored when last seen).

    >>> conduct = trial_conduct(24.0, 36.0, dropout_rate=0.01)
    >>> conduct.cut_months, round(conduct.followup.annual_loss, 4)
    (60.0, 0.1131)
    """
    plan = FollowUpPlan(annual_loss=-math.expm1(-12.0 * dropout_rate), assessment_months=None)
    return Conduct(Enrolment(accrual_months), plan, accrual_months + followup_months)


def _last_contact(conduct: Conduct, n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Months from randomisation to the last contact of ``n`` patients (the data cut or their loss)."""
    entry = rng.random(n)
    # Without loss no uniform is drawn for it, so trials without dropout keep their random stream.
    loss = rng.random(n) if conduct.followup.loss_rate > 0 else np.full(n, 0.5)
    return conduct.draw(entry, loss).last_contact


def _event_times(
    unit_hazard: npt.NDArray[np.float64],
    hazard_ratio: float,
    baseline: Baseline,
    control_median: float,
    weibull_shape: float,
    delay: float,
) -> npt.NDArray[np.float64]:
    """Invert the arm's cumulative hazard at Exp(1) draws."""
    if baseline == "weibull":
        scale = control_median / math.log(2) ** (1 / weibull_shape)
        return scale * (unit_hazard / hazard_ratio) ** (1 / weibull_shape)
    rate = math.log(2) / control_median
    if baseline == "exponential":
        return unit_hazard / (rate * hazard_ratio)
    # Delayed effect: the control hazard until `delay`, hazard_ratio times it afterwards.
    before_delay = unit_hazard <= rate * delay
    return np.where(before_delay, unit_hazard / rate, delay + (unit_hazard - rate * delay) / (rate * hazard_ratio))


def _check_simulation(
    n_per_arm: int,
    hazard_ratio: float,
    baseline: str,
    accrual_months: float,
    followup_months: float,
    dropout_rate: float,
    control_median_months: float,
    weibull_shape: float,
    delay_months: float,
) -> None:
    checks.whole("simulate_trial", "n_per_arm", n_per_arm, minimum=1)
    checks.one_of("simulate_trial", "baseline", baseline, BASELINES)
    for name, value, minimum_excluded in (
        ("hazard_ratio", hazard_ratio, True),
        ("followup_months", followup_months, True),
        ("control_median_months", control_median_months, True),
        ("weibull_shape", weibull_shape, True),
        ("accrual_months", accrual_months, False),
        ("dropout_rate", dropout_rate, False),
        ("delay_months", delay_months, False),
    ):
        checks.number("simulate_trial", name, value, low=0, inclusive=not minimum_excluded)


# -- what a reader of the paper sees --------------------------------------------------------


@dataclass(frozen=True)
class FigureReading:
    """What a reader can take from one arm of a published Kaplan–Meier figure.

    Attributes
    ----------
    curve
        Digitised points of the curve: ``time``, ``survival`` (see :func:`digitise_curve`).
    at_risk
        The numbers-at-risk table printed under the figure: ``time``, ``n_risk``.
    n, events
        Patients randomised to the arm and their number of events (papers
        usually print both).
    """

    curve: pd.DataFrame
    at_risk: pd.DataFrame
    n: int
    events: int


def digitise_curve(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    n_points: int = 200,
    until: float | None = None,
    reading_error: float = 0.0,
    seed: int = 2025,
) -> pd.DataFrame:
    """Read a Kaplan–Meier curve as a digitiser would: the corners of its steps.

    Someone digitising a figure clicks where the curve drops. A curve with
    more drops than ``n_points`` is read at the last drop before each of
    ``n_points`` evenly spaced times, so that nearby drops merge into one,
    as they do in a printed figure. The end of the curve (its last
    follow-up time, or ``until`` for a figure cut there) is read too.
    Clicks are never exact: ``reading_error`` adds normal errors with that
    standard deviation as a share of each axis (survival 0–1, time 0–end).

    Parameters
    ----------
    time, event
        One arm's patients.
    n_points
        How many points at most to read.
    until
        Where the figure stops (default: the last follow-up time).
    reading_error
        Standard deviation of the reading error as a share of the axis
        (0.002 is about one pixel on a 500-pixel axis); 0 reads exactly.
    seed
        Seed of the reading errors.

    Returns
    -------
    pandas.DataFrame
        ``time`` and ``survival``, starting at (0, 1).

    Examples
    --------
    >>> digitise_curve([1, 2, 2, 3, 5, 6], [1, 1, 0, 1, 0, 0]).round(3)
       time  survival
    0   0.0     1.000
    1   1.0     0.833
    2   2.0     0.667
    3   3.0     0.444
    4   6.0     0.444
    """
    checks.whole("digitise_curve", "n_points", n_points, minimum=2)
    checks.number("digitise_curve", "reading_error", reading_error, low=0, hint="(a share of the axis)")
    steps = survival.kaplan_meier(time, event)
    end = float(steps.time.iloc[-1]) if until is None else float(until)
    drops = steps[(steps.n_event > 0) & (steps.time <= end)]
    drop_time, drop_survival = drops.time.to_numpy(), drops.survival.to_numpy()
    if len(drops) > n_points - 2:
        grid = np.linspace(0.0, end, n_points - 1)[1:]
        last_drop = np.unique(np.searchsorted(drop_time, grid, side="right") - 1)
        last_drop = last_drop[last_drop >= 0]
        drop_time, drop_survival = drop_time[last_drop], drop_survival[last_drop]
    points_time = np.concatenate(([0.0], drop_time))
    points_survival = np.concatenate(([1.0], drop_survival))
    if end > points_time[-1]:  # the flat end of the curve
        points_time = np.append(points_time, end)
        points_survival = np.append(points_survival, points_survival[-1])
    if reading_error > 0:
        # The start (0, 1) is where the axes meet: a reader gets it right.
        rng = np.random.default_rng(seed)
        n_read = len(points_time) - 1
        points_time[1:] = np.clip(points_time[1:] + rng.normal(0.0, reading_error * end, n_read), 0.0, end)
        points_survival[1:] = np.clip(points_survival[1:] + rng.normal(0.0, reading_error, n_read), 0.0, 1.0)
    return pd.DataFrame({"time": points_time, "survival": points_survival})


def risk_table(
    time: npt.ArrayLike, event: npt.ArrayLike, every: float = 6.0, until: float | None = None
) -> pd.DataFrame:
    """The numbers at risk every ``every`` months, as printed under a figure.

    Parameters
    ----------
    time, event
        One arm's patients.
    every
        Spacing of the table in months.
    until
        Last time of the table (default: the last follow-up time).

    Returns
    -------
    pandas.DataFrame
        ``time`` (0, every, 2·every, …) and ``n_risk``.

    Examples
    --------
    >>> risk_table([1, 2, 2, 3, 5, 6], [1, 1, 0, 1, 0, 0], every=2)
       time  n_risk
    0   0.0       6
    1   2.0       5
    2   4.0       2
    3   6.0       1
    """
    checks.positive("risk_table", "every", every)
    end = float(np.max(np.asarray(time, dtype=float))) if until is None else float(until)
    times = np.arange(0.0, end + every * 1e-9, every)
    return pd.DataFrame({"time": times, "n_risk": survival.number_at_risk(time, event, times)})


def published_figure(
    trial: pd.DataFrame,
    n_points: int = 200,
    risk_every: float = 6.0,
    until: float | None = None,
    reading_error: float = 0.0,
    seed: int = 2025,
) -> dict[str, FigureReading]:
    """What a reader can take from the trial's Kaplan–Meier figure, arm by arm.

    Parameters
    ----------
    trial
        Patients with columns ``time``, ``event`` and ``arm``.
    n_points, risk_every
        See :func:`digitise_curve` and :func:`risk_table`.
    until
        Where the figure stops (default: the last follow-up time of the trial).
    reading_error, seed
        Reading error of the digitised curves (see :func:`digitise_curve`);
        each arm gets its own errors from ``seed``.

    Returns
    -------
    dict
        Arm label to :class:`FigureReading`, in the order the arms first appear.

    Examples
    --------
    >>> trial = simulate_trial(200, hazard_ratio=0.8, seed=2)
    >>> reading = published_figure(trial, until=48)["experimental"]
    >>> reading.n, reading.events, len(reading.curve) <= 200, float(reading.at_risk.time.max())
    (200, 110, True, 48.0)
    """
    missing = {"time", "event", "arm"} - set(trial.columns)
    if missing:
        checks.fail(checks.call("published_figure", "trial"), f"missing column(s) {', '.join(sorted(missing))}")
    end = float(trial.time.max()) if until is None else float(until)
    readings = {}
    for index, (arm, patients) in enumerate(trial.groupby("arm", sort=False)):
        readings[str(arm)] = FigureReading(
            curve=digitise_curve(
                patients.time,
                patients.event,
                n_points=n_points,
                until=end,
                reading_error=reading_error,
                seed=seed + index,
            ),
            at_risk=risk_table(patients.time, patients.event, every=risk_every, until=end),
            n=len(patients),
            events=int(patients.event.sum()),
        )
    return readings
