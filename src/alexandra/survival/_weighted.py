"""Two arms compared when the hazards may not be proportional, checked against R's ``survival``.

The log-rank test and the Cox hazard ratio of :mod:`alexandra.survival` are at their best when
one arm's hazard is a constant multiple of the other's. When an effect is delayed, wanes or
reverses, these tell more:

- :func:`weighted_logrank_test` — the Fleming–Harrington G(ρ, γ) test, which weights the events
  at time t by S(t−)^ρ (1 − S(t−))^γ (γ > 0 favours late differences), as R's
  ``survdiff(rho = ρ)`` for γ = 0, stratified or not;
- :func:`maxcombo_test` — the largest of several G(ρ, γ) statistics, with its P value from their
  joint normal distribution (Karrison 2016).

Estimates that describe such effects (the difference and ratio of restricted mean survival
times, hazard ratios by period, a test of proportional hazards) are in :mod:`alexandra.survival`.

:func:`weighted_logrank_scores` computes the G(ρ, γ) statistics of many simulated trials at once
(one row per trial), and :func:`maxcombo_p_value` the MaxCombo P value from given statistics.

``tests/r/nph_reference.R`` computes the same quantities with R on the data sets of
``tests/r/fixtures``; ``tests/test_nph.py`` checks that both agree. Input is checked as in
:mod:`alexandra.survival`: a :class:`alexandra.errors.DataError` names the function, the
argument and the row.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.survival._risk_sets import _event_times, _EventTimes
from alexandra.survival._two_arms import _two_arms

__all__ = [
    "ALTERNATIVES",
    "MAXCOMBO_WEIGHTS",
    "MaxComboResult",
    "WeightedLogrankResult",
    "WeightedLogrankScores",
    "maxcombo_p_value",
    "maxcombo_test",
    "weighted_logrank_scores",
    "weighted_logrank_test",
]

#: The four G(ρ, γ) tests of the usual MaxCombo: log-rank, late, early and middle differences.
MAXCOMBO_WEIGHTS: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))

#: The seed of the quasi-Monte Carlo integration of the MaxCombo P value, so that it repeats.
_MVN_SEED = 20160101

#: ``alternative`` of the MaxCombo test: "less" means fewer events on treatment than expected (a benefit).
ALTERNATIVES = ("two-sided", "less", "greater")


def _weighted_sums(
    cells: _EventTimes, weights: Sequence[tuple[float, float]], n_blocks: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Weighted O - E of each G(rho, gamma) test and their covariance, by block.

    Returns arrays of shape (blocks, tests) and (blocks, tests, tests); the covariance of two
    tests sums w_j w_k times the hypergeometric variance over event times.
    """
    w = np.stack([cells.weights(rho, gamma) for rho, gamma in weights], axis=1)
    excess, variance = cells.excess, cells.variance
    k = len(weights)
    o_minus_e = np.empty((n_blocks, k))
    covariance = np.empty((n_blocks, k, k))
    for j in range(k):
        o_minus_e[:, j] = np.bincount(cells.block, weights=w[:, j] * excess, minlength=n_blocks)
        for m in range(j + 1):
            covariance[:, j, m] = covariance[:, m, j] = np.bincount(
                cells.block, weights=w[:, j] * w[:, m] * variance, minlength=n_blocks
            )
    return o_minus_e, covariance


def _fh_weights(function: str, weights: Any) -> tuple[tuple[float, float], ...]:
    pairs = []
    try:
        given = [tuple(pair) for pair in weights]
    except TypeError:
        checks.fail(checks.call(function, "weights"), "give a sequence of (rho, gamma) pairs")
    if not given or any(len(pair) != 2 for pair in given):
        checks.fail(checks.call(function, "weights"), "give a non-empty sequence of (rho, gamma) pairs")
    for rho, gamma in given:
        pairs.append((checks.number(function, "rho", rho, low=0), checks.number(function, "gamma", gamma, low=0)))
    return tuple(pairs)


# --------------------------------------------------------------------------------------------
# Fleming-Harrington weighted log-rank test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightedLogrankResult:
    """A two-group (stratified) Fleming–Harrington G(ρ, γ) test.

    ``o_minus_e``, ``variance`` and ``z`` are those of the ``treatment`` group: ``z`` > 0 means
    more (weighted) events on treatment than expected under no difference.

    Attributes
    ----------
    statistic : chi-square statistic with 1 degree of freedom, ``z ** 2``.
    z : signed statistic ``o_minus_e / sqrt(variance)``.
    p_value : two-sided P value.
    o_minus_e : weighted observed minus expected events in the treatment group, summed over strata.
    variance : its variance, summed over strata.
    rho, gamma : the weight S(t−)^ρ (1 − S(t−))^γ.
    reference, treatment : the group labels.
    n_strata : number of strata (1 when unstratified).
    """

    statistic: float
    z: float
    p_value: float
    o_minus_e: float
    variance: float
    rho: float
    gamma: float
    reference: Hashable
    treatment: Hashable
    n_strata: int


def weighted_logrank_test(
    time: Any,
    event: Any,
    group: Any,
    rho: float = 0.0,
    gamma: float = 0.0,
    strata: Any = None,
    reference: Hashable | None = None,
) -> WeightedLogrankResult:
    """Compare two survival curves with the Fleming–Harrington G(ρ, γ) weighted log-rank test.

    Each event time t adds ``w(t) (d₁ − d n₁ / n)`` to O − E and ``w(t)²`` times the
    hypergeometric variance (R's treatment of ties) to V, with ``w(t) = S(t−)^ρ (1 − S(t−))^γ``
    from the Kaplan–Meier curve of both groups pooled, just before t. G(0, 0) is the log-rank
    test, G(1, 0) the Peto–Prentice-like test that stresses early differences, G(0, 1) late
    ones. With strata, O − E and V are summed over strata, each weighted by its own pooled
    curve, as R's ``survdiff(Surv(time, event) ~ group + strata(s), rho = ρ)`` does for γ = 0.

    Parameters
    ----------
    time, event, group, strata, reference :
        As in :func:`alexandra.survival.logrank_test`.
    rho, gamma : float
        The exponents of the weight, 0 or more.

    Returns
    -------
    WeightedLogrankResult

    Examples
    --------
    >>> result = weighted_logrank_test(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     gamma=1,
    ...     reference="chemo",
    ... )
    >>> round(result.o_minus_e, 4), round(result.variance, 4), round(result.p_value, 4)
    (0.5774, 0.2595, 0.257)
    """
    rho = checks.number("weighted_logrank_test", "rho", rho, low=0)
    gamma = checks.number("weighted_logrank_test", "gamma", gamma, low=0)
    arms = _two_arms("weighted_logrank_test", time, event, group, strata, reference)
    cells = _event_times(arms.time, arms.event, arms.is_treatment, arms.stratum)
    o_minus_e_by_stratum, covariance = _weighted_sums(cells, [(rho, gamma)], arms.n_strata)
    o_minus_e, variance = float(o_minus_e_by_stratum.sum()), float(covariance.sum())
    if variance <= 0:
        checks.fail(
            checks.call("weighted_logrank_test", "event"),
            f"no events with a positive weight in a stratum holding both groups, so G({rho:g}, {gamma:g}) is undefined",
        )
    z = o_minus_e / math.sqrt(variance)
    return WeightedLogrankResult(
        statistic=z**2,
        z=z,
        p_value=float(stats.chi2.sf(z**2, df=1)),
        o_minus_e=o_minus_e,
        variance=variance,
        rho=rho,
        gamma=gamma,
        reference=arms.reference,
        treatment=arms.treatment,
        n_strata=arms.n_strata,
    )


# --------------------------------------------------------------------------------------------
# MaxCombo
# --------------------------------------------------------------------------------------------


def maxcombo_p_value(z: Any, correlation: Any, alternative: str = "two-sided", accuracy: float = 1e-5) -> float:
    """P value of the largest of several correlated normal statistics (the MaxCombo P value).

    ``z`` holds the statistics, ``correlation`` their correlation matrix. With
    ``alternative="two-sided"`` the statistic is max |zⱼ| = m and P = 1 − P(|Zⱼ| < m for all j);
    with ``"greater"`` it is max zⱼ, with ``"less"`` min zⱼ (one-sided). Z is multivariate
    normal with the given correlation; the probability is integrated by scipy's randomised
    quasi-Monte Carlo (Genz) with a fixed seed, to an absolute error of about ``accuracy``.
    Highly correlated statistics make a small ``accuracy`` slow (about a second for 1e-5 with
    correlations near 0.95, against milliseconds for 1e-3): a simulation that only asks on
    which side of 0.05 a P value lies can afford the coarser one.

    Examples
    --------
    >>> round(maxcombo_p_value([1.96], [[1.0]]), 4)
    0.05
    >>> round(maxcombo_p_value([2.0, 2.0], [[1.0, 0.0], [0.0, 1.0]], alternative="greater"), 4)
    0.045
    """
    statistics = checks.values("maxcombo_p_value", "z", z)
    matrix = np.asarray(correlation, dtype=np.float64)
    if matrix.shape != (statistics.size, statistics.size):
        checks.fail(
            checks.call("maxcombo_p_value", "correlation"),
            f"expected a {statistics.size} x {statistics.size} matrix, got shape {matrix.shape}",
        )
    checks.one_of("maxcombo_p_value", "alternative", alternative, ALTERNATIVES)
    tolerance = checks.probability("maxcombo_p_value", "accuracy", accuracy)
    if alternative == "two-sided":
        bound = float(np.max(np.abs(statistics)))
        lower = -bound
    elif alternative == "greater":
        bound, lower = float(np.max(statistics)), -np.inf
    else:  # "less": P(min Z <= m) = P(max(-Z) >= -m), and -Z has the same correlation
        bound, lower = -float(np.min(statistics)), -np.inf
    inside = stats.multivariate_normal.cdf(
        np.full(statistics.size, bound),
        cov=matrix,
        allow_singular=True,
        lower_limit=np.full(statistics.size, lower),
        abseps=tolerance,
        releps=0,
        rng=np.random.default_rng(_MVN_SEED),
    )
    return float(min(max(1.0 - inside, 0.0), 1.0))


@dataclass(frozen=True)
class MaxComboResult:
    """The MaxCombo test: the largest of several G(ρ, γ) statistics.

    Attributes
    ----------
    statistic : max |z| (two-sided), max z (``"greater"``) or min z (``"less"``).
    p_value : its P value from the joint normal distribution of the statistics.
    components : one row per G(ρ, γ) test: ``rho``, ``gamma``, ``z`` and its own ``p_value``
        (same alternative).
    correlation : correlation matrix of the statistics.
    alternative : ``"two-sided"``, ``"less"`` (fewer events on treatment) or ``"greater"``.
    reference, treatment : the group labels.
    """

    statistic: float
    p_value: float
    components: pd.DataFrame
    correlation: npt.NDArray[np.float64]
    alternative: str
    reference: Hashable
    treatment: Hashable


def maxcombo_test(
    time: Any,
    event: Any,
    group: Any,
    weights: Sequence[tuple[float, float]] = MAXCOMBO_WEIGHTS,
    alternative: str = "two-sided",
    reference: Hashable | None = None,
) -> MaxComboResult:
    """The MaxCombo test: the most significant of several Fleming–Harrington tests, corrected.

    Computes the G(ρ, γ) statistics zⱼ of ``weights`` (by default G(0,0), G(0,1), G(1,0),
    G(1,1)) and their covariance Σ over event times of wⱼ wₖ times the hypergeometric variance
    (Karrison 2016), then the P value of the largest with :func:`maxcombo_p_value`.

    Parameters
    ----------
    time, event, group, reference :
        As in :func:`alexandra.survival.logrank_test`.
    weights : sequence of (rho, gamma)
        The tests to combine.
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: fewer events on treatment than expected (benefit); ``"greater"``: more.

    Returns
    -------
    MaxComboResult

    Examples
    --------
    >>> result = maxcombo_test(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     reference="chemo",
    ... )
    >>> result.components.round(3)
       rho  gamma      z  p_value
    0  0.0    0.0  0.973    0.330
    1  0.0    1.0  1.134    0.257
    2  1.0    0.0  0.753    0.451
    3  1.0    1.0  0.769    0.442
    >>> round(result.statistic, 3), round(result.p_value, 3)
    (1.134, 0.428)
    """
    pairs = _fh_weights("maxcombo_test", weights)
    checks.one_of("maxcombo_test", "alternative", alternative, ALTERNATIVES)
    arms = _two_arms("maxcombo_test", time, event, group, None, reference)
    cells = _event_times(arms.time, arms.event, arms.is_treatment, arms.stratum)
    o_minus_e, covariance = (array[0] for array in _weighted_sums(cells, pairs, 1))
    variance = np.diag(covariance)
    if np.any(variance <= 0):
        rho, gamma = pairs[int(np.argmin(variance))]
        checks.fail(
            checks.call("maxcombo_test", "event"),
            f"no events with a positive weight, so G({rho:g}, {gamma:g}) is undefined",
        )
    sd = np.sqrt(variance)
    z = o_minus_e / sd
    correlation = covariance / np.outer(sd, sd)
    if alternative == "two-sided":
        statistic, marginal = float(np.max(np.abs(z))), 2 * stats.norm.sf(np.abs(z))
    elif alternative == "greater":
        statistic, marginal = float(np.max(z)), stats.norm.sf(z)
    else:
        statistic, marginal = float(np.min(z)), stats.norm.cdf(z)
    components = pd.DataFrame(
        {"rho": [rho for rho, _ in pairs], "gamma": [gamma for _, gamma in pairs], "z": z, "p_value": marginal}
    )
    return MaxComboResult(
        statistic=statistic,
        p_value=maxcombo_p_value(z, correlation, alternative),
        components=components,
        correlation=correlation,
        alternative=alternative,
        reference=arms.reference,
        treatment=arms.treatment,
    )


@dataclass(frozen=True)
class WeightedLogrankScores:
    """G(ρ, γ) statistics of many trials: one row per trial, one column per (ρ, γ) of ``weights``."""

    weights: tuple[tuple[float, float], ...]
    o_minus_e: npt.NDArray[np.float64]
    covariance: npt.NDArray[np.float64]

    @property
    def z(self) -> npt.NDArray[np.float64]:
        """The signed statistics, shape (trials, tests); NaN where a test has no weighted events."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.o_minus_e / np.sqrt(np.diagonal(self.covariance, axis1=1, axis2=2)))

    @property
    def correlation(self) -> npt.NDArray[np.float64]:
        """Correlation matrices of the statistics, shape (trials, tests, tests)."""
        sd = np.sqrt(np.diagonal(self.covariance, axis1=1, axis2=2))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.covariance / (sd[:, :, None] * sd[:, None, :]))


def weighted_logrank_scores(
    time: Any, event: Any, treated: Any, weights: Sequence[tuple[float, float]] = MAXCOMBO_WEIGHTS
) -> WeightedLogrankScores:
    """The G(ρ, γ) statistics of many simulated trials at once, as :func:`maxcombo_test` computes them.

    Parameters
    ----------
    time, event : array-like, shape (trials, patients)
        Follow-up time (>= 0) and event (1) or censoring (0) of each patient of each trial.
    treated : array-like of bool, shape (patients,) or (trials, patients)
        True for the patients of the treatment group.
    weights : sequence of (rho, gamma)
        The tests.

    Examples
    --------
    >>> scores = weighted_logrank_scores(
    ...     time=[[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
    ...     event=[[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1]] * 2,
    ...     treated=[False] * 6 + [True] * 6,
    ... )
    >>> scores.z.round(3)
    array([[ 0.973,  1.134,  0.753,  0.769],
           [-2.799, -2.983, -2.657, -2.952]])
    """
    pairs = _fh_weights("weighted_logrank_scores", weights)
    times = np.asarray(time, dtype=np.float64)
    events = np.asarray(event)
    if times.ndim != 2 or events.shape != times.shape:
        checks.fail(
            "weighted_logrank_scores(time, event)",
            f"expected two arrays of the same shape (trials, patients), got {times.shape} and {events.shape}",
        )
    groups = np.broadcast_to(np.asarray(treated, dtype=bool), times.shape)
    if not np.all(np.isfinite(times) & (times >= 0)):
        checks.fail(checks.call("weighted_logrank_scores", "time"), "every time must be a finite number >= 0")
    if not np.all((events == 0) | (events == 1)):
        checks.fail(checks.call("weighted_logrank_scores", "event"), "every event must be 0 (censored) or 1 (event)")
    n_trials = times.shape[0]
    trial = np.repeat(np.arange(n_trials, dtype=np.int64), times.shape[1])
    cells = _event_times(times.ravel(), events.astype(np.int64).ravel(), groups.ravel(), trial)
    o_minus_e, covariance = _weighted_sums(cells, pairs, n_trials)
    return WeightedLogrankScores(weights=pairs, o_minus_e=o_minus_e, covariance=covariance)
