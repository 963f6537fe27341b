"""Two arms of a trial compared, checked against R's ``survival`` package.

The functions take one value per patient (follow-up ``time``, ``event`` 1 or censored 0, the
``group`` or arm and, where it applies, the randomisation ``strata``) and return plain
numbers in small frozen dataclasses:

- :func:`logrank_test` — the (stratified) log-rank test, as R's ``survdiff``;
- :func:`cox_hazard_ratio` — the (stratified) Cox hazard ratio with a Wald interval, with
  Efron's method for ties, as R's ``coxph`` default (the book's one Cox fit, :mod:`._cox`);
- :func:`rmst_difference` — the difference in restricted mean survival time up to a horizon
  ``tau`` (each arm's as :func:`alexandra.survival.rmst`), with a normal interval.

R's answers to the same questions, computed by ``tests/r/reference.R`` on the data sets of
``tests/r/fixtures``, are what ``tests/test_two_arms.py`` compares with. Tied times and bad
input are treated as in :mod:`alexandra.survival`: times are tied only when equal, and a
:class:`alexandra.errors.DataError` names the function, the argument and the row.
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
from alexandra.stats_common import z_for
from alexandra.survival._cox import cox_from_risk_sets
from alexandra.survival._curves import _check_tau, _patients, _rmst
from alexandra.survival._risk_sets import _event_times

__all__ = [
    "HazardRatio",
    "LogrankResult",
    "RMSTDifference",
    "cox_hazard_ratio",
    "logrank_test",
    "rmst_difference",
]

#: Where a Cox model that cannot be fitted is reported: the data, not one argument.
_COX_DATA = "cox_hazard_ratio(time, event, group, strata)"


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _labels(function: str, name: str, values: Any, times: npt.NDArray[np.float64]) -> pd.Series:
    # A pandas Series or Categorical keeps its categories (their order names the reference).
    if isinstance(values, (pd.Series, pd.Categorical, pd.Index)):
        series = pd.Series(values).reset_index(drop=True)
    else:
        series = pd.Series(checks.one_dimensional(function, name, values))
    checks.paired(function, ("time", name), times, series)
    missing = np.flatnonzero(series.isna().to_numpy())
    if missing.size:
        checks.fail(checks.call(function, name), "the label is missing", row=int(missing[0]))
    return series


def _plain(label: Any) -> Any:
    """A numpy scalar label as the Python value it holds, so results print plainly."""
    return label.item() if isinstance(label, np.generic) else label


@dataclass(frozen=True)
class _TwoArms:
    """Checked per-patient arrays of a two-group comparison."""

    time: npt.NDArray[np.float64]
    event: npt.NDArray[np.int64]
    is_treatment: npt.NDArray[np.bool_]
    stratum: npt.NDArray[np.int64]
    n_strata: int
    reference: Hashable
    treatment: Hashable


def _two_arms(function: str, time: Any, event: Any, group: Any, strata: Any, reference: Hashable | None) -> _TwoArms:
    times, events = _patients(function, time, event)
    groups = _labels(function, "group", group, times)
    if isinstance(groups.dtype, pd.CategoricalDtype):
        levels = [_plain(level) for level in groups.cat.categories]
        codes = groups.cat.codes.to_numpy()
    else:
        codes, uniques = pd.factorize(groups, sort=True)
        levels = [_plain(level) for level in uniques]
    counts = np.bincount(codes, minlength=len(levels))
    for level, count in zip(levels, counts, strict=True):
        if count == 0:
            checks.fail(
                checks.call(function, "group"), f"the group {level!r} has no patients; both groups need patients"
            )
    if len(levels) != 2:
        checks.fail(checks.call(function, "group"), f"found {len(levels)} groups {levels}; exactly 2 are needed")
    reference_code = 0 if reference is None else levels.index(checks.one_of(function, "reference", reference, levels))
    if strata is None:
        stratum_codes, n_strata = np.zeros(times.size, dtype=np.int64), 1
    else:
        stratum_codes, stratum_levels = pd.factorize(_labels(function, "strata", strata, times))
        n_strata = len(stratum_levels)
    return _TwoArms(
        time=times,
        event=events,
        is_treatment=codes != reference_code,
        stratum=stratum_codes.astype(np.int64),
        n_strata=n_strata,
        reference=levels[reference_code],
        treatment=levels[1 - reference_code],
    )


# --------------------------------------------------------------------------------------------
# Log-rank test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogrankResult:
    """A two-group (stratified) log-rank test.

    ``o_minus_e``, ``variance`` and ``z`` are those of the ``treatment`` group (the one that
    is not ``reference``): ``z`` > 0 means more events on treatment than expected under no
    difference, which points to a hazard ratio above 1.

    Attributes
    ----------
    statistic : chi-square statistic with 1 degree of freedom, ``z ** 2``.
    p_value : two-sided P value.
    z : signed statistic ``o_minus_e / sqrt(variance)``.
    o_minus_e : observed minus expected events in the treatment group, summed over strata.
    variance : the log-rank (hypergeometric) variance V, summed over strata.
    observed, expected, n : events observed, events expected and patients, by group.
    reference, treatment : the group labels.
    n_strata : number of strata (1 when unstratified).
    """

    statistic: float
    p_value: float
    z: float
    o_minus_e: float
    variance: float
    observed: dict[Hashable, int]
    expected: dict[Hashable, float]
    n: dict[Hashable, int]
    reference: Hashable
    treatment: Hashable
    n_strata: int


def _logrank_sums(arms: _TwoArms) -> tuple[int, float, float, int]:
    """Observed and expected events on treatment, variance and total events, over strata."""
    cells = _event_times(arms.time, arms.event, arms.is_treatment, arms.stratum)
    expected = float(np.sum(cells.deaths * cells.treated_at_risk / cells.at_risk))
    return int(cells.treated_deaths.sum()), expected, float(cells.variance.sum()), int(cells.deaths.sum())


def logrank_test(
    time: Any,
    event: Any,
    group: Any,
    strata: Any = None,
    reference: Hashable | None = None,
) -> LogrankResult:
    """Compare two survival curves with the log-rank test, optionally stratified.

    Matches R's ``survdiff(Surv(time, event) ~ group [+ strata(s)])`` (``rho = 0``),
    ties included. With strata, O − E and V are computed within each stratum and summed;
    a stratum where one group has no patients adds nothing to them.

    Parameters
    ----------
    time : array-like of float
        Follow-up time of each patient (>= 0).
    event : array-like of 0/1
        1 if the event was observed at ``time``, 0 if the patient was censored then.
    group : array-like
        The arm of each patient; exactly two distinct labels.
    strata : array-like, optional
        The stratum of each patient (any labels) for a stratified test.
    reference : label, optional
        The control group. By default the first of the two labels in sorted order (the
        category order for a pandas Categorical, like R's factor levels); the other group is
        the "treatment" whose O − E, V and z are reported.

    Returns
    -------
    LogrankResult

    Examples
    --------
    >>> result = logrank_test(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     reference="chemo",
    ... )
    >>> result.treatment, result.observed
    ('atezo', {'chemo': 4, 'atezo': 5})
    >>> round(result.o_minus_e, 3), round(result.variance, 3), round(result.p_value, 3)
    (1.342, 1.9, 0.33)
    """
    arms = _two_arms("logrank_test", time, event, group, strata, reference)
    observed_treated, expected_treated, variance, total_events = _logrank_sums(arms)
    if variance <= 0:
        where = "in a stratum holding both groups" if strata is not None else "in either group"
        checks.fail(checks.call("logrank_test", "event"), f"no events {where}; the log-rank test needs at least one")
    o_minus_e = observed_treated - expected_treated
    z = o_minus_e / math.sqrt(variance)
    n_treated = int(arms.is_treatment.sum())
    return LogrankResult(
        statistic=z**2,
        p_value=float(stats.chi2.sf(z**2, df=1)),
        z=z,
        o_minus_e=o_minus_e,
        variance=variance,
        observed={arms.reference: total_events - observed_treated, arms.treatment: observed_treated},
        expected={arms.reference: total_events - expected_treated, arms.treatment: expected_treated},
        n={arms.reference: arms.time.size - n_treated, arms.treatment: n_treated},
        reference=arms.reference,
        treatment=arms.treatment,
        n_strata=arms.n_strata,
    )


# --------------------------------------------------------------------------------------------
# Cox hazard ratio
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HazardRatio:
    """A Cox hazard ratio of ``treatment`` versus ``reference``, with a Wald interval.

    Attributes
    ----------
    hr, lower, upper : hazard ratio and its confidence interval at ``level``.
    log_hr, se : the log hazard ratio and its standard error.
    p_value : two-sided Wald P value for HR = 1.
    level : the confidence level of ``lower``–``upper``.
    reference, treatment : the group labels.
    n_strata : number of strata of the Cox model (1 when unstratified).
    """

    hr: float
    lower: float
    upper: float
    log_hr: float
    se: float
    p_value: float
    level: float
    reference: Hashable
    treatment: Hashable
    n_strata: int


def cox_hazard_ratio(
    time: Any,
    event: Any,
    group: Any,
    strata: Any = None,
    reference: Hashable | None = None,
    level: float = 0.95,
) -> HazardRatio:
    """Estimate the hazard ratio of two groups with a (stratified) Cox model.

    Fits ``coxph(Surv(time, event) ~ group [+ strata(s)])`` with Efron's method for tied
    times (R's default), by :func:`~alexandra.survival.cox_from_risk_sets`. Parameters are those of
    :func:`logrank_test`, plus ``level``, the confidence level of the interval.

    Returns
    -------
    HazardRatio

    Raises
    ------
    DataError
        For bad input, or when the model does not converge (for example when one group has
        no events, so that the hazard ratio is 0 or infinite).

    Examples
    --------
    >>> hr = cox_hazard_ratio(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     reference="chemo",
    ... )
    >>> round(hr.hr, 2), round(hr.lower, 2), round(hr.upper, 2), round(hr.p_value, 2)
    (2.01, 0.47, 8.51, 0.34)
    """
    z_level = z_for(level, "cox_hazard_ratio")
    arms = _two_arms("cox_hazard_ratio", time, event, group, strata, reference)
    for label, members in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
        if not arms.event[members].any():
            checks.fail(
                checks.call("cox_hazard_ratio", "event"),
                f"group {label!r} has no events, so the hazard ratio is 0 or infinite",
            )
    cells = _event_times(arms.time, arms.event, arms.is_treatment, arms.stratum)
    fit = cox_from_risk_sets(
        cells.treated_deaths,
        cells.deaths - cells.treated_deaths,
        cells.treated_at_risk,
        cells.at_risk - cells.treated_at_risk,
    )
    if not fit.converged[0]:
        checks.fail(_COX_DATA, "the Cox model did not converge, so there is no hazard ratio")
    log_hr = float(fit.log_hr[0])
    se = 1.0 / math.sqrt(float(fit.information[0]))
    return HazardRatio(
        hr=math.exp(log_hr),
        lower=math.exp(log_hr - z_level * se),
        upper=math.exp(log_hr + z_level * se),
        log_hr=log_hr,
        se=se,
        p_value=float(2 * stats.norm.sf(abs(log_hr) / se)),
        level=level,
        reference=arms.reference,
        treatment=arms.treatment,
        n_strata=arms.n_strata,
    )


# --------------------------------------------------------------------------------------------
# Difference in restricted mean survival time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RMSTDifference:
    """Difference in restricted mean survival time, ``treatment`` minus ``reference``.

    Attributes
    ----------
    tau : the horizon.
    estimate, se, lower, upper, p_value : the difference, its standard error
        ``sqrt(se_treatment² + se_reference²)``, its normal confidence interval at ``level``
        and the two-sided P value for no difference (``difference`` and ``ci`` name them too).
    ratio, log_ratio_se, ratio_lower, ratio_upper : treatment over reference, the standard error
        of its log (delta method, ``(se₁/RMST₁)² + (se₀/RMST₀)²``) and its interval
        ``exp(log ratio ± z · log_ratio_se)`` (``ratio_ci``).
    rmst, rmst_se : restricted mean survival time and its standard error by group.
    reference, treatment : the group labels.
    """

    tau: float
    estimate: float
    se: float
    lower: float
    upper: float
    p_value: float
    level: float
    ratio: float
    log_ratio_se: float
    ratio_lower: float
    ratio_upper: float
    rmst: dict[Hashable, float]
    rmst_se: dict[Hashable, float]
    reference: Hashable
    treatment: Hashable

    @property
    def difference(self) -> float:
        """Treatment minus reference (the same as ``estimate``)."""
        return self.estimate

    @property
    def ci(self) -> tuple[float, float]:
        """The interval of the difference, ``(lower, upper)``."""
        return (self.lower, self.upper)

    @property
    def ratio_ci(self) -> tuple[float, float]:
        """The interval of the ratio, ``(ratio_lower, ratio_upper)``."""
        return (self.ratio_lower, self.ratio_upper)


def rmst_difference(
    time: Any,
    event: Any,
    group: Any,
    tau: float,
    reference: Hashable | None = None,
    level: float = 0.95,
) -> RMSTDifference:
    """Difference in restricted mean survival time between two groups.

    Parameters
    ----------
    time, event, group, reference :
        As in :func:`logrank_test`.
    tau : float
        The horizon; it must not be after the last follow-up time of either group.
    level : float
        Confidence level of the interval.

    Returns
    -------
    RMSTDifference

    Examples
    --------
    >>> result = rmst_difference(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     tau=6,
    ...     reference="chemo",
    ... )
    >>> round(result.rmst["chemo"], 3), round(result.rmst["atezo"], 3), round(result.estimate, 3)
    (4.611, 4.167, -0.444)
    >>> round(result.ratio, 3), [round(x, 3) for x in result.ratio_ci]
    (0.904, [0.56, 1.457])
    """
    z_level = z_for(level, "rmst_difference")
    arms = _two_arms("rmst_difference", time, event, group, None, reference)
    by_group = {}
    for label, members in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
        times = arms.time[members]
        by_group[label] = _rmst(
            times, arms.event[members], _check_tau("rmst_difference", tau, times, f"in group {label!r}")
        )
    treated, control = by_group[arms.treatment], by_group[arms.reference]
    estimate = treated.estimate - control.estimate
    se = math.hypot(treated.se, control.se)
    ratio = treated.estimate / control.estimate
    log_ratio_se = math.hypot(treated.se / treated.estimate, control.se / control.estimate)
    return RMSTDifference(
        tau=float(tau),
        estimate=estimate,
        se=se,
        lower=estimate - z_level * se,
        upper=estimate + z_level * se,
        p_value=float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else math.nan,
        level=level,
        ratio=ratio,
        log_ratio_se=log_ratio_se,
        ratio_lower=ratio * math.exp(-z_level * log_ratio_se),
        ratio_upper=ratio * math.exp(z_level * log_ratio_se),
        rmst={label: result.estimate for label, result in by_group.items()},
        rmst_se={label: result.se for label, result in by_group.items()},
        reference=arms.reference,
        treatment=arms.treatment,
    )
