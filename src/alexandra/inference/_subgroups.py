"""Many subgroups, one true effect: the computations behind the chapter's sixth widget.

:func:`subgroup_multiplicity` gives the chances that some of ``k`` equal subgroups look significant,
or harmed, when every one shares the same true hazard ratio; :func:`simulated_forest` draws the
forest plot of such a trial from a fixed table of draws (:func:`forest_draws`), and
:func:`forest_extent` says how far the intervals of every such forest plot reach. Conventions as in
:mod:`alexandra.inference._uncertainty` (``level=0.95``, the standard error of log HR from ``D``
events ``sqrt(4 / D)``).

>>> round(subgroup_multiplicity(20, 1.0, 266).p_any_significant, 2)
0.64
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.inference._uncertainty import _se_from_events, _z_test
from alexandra.stats_common import z_for

__all__ = [
    "SubgroupMultiplicity",
    "forest_draws",
    "forest_extent",
    "simulated_forest",
    "subgroup_multiplicity",
]


@dataclass(frozen=True)
class SubgroupMultiplicity:
    """Chances across ``n_subgroups`` equal, independent subgroups sharing one true HR.

    Attributes
    ----------
    se_log_hr : standard error of each subgroup's log HR (``sqrt(4 · k / events)``).
    p_any_significant : at least one subgroup significant at ``alpha``, in either direction.
    p_any_apparent_harm : at least one subgroup with an observed HR above 1.
    p_any_apparent_benefit : at least one subgroup with an observed HR below 1.
    """

    n_subgroups: int
    true_hr: float
    se_log_hr: float
    p_any_significant: float
    p_any_apparent_harm: float
    p_any_apparent_benefit: float


def _subgroup_se(function: str, n_subgroups: int, total_events: float) -> float:
    n_subgroups = checks.whole(function, "n_subgroups", n_subgroups, minimum=1)
    return _se_from_events(function, checks.positive(function, "total_events", total_events) / n_subgroups)


def subgroup_multiplicity(
    n_subgroups: int, true_hr: float, total_events: float, alpha: float = 0.05
) -> SubgroupMultiplicity:
    """Closed-form chances that some subgroup "shows something" when none is different.

    The trial's events split evenly into ``n_subgroups`` disjoint subgroups (so their
    estimates are independent), each with the same true HR (Wang et al. 2007).

    Examples
    --------
    Ten subgroups of ALEXANDRA's 266 events, under no effect at all:

    >>> result = subgroup_multiplicity(10, true_hr=1.0, total_events=266)
    >>> round(result.p_any_significant, 3), round(result.p_any_apparent_benefit, 3)
    (0.401, 0.999)
    """
    se = _subgroup_se("subgroup_multiplicity", n_subgroups, total_events)
    shift = math.log(checks.positive("subgroup_multiplicity", "true_hr", true_hr)) / se
    z = _z_test("subgroup_multiplicity", alpha)
    p_significant = float(stats.norm.cdf(-z - shift) + stats.norm.sf(z - shift))
    p_harm = float(stats.norm.cdf(shift))
    return SubgroupMultiplicity(
        n_subgroups=int(n_subgroups),
        true_hr=float(true_hr),
        se_log_hr=se,
        p_any_significant=1 - (1 - p_significant) ** n_subgroups,
        p_any_apparent_harm=1 - (1 - p_harm) ** n_subgroups,
        p_any_apparent_benefit=1 - p_harm**n_subgroups,
    )


def forest_draws(n_draws: int, max_subgroups: int, seed: int) -> pd.DataFrame:
    """Standard normal draws for simulated forest plots, rounded so Vega and Python share them.

    Columns ``draw`` (1…``n_draws``), ``subgroup`` (1…``max_subgroups``), ``z``.

    >>> forest_draws(2, 3, seed=1).shape
    (6, 3)
    """
    for name, value in (("n_draws", n_draws), ("max_subgroups", max_subgroups)):
        checks.whole("forest_draws", name, value, minimum=1)
    z = np.random.default_rng(seed).standard_normal((n_draws, max_subgroups)).round(4)
    draw, subgroup = np.meshgrid(np.arange(1, n_draws + 1), np.arange(1, max_subgroups + 1), indexing="ij")
    return pd.DataFrame({"draw": draw.ravel(), "subgroup": subgroup.ravel(), "z": z.ravel()})


def forest_extent(
    draws: pd.DataFrame, total_events: float, true_hrs: tuple[float, float], level: float = 0.95
) -> tuple[float, float]:
    """The lowest lower and the highest upper limit of every forest plot :func:`simulated_forest` draws from ``draws``.

    Over every draw, every number of subgroups up to the most ``draws`` holds and every true HR
    between the two of ``true_hrs``: an axis from the first to the second shows every interval whole.

    >>> draws = forest_draws(10, 20, seed=2007)
    >>> low, high = forest_extent(draws, 266, (0.6, 1.4))
    >>> round(low, 4), round(high, 2)
    (0.049, 16.49)
    >>> forest = simulated_forest(20, 1.4, 266, draws, draw=1)
    >>> bool(low <= forest["lower"].min() and forest["upper"].max() <= high)
    True
    """
    function = "forest_extent"
    lowest, highest = sorted(checks.positive(function, "true_hrs", true_hr) for true_hr in true_hrs)
    z = z_for(level, function)
    # One row per draw, one column per subgroup; the running extremes are those of the first n subgroups.
    table = draws.pivot(index="draw", columns="subgroup", values="z").sort_index(axis=1).to_numpy()
    se = np.array([_subgroup_se(function, n, total_events) for n in range(1, table.shape[1] + 1)])
    lower = math.log(lowest) + se * (np.minimum.accumulate(table, axis=1) - z)
    upper = math.log(highest) + se * (np.maximum.accumulate(table, axis=1) + z)
    return float(np.exp(lower.min())), float(np.exp(upper.max()))


def simulated_forest(
    n_subgroups: int, true_hr: float, total_events: float, draws: pd.DataFrame, draw: int, level: float = 0.95
) -> pd.DataFrame:
    """One SIMULATED forest plot: ``n_subgroups`` subgroup estimates from draw ``draw`` of ``draws``.

    Subgroup ``j`` has log HR ``ln(true_hr) + se · z_j`` with ``z_j`` from :func:`forest_draws`;
    its interval has confidence ``level``, and it is ``significant`` when that interval excludes 1.

    Returns
    -------
    DataFrame with ``subgroup, hr, lower, upper, significant`` (one row per subgroup).

    >>> forest = simulated_forest(4, 1.0, 266, forest_draws(1, 4, seed=1), draw=1)
    >>> forest.columns.tolist(), len(forest)
    (['subgroup', 'hr', 'lower', 'upper', 'significant'], 4)
    """
    se = _subgroup_se("simulated_forest", n_subgroups, total_events)
    z = z_for(level, "simulated_forest")
    chosen = draws[(draws["draw"] == draw) & (draws["subgroup"] <= n_subgroups)].sort_values("subgroup")
    if len(chosen) != n_subgroups:
        checks.fail(
            checks.call("simulated_forest", "draws"),
            f"draw {draw} has {len(chosen)} of the {n_subgroups} subgroups asked for",
        )
    log_hr = math.log(checks.positive("simulated_forest", "true_hr", true_hr)) + se * chosen["z"].to_numpy()
    return pd.DataFrame(
        {
            "subgroup": chosen["subgroup"].to_numpy(),
            "hr": np.exp(log_hr),
            "lower": np.exp(log_hr - z * se),
            "upper": np.exp(log_hr + z * se),
            "significant": np.abs(log_hr) / se > z,
        }
    )
