"""Two arms summarised at once, and two Kaplan–Meier curves compared: what every rebuild is judged by.

:func:`compare_arms` takes patient-level data as a data frame (one row per patient, columns
``time``, ``event`` and ``arm`` by default), in the spirit of lifelines' ``fit(df, duration_col,
event_col)``, and returns the Cox hazard ratio, the log-rank test and each arm's patients, events
and median. :func:`km_gap` is the distance between two Kaplan–Meier curves read on a grid.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alexandra import checks
from alexandra.survival._curves import kaplan_meier
from alexandra.survival._two_arms import HazardRatio, LogrankResult, cox_hazard_ratio, logrank_test

__all__ = ["ArmsComparison", "KMGap", "compare_arms", "km_gap", "median_survival", "stratum_labels"]


def median_survival(time: Any, event: Any) -> float:
    """The Kaplan–Meier median: the first time the curve is at or below one half; NaN when not reached.

    >>> median_survival([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 1])
    2.0
    >>> median_survival([1.0, 2.0, 3.0], [1, 0, 0])
    nan
    """
    curve = kaplan_meier(time, event)
    below = curve.time[curve.survival <= 0.5]
    return float(below.iloc[0]) if len(below) else float("nan")


def stratum_labels(data: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One stratum label per patient from several stratification columns.

    A stratified analysis with several factors uses every combination of their
    levels as a stratum, as R's ``strata(a, b, c)`` does.

    Parameters
    ----------
    data
        Patients, one row each.
    columns
        The stratification columns.

    Returns
    -------
    pandas.Series
        Labels such as ``"mastectomy / 0 / IC 0"``.

    Examples
    --------
    >>> patients = pd.DataFrame({"surgery": ["BCS", "BCS", "mastectomy"], "nodes": ["0", "1-3", "0"]})
    >>> stratum_labels(patients, ["surgery", "nodes"]).tolist()
    ['BCS / 0', 'BCS / 1-3', 'mastectomy / 0']
    """
    if len(columns) == 0:
        checks.fail(checks.call("stratum_labels", "columns"), "give at least one stratification column")
    missing = [column for column in columns if column not in data.columns]
    if missing:
        checks.fail(
            checks.call("stratum_labels", "columns"),
            f"no column {missing[0]!r} in the data; columns are {list(data.columns)}",
        )
    labels = data[list(columns)].astype(str)
    return labels.apply(" / ".join, axis=1).rename("stratum")


@dataclass(frozen=True)
class ArmsComparison:
    """The usual summary of a two-arm comparison.

    Attributes
    ----------
    hazard_ratio : the Cox hazard ratio of the treatment arm against ``reference`` (with strata if given).
    logrank : the log-rank test (stratified if strata were given).
    arms : one row per arm (reference first): ``patients``, ``events`` and ``median`` (Kaplan–Meier;
        NaN when not reached).
    """

    hazard_ratio: HazardRatio
    logrank: LogrankResult
    arms: pd.DataFrame


def compare_arms(
    data: pd.DataFrame,
    reference: Hashable | None = None,
    strata: str | Sequence[str] | None = None,
    level: float = 0.95,
    duration_col: str = "time",
    event_col: str = "event",
    group_col: str = "arm",
) -> ArmsComparison:
    """Cox hazard ratio, log-rank test, and patients, events and median per arm, of one data frame.

    ``strata`` names one column, or several whose combinations are the strata.

    Examples
    --------
    >>> data = pd.DataFrame({"time": [2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...                      "event": [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...                      "arm": ["chemo"] * 6 + ["atezo"] * 6})
    >>> result = compare_arms(data, reference="chemo")
    >>> round(result.hazard_ratio.hr, 2), round(result.logrank.p_value, 2)
    (2.01, 0.33)
    >>> result.arms.to_dict("index")
    {'chemo': {'patients': 6, 'events': 4, 'median': 5.0}, 'atezo': {'patients': 6, 'events': 5, 'median': 4.0}}
    """
    where = "compare_arms(data)"
    if not isinstance(data, pd.DataFrame):
        checks.fail(where, f"expected a pandas DataFrame of patients, got {type(data).__name__}")
    names = [strata] if isinstance(strata, str) else list(strata or [])
    for column in (duration_col, event_col, group_col, *names):
        if column not in data.columns:
            checks.fail(where, f"missing column {column!r}; the columns are {', '.join(map(str, data.columns))}")
    stratum = None if not names else stratum_labels(data, names)
    time, event, group = data[duration_col], data[event_col], data[group_col]
    hazard_ratio = cox_hazard_ratio(time, event, group, strata=stratum, reference=reference, level=level)
    logrank = logrank_test(time, event, group, strata=stratum, reference=reference)
    rows = []
    for arm in (hazard_ratio.reference, hazard_ratio.treatment):
        members = (group == arm).to_numpy()
        rows.append(
            {
                group_col: arm,
                "patients": int(members.sum()),
                "events": int(np.asarray(event)[members].sum()),
                "median": median_survival(np.asarray(time)[members], np.asarray(event)[members]),
            }
        )
    return ArmsComparison(hazard_ratio=hazard_ratio, logrank=logrank, arms=pd.DataFrame(rows).set_index(group_col))


@dataclass(frozen=True)
class KMGap:
    """How far apart two Kaplan–Meier curves are on a grid: the ``largest`` and the ``mean`` vertical gap."""

    largest: float
    mean: float


def km_gap(first: pd.DataFrame, second: pd.DataFrame, at: Any) -> KMGap:
    """The vertical gaps between the Kaplan–Meier curves of two groups of patients (``time``, ``event``), at ``at``.

    >>> first = pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0], "event": [1, 1, 1, 1]})
    >>> second = pd.DataFrame({"time": [1.0, 2.5, 3.0, 4.0], "event": [1, 1, 1, 1]})
    >>> km_gap(first, second, at=[0.0, 1.0, 2.0, 3.0])
    KMGap(largest=0.25, mean=0.0625)
    """
    curves = [kaplan_meier(group.time, group.event, at=at).survival.to_numpy() for group in (first, second)]
    gaps = np.abs(curves[0] - curves[1])
    return KMGap(largest=float(gaps.max()), mean=float(gaps.mean()))
