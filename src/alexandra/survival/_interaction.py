"""Subgroups done right: one hazard ratio per level of a factor, and the test of interaction.

A subgroup claim rests on whether the treatment effect *differs* between the levels of a factor,
not on whether one level's interval excludes 1. :func:`interaction_test` fits the Cox model

    coxph(Surv(time, event) ~ arm + arm:factor + strata(factor))

of R's ``survival`` package: each level keeps its own baseline hazard and gets its own log hazard
ratio ``b_j``. Its partial likelihood is a product over levels, so the ``b_j`` are the hazard
ratios of separate Cox fits within each level (Efron's ties, :func:`cox_from_risk_sets`, one row
per level) and are independent. The Wald test that the interaction coefficients are all 0 is then
Cochran's heterogeneity statistic

    Q = Σ_j w_j (b_j − b̄)²,   w_j = 1 / SE_j²,   b̄ = Σ w_j b_j / Σ w_j,

referred to a chi-square distribution with ``k − 1`` degrees of freedom (``k`` levels).
``tests/r/stratified_reference.R`` computes the same with R; ``tests/test_stratified.py`` compares.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.stats_common import z_for
from alexandra.survival._cox import cox_from_risk_sets
from alexandra.survival._risk_sets import _event_times
from alexandra.survival._two_arms import _labels, _plain, _two_arms

__all__ = ["InteractionTest", "interaction_test"]

_FUNCTION = "interaction_test"


@dataclass(frozen=True)
class InteractionTest:
    """Hazard ratios within the levels of one factor, and the Wald test that they are equal.

    Attributes
    ----------
    levels : one row per level of the factor (in sorted order, or the categories' order): ``patients``,
        ``events``, ``hr``, ``lower``, ``upper`` (the interval at ``level``), ``log_hr`` and ``se``.
    statistic : the Wald chi-square of the interaction coefficients (Cochran's Q), with ``df`` = levels − 1.
    p_value : its P value: the test of interaction (heterogeneity).
    pooled_log_hr : the inverse-variance weighted mean of the levels' log hazard ratios.
    level : the confidence level of the intervals.
    reference, treatment : the group labels.
    """

    levels: pd.DataFrame
    statistic: float
    df: int
    p_value: float
    pooled_log_hr: float
    level: float
    reference: Hashable
    treatment: Hashable


def interaction_test(
    time: Any,
    event: Any,
    group: Any,
    factor: Any,
    reference: Hashable | None = None,
    level: float = 0.95,
) -> InteractionTest:
    """The hazard ratio in each level of ``factor``, and the test of interaction between factor and treatment.

    As R's ``coxph(Surv(time, event) ~ arm + arm:factor + strata(factor))`` (Efron's ties): the
    hazard ratio of each level with its Wald interval, and the Wald test of the interaction terms.

    Parameters
    ----------
    time, event, group, reference :
        As in :func:`~alexandra.survival.logrank_test`.
    factor : array-like
        The level of each patient (at least two levels; both groups and an event in each group in
        every level).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    InteractionTest

    Examples
    --------
    >>> result = interaction_test(
    ...     time=[2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     event=[1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     group=["chemo"] * 6 + ["atezo"] * 6,
    ...     factor=["N0", "N+"] * 6,
    ...     reference="chemo",
    ... )
    >>> result.levels[["patients", "events", "hr"]].round(2).to_dict("index")
    {'N+': {'patients': 6, 'events': 5, 'hr': 1.32}, 'N0': {'patients': 6, 'events': 4, 'hr': 2.9}}
    >>> result.df, round(result.statistic, 3), round(result.p_value, 3)
    (1, 0.262, 0.608)
    """
    z_level = z_for(level, _FUNCTION)
    arms = _two_arms(_FUNCTION, time, event, group, None, reference)
    factors = _labels(_FUNCTION, "factor", factor, arms.time)
    if isinstance(factors.dtype, pd.CategoricalDtype):
        factors = factors.cat.remove_unused_categories()
        codes, names = factors.cat.codes.to_numpy(), [_plain(name) for name in factors.cat.categories]
    else:
        codes, uniques = pd.factorize(factors, sort=True)
        names = [_plain(name) for name in uniques]
    if len(names) < 2:
        checks.fail(
            checks.call(_FUNCTION, "factor"), f"found {len(names)} level; a test of interaction needs 2 or more"
        )
    for code, name in enumerate(names):
        members = codes == code
        for label, in_group in ((arms.reference, ~arms.is_treatment), (arms.treatment, arms.is_treatment)):
            if not (arms.event[members & in_group]).any():
                checks.fail(
                    checks.call(_FUNCTION, "factor"),
                    f"level {name!r} has no events in group {label!r}, so its hazard ratio is 0 or infinite",
                )
    cells = _event_times(arms.time, arms.event, arms.is_treatment, codes.astype(np.int64))
    # One row per level (a level's event times are its cells), padded with cells of no events.
    width = int(np.bincount(cells.block, minlength=len(names)).max())
    position = np.arange(cells.block.size) - np.searchsorted(cells.block, cells.block, side="left")
    counts = np.zeros((4, len(names), width))
    for row, values in enumerate(
        (
            cells.treated_deaths,
            cells.deaths - cells.treated_deaths,
            cells.treated_at_risk,
            cells.at_risk - cells.treated_at_risk,
        )
    ):
        counts[row, cells.block, position] = values
    fit = cox_from_risk_sets(*counts)
    if not fit.converged.all():
        failed = names[int(np.flatnonzero(~fit.converged)[0])]
        checks.fail(f"{_FUNCTION}(time, event, group, factor)", f"the Cox model of level {failed!r} did not converge")
    log_hr = fit.log_hr
    se = 1.0 / np.sqrt(fit.information)
    weight = fit.information
    pooled = float(np.sum(weight * log_hr) / np.sum(weight))
    statistic = float(np.sum(weight * (log_hr - pooled) ** 2))
    df = len(names) - 1
    table = pd.DataFrame(
        {
            "patients": np.bincount(codes, minlength=len(names)),
            "events": np.bincount(codes, weights=arms.event, minlength=len(names)).astype(np.int64),
            "hr": np.exp(log_hr),
            "lower": np.exp(log_hr - z_level * se),
            "upper": np.exp(log_hr + z_level * se),
            "log_hr": log_hr,
            "se": se,
        },
        index=pd.Index(names, name="level"),
    )
    return InteractionTest(
        levels=table,
        statistic=statistic,
        df=df,
        p_value=float(stats.chi2.sf(statistic, df)),
        pooled_log_hr=pooled,
        level=level,
        reference=arms.reference,
        treatment=arms.treatment,
    )
