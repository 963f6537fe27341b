"""Survival statistics for a two-arm trial, checked against R's ``survival`` package.

The face of the survival package: its three modules, one idea each.

- the curve of one group (``_curves``) — the curve of one group: :func:`kaplan_meier` and
  :func:`number_at_risk` (Kaplan–Meier with Greenwood standard errors and R's "log" interval,
  numbers at risk in R's convention), :func:`reverse_km_followup` (median follow-up and its
  quartiles by the reverse Kaplan–Meier method) and :func:`rmst` (restricted mean survival time
  up to a horizon ``tau``);
- two arms (``_two_arms``) — two arms compared: :func:`logrank_test` (the stratified
  log-rank test, as R's ``survdiff``), :func:`cox_hazard_ratio` (the stratified Cox hazard ratio
  with a Wald interval, Efron's ties, as R's ``coxph``) and :func:`rmst_difference`;
- the summaries every rebuild is judged by (``_summary``) — :func:`compare_arms` (Cox, log-rank,
  and patients, events and median per arm, from one data frame), :func:`km_gap` (two
  Kaplan–Meier curves compared) and :func:`median_survival`;
- subgroups (``_interaction``) — :func:`interaction_test`: the hazard ratio in each level of a
  factor and the Wald test of interaction, as R's ``coxph(~ arm + arm:factor + strata(factor))``;
- the one Cox fit (``_cox``) — :func:`cox_from_risk_sets`: Efron's ties, strata, many trials at once;
- when one hazard ratio is not enough (``_weighted``, ``_time_varying``) —
  :func:`weighted_logrank_test` (Fleming–Harrington G(ρ, γ)), :func:`maxcombo_test`,
  :func:`piecewise_hazard_ratios` and :func:`proportional_hazards_test` (R's ``cox.zph``);
- Tierney (``_tierney``) — :func:`tierney_from_ci`, :func:`tierney_from_p`,
  :func:`tierney_from_events`: the summary statistics of Tierney et al. (2007) recovered from
  what a paper publishes.

``tests/r/reference.R`` computes the same quantities with R on the fixed data sets in
``tests/r/fixtures``; the tests of each module check that both agree.

Examples
--------
>>> from alexandra import survival
>>> survival.number_at_risk(time=[1, 2, 2, 3, 5, 6], event=[1, 1, 0, 1, 0, 1], times=[0, 2, 6])
array([6, 5, 1])
"""

from __future__ import annotations

from alexandra.survival._cox import CoxFit, cox_from_risk_sets
from alexandra.survival._curves import (
    RMST,
    FollowUp,
    kaplan_meier,
    number_at_risk,
    reverse_km_followup,
    rmst,
)
from alexandra.survival._interaction import InteractionTest, interaction_test
from alexandra.survival._summary import (
    ArmsComparison,
    KMGap,
    compare_arms,
    km_gap,
    median_survival,
    stratum_labels,
)
from alexandra.survival._tierney import (
    TierneySummary,
    tierney_from_ci,
    tierney_from_events,
    tierney_from_p,
)
from alexandra.survival._time_varying import (
    TRANSFORMS,
    PHTestResult,
    piecewise_hazard_ratios,
    proportional_hazards_test,
)
from alexandra.survival._two_arms import (
    HazardRatio,
    LogrankResult,
    RMSTDifference,
    cox_hazard_ratio,
    logrank_test,
    rmst_difference,
)
from alexandra.survival._weighted import (
    ALTERNATIVES,
    MAXCOMBO_WEIGHTS,
    MaxComboResult,
    WeightedLogrankResult,
    WeightedLogrankScores,
    maxcombo_p_value,
    maxcombo_test,
    weighted_logrank_scores,
    weighted_logrank_test,
)

__all__ = [
    "TRANSFORMS",
    "PHTestResult",
    "piecewise_hazard_ratios",
    "proportional_hazards_test",
    "ALTERNATIVES",
    "MAXCOMBO_WEIGHTS",
    "MaxComboResult",
    "WeightedLogrankResult",
    "WeightedLogrankScores",
    "maxcombo_p_value",
    "maxcombo_test",
    "weighted_logrank_scores",
    "weighted_logrank_test",
    "InteractionTest",
    "interaction_test",
    "ArmsComparison",
    "KMGap",
    "compare_arms",
    "km_gap",
    "median_survival",
    "stratum_labels",
    "CoxFit",
    "cox_from_risk_sets",
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
