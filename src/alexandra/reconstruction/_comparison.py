"""Published versus reconstructed: does patient-level data give back what ALEXANDRA printed?

The JAMA paper reports IDFS events per arm, a stratified hazard ratio with its
95% confidence interval, a stratified log-rank P value and the median
follow-up per arm. :func:`comparison_table` runs the same analyses on
patient-level data — in this book, the reconstructed pseudo-individual data of
:func:`alexandra.trial.alexandra_pseudo_ipd`, never trial data — and puts
each result next to the published number, with the tolerance within which we
call the reconstruction faithful (:data:`COMPARISON_TOLERANCES`).

:func:`alexandra_comparison` builds the pseudo-data and the table in one call;
``scripts/reconstruction_comparison.py`` writes it to
``data/reconstructed/comparison.csv``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from alexandra import checks, published, survival
from alexandra.design import reported_followup

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_TOLERANCES",
    "comparison_table",
]

COMPARISON_COLUMNS = ("quantity", "published", "reconstructed", "difference", "tolerance", "within_tolerance")
"""Columns of the comparison table, in order."""


COMPARISON_TOLERANCES: dict[str, float] = {
    "events": 0.0,
    "hazard_ratio": 0.03,
    "logrank_p": 0.05,
    "median_followup_months": 1.0,
}
"""How far a reconstructed result may lie from the published one (absolute difference).

Events must match exactly. The hazard ratio and each bound of its interval are
printed to two decimals, so rounding alone moves them by up to 0.005; 0.03
allows for the stratification we cannot reproduce. The P value is printed to two
decimals and moves with the test (stratified or not): 0.05. Follow-up is printed
to a tenth of a month; one month allows for the dates of last contact, which
are not in the abstract and figure legends this book uses.
"""

# Floating-point slack when a difference sits exactly on its tolerance (0.03 is not exact in binary).
_SLACK = 1e-9


def _row(quantity: str, published_value: float, reconstructed: float, tolerance: float) -> dict[str, Any]:
    difference = reconstructed - published_value
    return {
        "quantity": quantity,
        "published": float(published_value),
        "reconstructed": float(reconstructed),
        "difference": float(difference),
        "tolerance": float(tolerance),
        "within_tolerance": bool(math.isfinite(difference) and abs(difference) <= tolerance + _SLACK),
    }


def comparison_table(data: pd.DataFrame, strata: Sequence[str] | None = None) -> pd.DataFrame:
    """The published results of ALEXANDRA next to the same analyses of ``data``.

    Rows: IDFS events per arm; the hazard ratio (Cox, atezolizumab versus
    chemotherapy) and both bounds of its 95% interval; the log-rank P value;
    the median follow-up per arm (to the last contact when ``data`` has a
    ``last_contact`` column, else by reverse Kaplan–Meier; see
    :func:`alexandra.design.reported_followup`). The published hazard
    ratio and P value are stratified; ``data`` is analysed stratified only when
    ``strata`` names its stratification columns.

    Parameters
    ----------
    data
        Patients: ``time`` (months), ``event`` (1/0) and ``arm``
        (``"atezolizumab"`` or ``"chemotherapy"``).
    strata
        Columns of ``data`` to stratify the Cox model and the log-rank test by
        (every combination of their levels is a stratum); None for unstratified.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COMPARISON_COLUMNS`: ``difference`` is reconstructed minus
        published, ``tolerance`` comes from :data:`COMPARISON_TOLERANCES`.

    Raises
    ------
    DataError
        For data without the columns or arms above, or unknown strata columns.

    Examples
    --------
    Twelve made-up patients (a real use passes the pseudo-individual data):

    >>> patients = pd.DataFrame({
    ...     "time": [2, 3, 3, 5, 8, 9, 1, 2, 4, 4, 6, 7],
    ...     "event": [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1],
    ...     "arm": ["chemotherapy"] * 6 + ["atezolizumab"] * 6,
    ... })
    >>> table = comparison_table(patients)
    >>> list(table.columns)
    ['quantity', 'published', 'reconstructed', 'difference', 'tolerance', 'within_tolerance']
    >>> table.loc[0, ["quantity", "published", "reconstructed", "within_tolerance"]].to_dict()
    {'quantity': 'IDFS events, atezolizumab', 'published': 141.0, 'reconstructed': 5.0, 'within_tolerance': False}
    """
    patients = checks.patients(data, "comparison_table(data)")
    arms = set(patients.arm)
    if arms != set(published.ARMS):
        checks.fail(
            "comparison_table(data)", f"arms {sorted(arms)}; expected exactly {list(published.ARMS)}", field="arm"
        )
    comparison = survival.compare_arms(
        patients, reference=published.REFERENCE_ARM, strata=None if strata is None else list(strata)
    )
    cox, logrank = comparison.hazard_ratio, comparison.logrank
    hazard_ratio = published.get("idfs_hr_stratified")
    if hazard_ratio.lower is None or hazard_ratio.upper is None:
        checks.fail(str(published.DEFAULT_PATH), "the 95% CI (lower, upper) is missing", row="idfs_hr_stratified")
    rows = [
        _row(
            f"IDFS events, {arm}",
            published.get("idfs_events", arm=arm).number,
            logrank.observed[arm],
            COMPARISON_TOLERANCES["events"],
        )
        for arm in published.ARMS
    ]
    rows += [
        _row("hazard ratio", hazard_ratio.number, cox.hr, COMPARISON_TOLERANCES["hazard_ratio"]),
        _row("hazard ratio, lower 95% limit", hazard_ratio.lower, cox.lower, COMPARISON_TOLERANCES["hazard_ratio"]),
        _row("hazard ratio, upper 95% limit", hazard_ratio.upper, cox.upper, COMPARISON_TOLERANCES["hazard_ratio"]),
        _row("log-rank P", published.get("idfs_logrank_p").number, logrank.p_value, COMPARISON_TOLERANCES["logrank_p"]),
    ]
    for arm in published.ARMS:
        in_arm = patients[patients.arm == arm]
        followup = reported_followup(in_arm)
        rows.append(
            _row(
                f"median follow-up (months), {arm}",
                published.get("median_followup_months", arm=arm).number,
                followup.median,
                COMPARISON_TOLERANCES["median_followup_months"],
            )
        )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
