"""Tierney et al. (2007): the summary statistics of a hazard ratio from what a paper publishes.

A meta-analysis of survival needs ln HR and its variance (equivalently O − E and the log-rank
variance V). Papers often print only a hazard ratio with its confidence interval, a P value or
the events in each arm; each of these recovers the rest:

- :func:`tierney_from_ci` — from the hazard ratio and its confidence interval;
- :func:`tierney_from_p` — from the hazard ratio and its two-sided P value;
- :func:`tierney_from_events` — from the hazard ratio and the events in each arm.

Bad input raises :class:`alexandra.errors.DataError` naming the function and the argument, in
the format of :mod:`alexandra.checks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from alexandra import checks
from alexandra.stats_common import z_for

__all__ = [
    "TierneySummary",
    "tierney_from_ci",
    "tierney_from_events",
    "tierney_from_p",
]


@dataclass(frozen=True)
class TierneySummary:
    """The statistics a meta-analysis needs, recovered from a published result.

    Attributes
    ----------
    hr, log_hr : the hazard ratio and its logarithm.
    se : standard error of ``log_hr``.
    variance_V : the log-rank variance V ≈ 1 / se² (also the information).
    o_minus_e : observed minus expected events, ``log_hr · V``.
    wald_p : two-sided Wald P value, from ``log_hr / se``.
    """

    hr: float
    log_hr: float
    se: float
    variance_V: float
    o_minus_e: float
    wald_p: float


def _tierney(hr: float, se: float) -> TierneySummary:
    log_hr = math.log(hr)
    variance = 1 / se**2
    return TierneySummary(
        hr=hr,
        log_hr=log_hr,
        se=se,
        variance_V=variance,
        o_minus_e=log_hr * variance,
        wald_p=float(2 * stats.norm.sf(abs(log_hr) / se)),
    )


def tierney_from_ci(hr: float, lower: float, upper: float, level: float = 0.95) -> TierneySummary:
    """Summary statistics from a hazard ratio and its confidence interval.

    The interval is symmetric on the log scale, so
    ``se = (ln upper − ln lower) / (2 z)`` with ``z = z_for(level)``, 1.96 for 95% (Tierney et al. 2007).

    Examples
    --------
    The ALEXANDRA stratified hazard ratio, 1.11 (95% CI 0.87–1.42):

    >>> summary = tierney_from_ci(1.11, 0.87, 1.42)
    >>> round(summary.se, 3), round(summary.variance_V, 1), round(summary.o_minus_e, 2), round(summary.wald_p, 2)
    (0.125, 64.0, 6.68, 0.4)
    """
    where = "tierney_from_ci"
    hr, lower, upper = (
        checks.positive(where, name, value) for name, value in (("hr", hr), ("lower", lower), ("upper", upper))
    )
    if not lower < upper:
        checks.fail(checks.call(where, "lower", lower), f"lower must be below upper={upper}")
    if not lower <= hr <= upper:
        checks.fail(checks.call(where, "hr", hr), f"hr must lie inside its confidence interval {lower}–{upper}")
    return _tierney(hr, (math.log(upper) - math.log(lower)) / (2 * z_for(level, where)))


def tierney_from_p(hr: float, p_value: float) -> TierneySummary:
    """Summary statistics from a hazard ratio and its two-sided P value.

    The P value gives the z statistic, ``z = Φ⁻¹(1 − p/2)``, and ``se = |ln HR| / z``
    (Tierney et al. 2007). This assumes the P value comes from the same (Wald or log-rank)
    statistic as the hazard ratio; a rounded P value makes the standard error approximate.

    Examples
    --------
    >>> summary = tierney_from_p(1.11, 0.38)
    >>> round(summary.se, 3), round(summary.wald_p, 2)
    (0.119, 0.38)
    """
    hr = checks.positive("tierney_from_p", "hr", hr)
    p_value = checks.probability("tierney_from_p", "p_value", p_value)
    if hr == 1:
        checks.fail(
            checks.call("tierney_from_p", "hr", hr), "hr=1 carries no information about the standard error (ln 1 = 0)"
        )
    return _tierney(hr, abs(math.log(hr)) / float(stats.norm.isf(p_value / 2)))


def tierney_from_events(hr: float, events_a: float, events_b: float) -> TierneySummary:
    """Summary statistics from a hazard ratio and the number of events in each arm.

    With 1:1 allocation, ``V ≈ Ea · Eb / (Ea + Eb)``, so ``se = sqrt(1/Ea + 1/Eb)``
    (Tierney et al. 2007); with equal events this is the familiar ``V ≈ D / 4``.

    Examples
    --------
    ALEXANDRA: 141 and 125 IDFS events.

    >>> summary = tierney_from_events(1.11, 141, 125)
    >>> round(summary.se, 3), round(summary.variance_V, 1), round(summary.o_minus_e, 2)
    (0.123, 66.3, 6.91)
    """
    hr = checks.positive("tierney_from_events", "hr", hr)
    events_a = checks.positive("tierney_from_events", "events_a", events_a)
    events_b = checks.positive("tierney_from_events", "events_b", events_b)
    return _tierney(hr, math.sqrt(1 / events_a + 1 / events_b))
