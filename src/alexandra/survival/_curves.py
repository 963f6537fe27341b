"""Survival curves of one group of patients, checked against R's ``survival`` package.

The functions take one value per patient (follow-up ``time`` and ``event``, 1 or censored 0)
and return plain numbers in small frozen dataclasses or a :class:`pandas.DataFrame`:

- :func:`kaplan_meier` and :func:`number_at_risk` — the Kaplan–Meier estimate with
  Greenwood standard errors and R's default ("log") confidence interval, and the numbers at
  risk in R's convention;
- :func:`reverse_km_followup` — median follow-up and its quartiles by the reverse
  Kaplan–Meier method;
- :func:`rmst` — restricted mean survival time up to a horizon ``tau``, with the
  Greenwood-type variance that R reports.

Two arms are compared in :mod:`alexandra.survival`; :mod:`alexandra.survival` gathers both.
``tests/r/reference.R`` computes the same quantities with R on the fixed data sets in
``tests/r/fixtures``; ``tests/test_survival_curves.py`` checks that both agree.

Times are compared exactly: two follow-up times are tied only when they are equal numbers.
(R's ``survival`` also merges times that differ by rounding error, less than about 1e-8
relative; round times, to days or hundredths of a month, before analysis.)

Bad input raises :class:`alexandra.errors.DataError` naming the function, the argument and the
row (rows are counted from 0, as in pandas), in the format of :mod:`alexandra.checks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra import checks
from alexandra.stats_common import z_for

__all__ = [
    "FollowUp",
    "RMST",
    "kaplan_meier",
    "number_at_risk",
    "reverse_km_followup",
    "rmst",
]

#: R's tolerance for "this survival value is exactly the requested quantile".
_QUANTILE_TOLERANCE = math.sqrt(np.finfo(float).eps)


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _times(function: str, name: str, values: Any) -> npt.NDArray[np.float64]:
    return checks.values(function, name, values, minimum=0)


def _events(function: str, values: Any, times: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    numbers = checks.values(function, "event", values)
    checks.paired(function, ("time", "event"), times, numbers)
    bad = np.flatnonzero((numbers != 0) & (numbers != 1))
    if bad.size:
        row = int(bad[0])
        checks.fail(checks.call(function, "event"), f"{numbers[row]} is not 0 (censored) or 1 (event)", row=row)
    return numbers.astype(np.int64)


def _patients(function: str, time: Any, event: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    times = _times(function, "time", time)
    return times, _events(function, event, times)


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KaplanMeierSteps:
    """The product-limit estimate at each distinct observed time."""

    time: npt.NDArray[np.float64]
    n_risk: npt.NDArray[np.int64]
    n_event: npt.NDArray[np.int64]
    n_censor: npt.NDArray[np.int64]
    survival: npt.NDArray[np.float64]
    #: Greenwood's sum d / (n (n - d)): the variance of log survival (inf once survival is 0).
    greenwood: npt.NDArray[np.float64]


def _kaplan_meier_steps(time: npt.NDArray[np.float64], event: npt.NDArray[np.int64]) -> _KaplanMeierSteps:
    distinct, position = np.unique(time, return_inverse=True)
    n_at_time = np.bincount(position)
    n_event = np.bincount(position, weights=event).astype(np.int64)
    n_risk = time.size - np.concatenate(([0], np.cumsum(n_at_time)[:-1]))
    with np.errstate(divide="ignore"):
        greenwood_terms = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(np.float64)), 0.0)
    return _KaplanMeierSteps(
        time=distinct,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_at_time - n_event,
        survival=np.cumprod(1 - n_event / n_risk),
        greenwood=np.cumsum(greenwood_terms),
    )


def _survival_frame(
    time: npt.NDArray[np.float64],
    n_risk: npt.NDArray[np.int64],
    n_event: npt.NDArray[np.int64],
    n_censor: npt.NDArray[np.int64],
    survival: npt.NDArray[np.float64],
    greenwood: npt.NDArray[np.float64],
    z_level: float,
) -> pd.DataFrame:
    """Survival with R's standard error and "log" interval (upper limit capped at 1)."""
    se_log = np.sqrt(greenwood)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_survival = np.log(survival)
        dead = survival == 0  # R reports no standard error or interval once survival is 0
        return pd.DataFrame(
            {
                "time": time,
                "n_risk": n_risk,
                "n_event": n_event,
                "n_censor": n_censor,
                "survival": survival,
                "std_err": np.where(dead, np.nan, survival * se_log),
                "lower": np.where(dead, np.nan, np.exp(log_survival - z_level * se_log)),
                "upper": np.where(dead, np.nan, np.minimum(np.exp(log_survival + z_level * se_log), 1.0)),
            }
        )


def kaplan_meier(time: Any, event: Any, at: Any = None, level: float = 0.95) -> pd.DataFrame:
    """The Kaplan–Meier estimate with Greenwood standard errors, as R's ``survfit``.

    Parameters
    ----------
    time, event : array-like
        Follow-up time (>= 0) and event indicator (1 event, 0 censored) of each patient.
    at : array-like of float, optional
        Increasing times at which to read the curve, like ``summary(fit, times = at,
        extend = TRUE)``. By default one row per distinct observed time, like
        ``summary(fit, censored = TRUE)``.
    level : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``n_risk`` (at risk just before ``time``: follow-up >= ``time``),
        ``n_event`` and ``n_censor`` (at that time, or with ``at`` since the previous
        requested time), ``survival``, ``std_err`` (Greenwood, on the survival scale),
        ``lower`` and ``upper``: R's default ``conf.type = "log"`` interval,
        ``exp(log S ± z · se(log S))`` with the upper limit capped at 1; ``std_err``,
        ``lower`` and ``upper`` are NaN once survival has reached 0. Times before the
        first observation have survival 1; times after the last observation keep the last
        value, with nobody at risk. The curve starts at survival 1 at time 0, which is not
        a row.

    Examples
    --------
    >>> curve = kaplan_meier(time=[1, 2, 2, 3, 5, 6], event=[1, 1, 0, 1, 0, 1])
    >>> curve[["time", "n_risk", "n_event", "survival"]].round(3)
       time  n_risk  n_event  survival
    0   1.0       6        1     0.833
    1   2.0       5        1     0.667
    2   3.0       3        1     0.444
    3   5.0       2        0     0.444
    4   6.0       1        1     0.000
    >>> kaplan_meier([1, 2, 2, 3, 5, 6], [1, 1, 0, 1, 0, 1], at=[0, 2.5, 4])["survival"].round(3).tolist()
    [1.0, 0.667, 0.444]
    """
    z_level = z_for(level, "kaplan_meier")
    times, events = _patients("kaplan_meier", time, event)
    steps = _kaplan_meier_steps(times, events)
    if at is None:
        return _survival_frame(
            steps.time, steps.n_risk, steps.n_event, steps.n_censor, steps.survival, steps.greenwood, z_level
        )
    wanted = _times("kaplan_meier", "at", at)
    if np.any(np.diff(wanted) <= 0):
        checks.fail(checks.call("kaplan_meier", "at"), "the times must be strictly increasing")
    # Index of the last observed time at or before each requested time (-1: none yet).
    last = np.searchsorted(steps.time, wanted, side="right") - 1
    before_start = last < 0
    last = np.maximum(last, 0)
    events_so_far = np.where(before_start, 0, np.cumsum(steps.n_event)[last])
    censored_so_far = np.where(before_start, 0, np.cumsum(steps.n_censor)[last])
    return _survival_frame(
        wanted,
        number_at_risk(times, events, wanted),
        np.diff(events_so_far, prepend=0),
        np.diff(censored_so_far, prepend=0),
        np.where(before_start, 1.0, steps.survival[last]),
        np.where(before_start, 0.0, steps.greenwood[last]),
        z_level,
    )


def number_at_risk(time: Any, event: Any, times: Any) -> npt.NDArray[np.int64]:
    """Patients at risk just before each of ``times``, as R's ``summary(survfit, times)``.

    A patient is at risk at ``t`` when their follow-up time is >= ``t``: someone who has the
    event or is censored exactly at ``t`` still counts at ``t``. This is the convention of the
    risk tables printed under Kaplan–Meier plots.

    Parameters
    ----------
    time, event : array-like
        Follow-up time and event indicator of each patient (``event`` is checked with
        ``time`` so that both describe the same patients; it does not change the count).
    times : array-like of float
        Times (>= 0) at which to count, in any order.

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> number_at_risk(time=[1, 2, 2, 3, 5, 6], event=[1, 1, 0, 1, 0, 1], times=[0, 2, 2.5, 6, 7])
    array([6, 5, 3, 1, 0])
    """
    follow_up, _ = _patients("number_at_risk", time, event)
    wanted = _times("number_at_risk", "times", times)
    return follow_up.size - np.searchsorted(np.sort(follow_up), wanted, side="left")


# --------------------------------------------------------------------------------------------
# Follow-up
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up and interquartile range by reverse Kaplan–Meier.

    A quartile that the reverse Kaplan–Meier curve never reaches is NaN (R's ``NA``).
    """

    median: float
    q1: float
    q3: float


def _quantiles(steps: _KaplanMeierSteps, probabilities: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Times by which a fraction ``probabilities`` has had the event: R's ``quantile.survfit``.

    R's convention: when the curve sits exactly (within a tolerance) on 1 − p over a flat
    stretch, the quantile is the middle of that stretch, and when that stretch is the end of
    the curve, the middle between its start and the last follow-up time.
    """
    # The cumulative distribution 1 - S from (0, 0), keeping the first time each value is
    # reached (it only increases at event times).
    time = np.concatenate(([0.0], steps.time))
    distribution = np.concatenate(([0.0], 1 - steps.survival))
    first = np.concatenate(([True], distribution[1:] != distribution[:-1]))
    time, distribution = time[first], distribution[first]
    # First point reaching p (allowing the tolerance), and first point clearly beyond p.
    reaching = np.searchsorted(distribution + _QUANTILE_TOLERANCE, probabilities, side="left")
    beyond = np.searchsorted(distribution - _QUANTILE_TOLERANCE, probabilities, side="left")
    size = distribution.size
    found = (reaching < size) & (beyond < size)
    quantiles = np.full(probabilities.size, np.nan)
    quantiles[found] = (time[reaching[found]] + time[beyond[found]]) / 2
    at_end = np.abs(probabilities - distribution[-1]) < _QUANTILE_TOLERANCE
    quantiles[at_end] = (time[reaching[at_end]] + steps.time[-1]) / 2
    return quantiles


def reverse_km_followup(time: Any, event: Any) -> FollowUp:
    """Median follow-up and quartiles by the reverse Kaplan–Meier method.

    Schemper and Smith (1996): estimate the "survival" of follow-up itself by swapping the
    roles of events and censorings, so that patients who had the event count as having
    stopped being followed for a reason that says nothing about follow-up. Matches
    ``quantile(survfit(Surv(time, 1 - event) ~ 1), c(0.25, 0.5, 0.75))`` in R, including its
    rule for flat stretches (see the Notes).

    Parameters
    ----------
    time, event : array-like
        Follow-up time and event indicator (1 event, 0 censored) of each patient.

    Returns
    -------
    FollowUp

    Notes
    -----
    Where the reverse curve lies exactly on 0.5 (or 0.75, 0.25) between two times, R — and
    this function — returns the midpoint of those times, as the sample median of an even
    number of values does.

    Examples
    --------
    >>> reverse_km_followup(time=[1, 2, 3, 4], event=[0, 0, 0, 0])
    FollowUp(median=2.5, q1=1.5, q3=3.5)
    >>> reverse_km_followup(time=[10, 12, 20, 30, 40], event=[1, 0, 0, 1, 0]).median
    30.0
    """
    times, events = _patients("reverse_km_followup", time, event)
    steps = _kaplan_meier_steps(times, 1 - events)
    q1, median, q3 = _quantiles(steps, np.array([0.25, 0.5, 0.75]))
    return FollowUp(median=float(median), q1=float(q1), q3=float(q3))


# --------------------------------------------------------------------------------------------
# Restricted mean survival time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RMST:
    """Restricted mean survival time: the area under the Kaplan–Meier curve from 0 to ``tau``."""

    tau: float
    estimate: float
    se: float


def _check_tau(function: str, tau: float, time: npt.NDArray[np.float64], whose: str) -> float:
    horizon = checks.positive(function, "tau", tau)
    last = float(time.max())
    if horizon > last:
        checks.fail(
            checks.call(function, "tau", tau),
            f"tau is after the last follow-up time {last} {whose}; "
            "the Kaplan-Meier curve is not known there, choose tau <= that time",
        )
    return horizon


def _rmst(time: npt.NDArray[np.float64], event: npt.NDArray[np.int64], tau: float) -> RMST:
    steps = _kaplan_meier_steps(time, event)
    kept = steps.time <= tau
    # Rectangles under the step curve: from 0 to the first time at height 1, then from each
    # kept time to the next (the last one to tau) at the survival reached at that time.
    edges = np.concatenate(([0.0], steps.time[kept], [tau]))
    heights = np.concatenate(([1.0], steps.survival[kept]))
    rectangles = np.diff(edges) * heights
    # Greenwood-type variance (R's survfit print, survRM2): sum over event times t of
    # (area from t to tau)² · d / (n (n − d)); a time where everyone left at risk has the
    # event contributes 0, as in R.
    n_risk, n_event = steps.n_risk[kept], steps.n_event[kept]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_terms = np.where(n_risk > n_event, n_event / (n_risk * (n_risk - n_event).astype(np.float64)), 0.0)
    area_after = np.cumsum(rectangles[::-1])[::-1][1:]
    variance = float(np.sum(area_after**2 * hazard_terms))
    return RMST(tau=tau, estimate=float(rectangles.sum()), se=math.sqrt(variance))


def rmst(time: Any, event: Any, tau: float) -> RMST:
    """Restricted mean survival time up to ``tau`` and its standard error.

    Matches ``print(survfit(Surv(time, event) ~ 1), rmean = tau)`` in R (``rmean`` and
    ``se(rmean)``), which uses the same variance as the survRM2 package.

    Parameters
    ----------
    time, event : array-like
        Follow-up time and event indicator (1 event, 0 censored) of each patient.
    tau : float
        The horizon; it must not be after the last follow-up time.

    Returns
    -------
    RMST

    Examples
    --------
    >>> result = rmst(time=[1, 2, 2, 3, 5, 6], event=[1, 1, 0, 1, 0, 1], tau=4)
    >>> round(result.estimate, 4), round(result.se, 4)
    (2.9444, 0.4698)
    """
    times, events = _patients("rmst", time, event)
    return _rmst(times, events, _check_tau("rmst", tau, times, "of the data"))
