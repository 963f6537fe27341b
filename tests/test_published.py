"""Tests of alexandra.published: the real table, get() and provenance() (broken tables: test_table_checks.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from alexandra import published
from alexandra.errors import DataError
from test_table_checks import BIBLIOGRAPHY, position, real_rows, write

# Typed from /work/shared/facts/alexandra.md (the fact sheet), not from the CSV:
# (key, arm) -> (value, lower, upper, interval, tier, source).
FACT_SHEET: dict[tuple[str, str | None], tuple[float | date, float | None, float | None, str | None, str, str]] = {
    ("n_randomized", "atezolizumab"): (1101, None, None, None, "primary", "ignatiadis2025"),
    ("n_randomized", "chemotherapy"): (1098, None, None, None, "primary", "ignatiadis2025"),
    ("n_randomized_total", None): (2199, None, None, None, "primary", "ignatiadis2025"),
    ("allocation_ratio", None): (1.0, None, None, None, "primary", "ignatiadis2025"),
    ("n_planned", None): (2300, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_events", "atezolizumab"): (141, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_events", "chemotherapy"): (125, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_events_pct", "atezolizumab"): (12.8, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_events_pct", "chemotherapy"): (11.4, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_hr_stratified", None): (1.11, 0.87, 1.42, "95% CI", "primary", "ignatiadis2025"),
    ("idfs_logrank_p", None): (0.38, None, None, None, "primary", "ignatiadis2025"),
    ("median_followup_months", "atezolizumab"): (32.3, 22.3, 41.3, "IQR", "primary", "ignatiadis2025"),
    ("median_followup_months", "chemotherapy"): (31.9, 22.5, 41.2, "IQR", "primary", "ignatiadis2025"),
    ("median_followup_overall_months", None): (32, None, None, None, "primary", "ignatiadis2025"),
    ("km_truncation_months", None): (48, None, None, None, "primary", "ignatiadis2025"),
    ("at_risk_at_truncation", None): (165, None, None, None, "primary", "ignatiadis2025"),
    ("trae_grade_3_4_pct", "atezolizumab"): (54, None, None, None, "primary", "ignatiadis2025"),
    ("trae_grade_3_4_pct", "chemotherapy"): (44, None, None, None, "primary", "ignatiadis2025"),
    ("fatal_ae_pct", "atezolizumab"): (0.8, None, None, None, "primary", "ignatiadis2025"),
    ("fatal_ae_pct", "chemotherapy"): (0.6, None, None, None, "primary", "ignatiadis2025"),
    ("median_age_years", None): (53, None, None, None, "primary", "ignatiadis2025"),
    ("n_centres", None): (330, None, None, None, "primary", "ignatiadis2025"),
    ("n_countries", None): (31, None, None, None, "primary", "ignatiadis2025"),
    ("enrolment_start", None): (date(2018, 8, 2), None, None, None, "primary", "ignatiadis2025"),
    ("enrolment_end", None): (date(2022, 11, 11), None, None, None, "primary", "ignatiadis2025"),
    ("data_cutoff", None): (date(2023, 8, 18), None, None, None, "primary", "ignatiadis2025"),
    ("chemo_duration_weeks", None): (20, None, None, None, "primary", "ignatiadis2025"),
    ("atezolizumab_duration_months", None): (12, None, None, None, "primary", "ignatiadis2025"),
    ("idfs_events_planned", None): (390, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("accrual_paused", None): (date(2022, 11, 14), None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("protocol_amendment_month", None): (date(2023, 2, 1), None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("interim_information_fraction", None): (0.62, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("futility_boundary_hr", None): (1.0, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("futility_recommendation", None): (date(2023, 3, 15), None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("interim_median_followup_months", None): (25.3, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("interim_idfs_events", "atezolizumab"): (127, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("interim_idfs_events", "chemotherapy"): (112, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("interim_idfs_hr", None): (1.12, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("paclitaxel_dose_mg_m2", None): (80, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("paclitaxel_weeks", None): (12, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("epirubicin_dose_mg_m2", None): (90, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("doxorubicin_dose_mg_m2", None): (60, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("cyclophosphamide_dose_mg_m2", None): (600, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("anthracycline_doses", None): (4, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("atezolizumab_dose_with_chemo_mg", None): (840, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("atezolizumab_dose_maintenance_mg", None): (1200, None, None, None, "secondary", "ignatiadis2023sabcs"),
    ("n_female", None): (2195, None, None, None, "secondary", "pathwaysummary"),
    ("n_male", None): (4, None, None, None, "secondary", "pathwaysummary"),
    ("idfs_3y_pct", "atezolizumab"): (84.6, None, None, None, "secondary", "pathwaysummary"),
    ("idfs_3y_pct", "chemotherapy"): (86.4, None, None, None, "secondary", "pathwaysummary"),
    ("os_3y_pct", "atezolizumab"): (92.3, None, None, None, "secondary", "pathwaysummary"),
    ("os_3y_pct", "chemotherapy"): (93.7, None, None, None, "secondary", "pathwaysummary"),
    ("rfs_3y_pct", "atezolizumab"): (86.7, None, None, None, "secondary", "pathwaysummary"),
    ("rfs_3y_pct", "chemotherapy"): (87.7, None, None, None, "secondary", "pathwaysummary"),
    ("dfs_3y_pct", "atezolizumab"): (84.3, None, None, None, "secondary", "pathwaysummary"),
    ("dfs_3y_pct", "chemotherapy"): (85.3, None, None, None, "secondary", "pathwaysummary"),
}


# --- the real table ---------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "arm"), list(FACT_SHEET), ids=lambda part: str(part))
def test_every_fact_sheet_number_is_in_the_table(key: str, arm: str | None) -> None:
    value, lower, upper, interval, tier, source = FACT_SHEET[(key, arm)]
    estimate = published.get(key, arm=arm)
    if isinstance(value, date):
        assert estimate.when == value
    else:
        assert estimate.number == pytest.approx(value, abs=1e-12)
    assert estimate.lower == (None if lower is None else pytest.approx(lower))
    assert estimate.upper == (None if upper is None else pytest.approx(upper))
    assert (estimate.interval, estimate.tier, estimate.source) == (interval, tier, source)
    assert estimate.location.strip()


def test_the_table_holds_nothing_the_fact_sheet_does_not_know() -> None:
    table = published.load()
    cells = {(row.key, row.arm) for row in table.itertuples()}
    assert cells == set(FACT_SHEET)
    assert list(table.columns) == list(published.COLUMNS)


def test_the_table_agrees_with_itself() -> None:
    """Numbers printed separately in the paper must fit together."""
    arms = [published.get("n_randomized", arm=arm).number for arm in published.ARMS]
    assert sum(arms) == published.get("n_randomized_total").number
    for arm, patients in zip(published.ARMS, arms, strict=True):
        events = published.get("idfs_events", arm=arm).number
        assert round(100 * events / patients, 1) == published.get("idfs_events_pct", arm=arm).number
    everyone = published.get("n_female").number + published.get("n_male").number
    assert everyone == published.get("n_randomized_total").number


def test_every_source_is_in_the_bibliography_and_secondary_rows_say_so() -> None:
    table = published.load()
    assert set(table.source) <= published.bibliography_keys(BIBLIOGRAPHY)
    secondary = table[table.tier == "secondary"]
    assert not secondary.empty
    assert secondary.note.str.startswith("secondary").all()
    assert (table.loc[table.tier == "primary", "source"] == "ignatiadis2025").all()


def test_load_returns_a_fresh_frame_each_time() -> None:
    first = published.load()
    first.loc[:, "value"] = 0
    assert published.get("n_planned").number == 2300
    assert published.load().loc[lambda t: t.key == "n_planned", "value"].item() == 2300


def test_provenance_has_one_row_per_quantity_with_arms_in_a_fixed_order(tmp_path: Path) -> None:
    rows = real_rows()
    rows[position(rows, "fatal_ae_pct", "chemotherapy")]["note"] = "a note for this arm only"
    path = write(tmp_path, rows[::-1])  # chemotherapy rows now come before atezolizumab rows
    summary = published.provenance(path, bibliography=BIBLIOGRAPHY).set_index("key")
    assert set(summary.index) == {key for key, _ in FACT_SHEET}
    assert summary.loc["idfs_events", "value"] == "141 vs 125"
    atezolizumab_note = rows[position(rows, "fatal_ae_pct", "atezolizumab")]["note"]
    expected = f"atezolizumab: {atezolizumab_note}; chemotherapy: a note for this arm only"
    assert summary.loc["fatal_ae_pct", "note"] == expected
    assert summary.loc["idfs_events", "note"] == rows[position(rows, "idfs_events", "chemotherapy")]["note"]
    assert (
        summary.loc["median_followup_months", "value"] == "32.3 months (IQR 22.3–41.3) vs 31.9 months (IQR 22.5–41.2)"
    )
    assert summary.loc["interim_idfs_hr", ["tier", "source"]].tolist() == ["secondary", "ignatiadis2023sabcs"]
    unchanged = summary.drop(index="fatal_ae_pct").sort_index()
    pd.testing.assert_frame_equal(
        unchanged, published.provenance().set_index("key").drop(index="fatal_ae_pct").sort_index()
    )


# --- get() and its errors -----------------------------------------------------------------------


def test_get_unknown_key_lists_the_valid_keys() -> None:
    with pytest.raises(DataError) as error:
        published.get("idfs_hr")
    message = str(error.value)
    assert "get(key='idfs_hr')" in message
    assert "idfs_hr_stratified" in message and "n_randomized" in message


def test_get_per_arm_key_without_arm_names_the_arms() -> None:
    with pytest.raises(DataError, match=r"given per arm; pass arm='atezolizumab' or arm='chemotherapy'"):
        published.get("idfs_events")


def test_get_unknown_arm() -> None:
    with pytest.raises(DataError, match=r"get\(arm='placebo'\): unknown arm.*'atezolizumab', 'chemotherapy'"):
        published.get("idfs_events", arm="placebo")


def test_get_whole_trial_key_with_an_arm() -> None:
    with pytest.raises(DataError, match=r"n_planned is a whole-trial number; call get\('n_planned'\) without arm"):
        published.get("n_planned", arm="chemotherapy")
