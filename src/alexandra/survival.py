"""Survival statistics for a two-arm trial, checked against R's ``survival`` package.

The functions take one value per patient (follow-up ``time``, ``event`` 1 or censored 0, the
``group`` or arm and, where it applies, the randomisation ``strata``) and return plain
numbers in small frozen dataclasses or a :class:`pandas.DataFrame`:

- :func:`logrank_test` — the (stratified) log-rank test, as R's ``survdiff``;
- :func:`cox_hazard_ratio` — the (stratified) Cox hazard ratio with a Wald interval, fitted by
  lifelines with Efron's method for ties, as R's ``coxph`` default;
- :func:`kaplan_meier` and :func:`number_at_risk` — the Kaplan–Meier estimate with
  Greenwood standard errors and R's default ("log") confidence interval, and the numbers at
  risk in R's convention;
- :func:`reverse_km_followup` — median follow-up and its quartiles by the reverse
  Kaplan–Meier method;
- :func:`rmst` and :func:`rmst_difference` — restricted mean survival time up to a horizon
  ``tau``, with the Greenwood-type variance that R reports;
- :func:`tierney_from_ci`, :func:`tierney_from_p`, :func:`tierney_from_events` — the summary
  statistics of Tierney et al. (2007) recovered from what a paper publishes.

``tests/r/reference.R`` computes the same quantities with R on the fixed data sets in
``tests/r/fixtures``; ``tests/test_survival.py`` checks that both agree.

Times are compared exactly: two follow-up times are tied only when they are equal numbers.
(R's ``survival`` also merges times that differ by rounding error, less than about 1e-8
relative; round times, to days or hundredths of a month, before analysis.)

Bad input raises :class:`alexandra.errors.DataError` naming the function, the argument and the
row (rows are counted from 0, as in pandas), in the format of :mod:`alexandra.checks`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.stats_common import z_for

__all__ = [
    "FollowUp",
    "HazardRatio",
    "LogrankResult",
    "RMST",
    "RMSTDifference",
    "TierneySummary",
    "cox_hazard_ratio",
    "kaplan_meier",
    "logrank_test",
    "number_at_risk",
    "reverse_km_followup",
    "rmst",
    "rmst_difference",
    "tierney_from_ci",
    "tierney_from_events",
    "tierney_from_p",
]

#: Where a Cox model that cannot be fitted is reported: the data, not one argument.
_COX_DATA = "cox_hazard_ratio(time, event, group, strata)"

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
    """Observed and expected events on treatment, variance and total events, over strata.

    One sort by (stratum, time) turns every per-time quantity into a sum over a run of
    equal keys, so the cost is that of the sort, with no loop over patients or times.
    """
    order = np.lexsort((arms.time, arms.stratum))
    time = arms.time[order]
    stratum = arms.stratum[order]
    event = arms.event[order]
    treated = arms.is_treatment[order].astype(np.int64)
    n_patients = time.size

    # A "cell" is one distinct time within one stratum.
    new_cell = np.ones(n_patients, dtype=bool)
    new_cell[1:] = (time[1:] != time[:-1]) | (stratum[1:] != stratum[:-1])
    start = np.flatnonzero(new_cell)
    deaths = np.add.reduceat(event, start)
    treated_deaths = np.add.reduceat(event * treated, start)

    # Patients at risk at a cell: those of its stratum from the cell's first row to the
    # stratum's last row (rows are sorted by time within stratum).
    stratum_end = np.searchsorted(stratum, stratum[start], side="right")
    at_risk = (stratum_end - start).astype(np.float64)
    treated_before = np.concatenate(([0], np.cumsum(treated)))
    treated_at_risk = (treated_before[stratum_end] - treated_before[start]).astype(np.float64)

    has_deaths = deaths > 0
    d = deaths[has_deaths].astype(np.float64)
    n = at_risk[has_deaths]
    share = treated_at_risk[has_deaths] / n
    # (n - d) / (n - 1) is the hypergeometric correction for tied deaths; with n == 1 the
    # share is 0 or 1 and the term vanishes, as in R's survdiff.
    tie_correction = np.where(n > 1, (n - d) / np.maximum(n - 1, 1), 0.0)
    expected = float(np.sum(d * share))
    variance = float(np.sum(d * share * (1 - share) * tie_correction))
    return int(treated_deaths.sum()), expected, variance, int(deaths.sum())


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
    times (R's default) using lifelines' ``CoxPHFitter``. Parameters are those of
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
    # lifelines takes over a second to import: load it only when a Cox model is fitted.
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    z_level = z_for(level, "cox_hazard_ratio")
    arms = _two_arms("cox_hazard_ratio", time, event, group, strata, reference)
    for label, members in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
        if not arms.event[members].any():
            checks.fail(
                checks.call("cox_hazard_ratio", "event"),
                f"group {label!r} has no events, so the hazard ratio is 0 or infinite",
            )
    frame = pd.DataFrame({"time": arms.time, "event": arms.event, "treatment": arms.is_treatment.astype(np.float64)})
    if strata is not None:
        frame["stratum"] = arms.stratum
    fitter = CoxPHFitter()
    with warnings.catch_warnings(record=True) as caught:
        # lifelines warns before fitting about patterns that only *may* hamper convergence
        # (e.g. one arm without censoring); those are silenced. Its Newton-Raphson warnings
        # mean the estimate is not a maximum and must not pass as a number.
        warnings.simplefilter("always")
        try:
            fitter.fit(
                frame,
                "time",
                "event",
                strata=["stratum"] if strata is not None else None,
                # lifelines' default stopping rule leaves the log HR up to ~1e-4 from the
                # maximum on small data sets; iterate until R's answer is reproduced.
                fit_options={"precision": 1e-12, "r_precision": 1e-14},
            )
        except ConvergenceError as problem:
            checks.fail(_COX_DATA, f"the Cox model could not be fitted: {str(problem).splitlines()[0]}")
    for warning in caught:
        message = str(warning.message)
        if not issubclass(warning.category, ConvergenceWarning):
            warnings.warn(warning.message, warning.category, stacklevel=2)
        elif "Newton-Raphson" in message or "separation in the dataset" in message:
            checks.fail(
                _COX_DATA, f"the Cox model did not converge, so there is no hazard ratio: {message.splitlines()[0]}"
            )
    log_hr = float(fitter.params_["treatment"])
    se = float(fitter.standard_errors_["treatment"])
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


def _patients(function: str, time: Any, event: Any) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    times = _times(function, "time", time)
    return times, _events(function, event, times)


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


@dataclass(frozen=True)
class RMSTDifference:
    """Difference in restricted mean survival time, ``treatment`` minus ``reference``.

    Attributes
    ----------
    tau : the horizon.
    estimate, se, lower, upper, p_value : the difference, its standard error
        ``sqrt(se_treatment² + se_reference²)``, its normal confidence interval at ``level``
        and the two-sided P value for no difference.
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
    rmst: dict[Hashable, float]
    rmst_se: dict[Hashable, float]
    reference: Hashable
    treatment: Hashable


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
    """
    z_level = z_for(level, "rmst_difference")
    arms = _two_arms("rmst_difference", time, event, group, None, reference)
    by_group = {}
    for label, members in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
        times = arms.time[members]
        by_group[label] = _rmst(
            times, arms.event[members], _check_tau("rmst_difference", tau, times, f"in group {label!r}")
        )
    estimate = by_group[arms.treatment].estimate - by_group[arms.reference].estimate
    se = math.hypot(by_group[arms.treatment].se, by_group[arms.reference].se)
    return RMSTDifference(
        tau=float(tau),
        estimate=estimate,
        se=se,
        lower=estimate - z_level * se,
        upper=estimate + z_level * se,
        p_value=float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else math.nan,
        level=level,
        rmst={label: result.estimate for label, result in by_group.items()},
        rmst_se={label: result.se for label, result in by_group.items()},
        reference=arms.reference,
        treatment=arms.treatment,
    )


# --------------------------------------------------------------------------------------------
# Tierney et al. (2007): summary statistics from what a paper publishes
# --------------------------------------------------------------------------------------------


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
