"""Estimates for two arms whose hazards may not be proportional, checked against R's ``survival``.

The companions of the weighted log-rank tests (:func:`~alexandra.survival.weighted_logrank_test`;
the restricted mean survival time's difference and ratio are :func:`~alexandra.survival.rmst_difference`):

- :func:`piecewise_hazard_ratios` — one Cox hazard ratio per period between time cuts, as R's
  ``coxph`` on ``survSplit`` data with an arm-by-period interaction;
- :func:`proportional_hazards_test` — the scaled Schoenfeld residual test of R's ``cox.zph``.

``tests/r/nph_reference.R`` computes the same quantities with R on the data sets of
``tests/r/fixtures``; ``tests/test_nph.py`` checks that both agree.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.errors import DataError
from alexandra.stats_common import z_for
from alexandra.survival import _two_arms as two_arms
from alexandra.survival._risk_sets import _event_times, _EventTimes
from alexandra.survival._two_arms import _two_arms

__all__ = [
    "PHTestResult",
    "TRANSFORMS",
    "piecewise_hazard_ratios",
    "proportional_hazards_test",
]

# --------------------------------------------------------------------------------------------
# Piecewise hazard ratios
# --------------------------------------------------------------------------------------------


def piecewise_hazard_ratios(
    time: Any,
    event: Any,
    group: Any,
    cuts: Any,
    reference: Hashable | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """One Cox hazard ratio per period between time ``cuts``.

    The model of R's ``coxph(Surv(tstart, time, event) ~ arm:factor(period))`` on the data
    split at the cuts by ``survSplit`` (periods ``[0, c₁], (c₁, c₂], …, (cₖ, ∞)``, Efron's
    ties). Its partial likelihood is a product over event times, and an event time involves
    only the coefficient of its own period, so each period's hazard ratio is the Cox hazard
    ratio (:func:`alexandra.survival.cox_hazard_ratio`) of the whole data with only that
    period's events counted, and the estimates are independent.

    Parameters
    ----------
    time, event, group, reference :
        As in :func:`alexandra.survival.logrank_test`.
    cuts : array-like of float
        Strictly increasing times (> 0) where a period ends.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``start``, ``end`` (inf for the last), ``hazard_ratio``, ``lower``,
        ``upper``, ``p_value`` (Wald) and ``events`` (both groups).

    Examples
    --------
    >>> periods = piecewise_hazard_ratios(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7, 1, 6, 9, 2],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6 + ["chemo", "chemo", "atezo", "atezo"],
    ...     cuts=[4],
    ...     reference="chemo",
    ... )
    >>> periods.round(3)
       start  end  hazard_ratio  lower  upper  p_value  events
    0    0.0  4.0         1.358  0.303  6.083    0.689       7
    1    4.0  inf         1.049  0.211  5.209    0.953       6
    """
    function = "piecewise_hazard_ratios"
    z_for(level, function)
    ends = checks.values(function, "cuts", cuts, minimum=0)
    if ends[0] <= 0 or np.any(np.diff(ends) <= 0):
        checks.fail(checks.call(function, "cuts"), "the cuts must be strictly increasing times greater than 0")
    arms = _two_arms(function, time, event, group, None, reference)
    starts = np.concatenate(([0.0], ends))
    stops = np.concatenate((ends, [np.inf]))
    rows = []
    for start, stop in zip(starts, stops, strict=True):
        in_period = (arms.event == 1) & (arms.time > start) & (arms.time <= stop)
        for label, members in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
            if not in_period[members].any():
                checks.fail(
                    checks.call(function, "cuts"),
                    f"group {label!r} has no events in the period ({start:g}, {stop:g}], so its hazard ratio "
                    "is 0 or infinite; choose other cuts",
                )
        try:
            fit = two_arms.cox_hazard_ratio(
                arms.time, in_period.astype(np.int64), arms.is_treatment.astype(np.int64), reference=0, level=level
            )
        except DataError as problem:  # say which period, not which call inside
            checks.fail(
                checks.call(function, "cuts"), f"in the period ({start:g}, {stop:g}], {str(problem).split(': ', 1)[1]}"
            )
        rows.append(
            {
                "start": start,
                "end": stop,
                "hazard_ratio": fit.hr,
                "lower": fit.lower,
                "upper": fit.upper,
                "p_value": fit.p_value,
                "events": int(in_period.sum()),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Test of proportional hazards
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PHTestResult:
    """The scaled Schoenfeld residual test of proportional hazards (R's ``cox.zph``).

    Attributes
    ----------
    statistic : chi-square statistic with 1 degree of freedom.
    p_value : its P value; small values speak against proportional hazards.
    transform : the function of time g(t) the log hazard ratio is allowed to change with.
    log_hr : the Cox log hazard ratio the residuals are computed at.
    reference, treatment : the group labels.
    """

    statistic: float
    p_value: float
    transform: str
    log_hr: float
    reference: Hashable
    treatment: Hashable


#: The functions of time g(t) that :func:`proportional_hazards_test` offers, as R's ``cox.zph``.
TRANSFORMS = ("km", "identity", "rank", "log")


def _time_scale(cells: _EventTimes, transform: str, time: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """g(t) at each event time: 1 - S(t-) of the pooled Kaplan-Meier curve, t, its rank or log t."""
    if transform == "km":
        return np.asarray(1 - cells.survival_before)
    if transform == "identity":
        return cells.time
    if transform == "log":
        return np.log(cells.time)
    # R ranks every patient's follow-up time, tied times sharing their average rank.
    ordered = np.sort(time)
    return np.asarray(stats.rankdata(ordered)[np.searchsorted(ordered, cells.time)])


def proportional_hazards_test(
    time: Any,
    event: Any,
    group: Any,
    transform: str = "km",
    reference: Hashable | None = None,
) -> PHTestResult:
    """Test whether the hazard ratio of two groups changes with time, as R's ``cox.zph``.

    The score test (Grambsch and Therneau 1994, in the form of R's survival 3) of θ = 0 in the
    Cox model with log hazard ratio β + θ g(t), at the fitted β̂ of
    :func:`alexandra.survival.cox_hazard_ratio` (Efron's ties). With the Schoenfeld residuals
    rᵢ = xᵢ − x̄(tᵢ) and Vᵢ the variance of x in the risk set (Efron-weighted for ties), the
    statistic is U² / (I_θθ − I_βθ² / I_ββ), where U = Σ g(tᵢ) rᵢ, I_ββ = Σ Vᵢ,
    I_βθ = Σ g(tᵢ) Vᵢ and I_θθ = Σ g(tᵢ)² Vᵢ, g being centred on its mean over events.

    Parameters
    ----------
    time, event, group, reference :
        As in :func:`alexandra.survival.logrank_test`.
    transform : {"km", "identity", "rank", "log"}
        g(t): one minus the pooled Kaplan–Meier curve just before t (R's default), t itself,
        its rank among all follow-up times, or its log.

    Returns
    -------
    PHTestResult

    Examples
    --------
    >>> result = proportional_hazards_test(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     reference="chemo",
    ... )
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (0.3494, 0.5544)
    """
    function = "proportional_hazards_test"
    checks.one_of(function, "transform", transform, TRANSFORMS)
    arms = _two_arms(function, time, event, group, None, reference)
    if transform == "log" and np.any(arms.time[arms.event == 1] <= 0):
        checks.fail(checks.call(function, "time"), "an event at time 0 has no log; use another transform")
    log_hr = two_arms.cox_hazard_ratio(arms.time, arms.event, arms.is_treatment.astype(np.int64), reference=0).log_hr
    cells = _event_times(arms.time, arms.event, arms.is_treatment, arms.stratum)
    g = _time_scale(cells, transform, arms.time)
    g = g - np.sum(cells.deaths * g) / np.sum(cells.deaths)

    # Efron's ties: the k-th of d tied deaths (k = 1..d) sees the risk set with a share k/d
    # of the dying patients' risk scores, so each death gets its own mean and variance of x.
    risk = math.exp(log_hr)
    d = cells.deaths.astype(np.int64)
    time_of_death = np.repeat(np.arange(d.size), d)
    share = (np.arange(time_of_death.size) - np.repeat(np.cumsum(d) - d, d) + 1) / d[time_of_death]
    treated_dying = cells.treated_deaths * risk
    dying = cells.deaths - cells.treated_deaths + treated_dying
    treated_later = cells.treated_at_risk * risk - treated_dying
    later = cells.at_risk - cells.treated_at_risk + cells.treated_at_risk * risk - dying
    mean = (treated_later[time_of_death] + share * treated_dying[time_of_death]) / (
        later[time_of_death] + share * dying[time_of_death]
    )
    variance = np.bincount(time_of_death, weights=mean * (1 - mean), minlength=d.size)
    residual = cells.treated_deaths - np.bincount(time_of_death, weights=mean, minlength=d.size)
    score = float(np.sum(g * residual))
    information = float(np.sum(g**2 * variance) - np.sum(g * variance) ** 2 / np.sum(variance))
    statistic = score**2 / information
    return PHTestResult(
        statistic=statistic,
        p_value=float(stats.chi2.sf(statistic, df=1)),
        transform=transform,
        log_hr=log_hr,
        reference=arms.reference,
        treatment=arms.treatment,
    )
