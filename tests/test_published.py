"""Tests of alexandra.published: the real table, and one broken copy per validation rule."""

from __future__ import annotations

import csv
import doctest
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from alexandra import published
from alexandra.errors import DataError

REPOSITORY = Path(__file__).resolve().parents[1]
TABLE = REPOSITORY / "data" / "published" / "alexandra.csv"
BIBLIOGRAPHY = REPOSITORY / "book" / "references.bib"

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


def test_estimate_helpers() -> None:
    hr = published.get("idfs_hr_stratified")
    assert hr.text() == "1.11 (95% CI 0.87–1.42)"
    assert hr.citation() == "{cite:p}`ignatiadis2025`"
    assert not hr.is_secondary
    assert published.get("interim_idfs_hr").is_secondary
    assert published.get("enrolment_start").text() == "2018-08-02"
    with pytest.raises(DataError, match="row enrolment_start, field value: 2018-08-02 is a date, not a number"):
        _ = published.get("enrolment_start").number
    with pytest.raises(DataError, match="row n_planned, field value: 2300 is a number"):
        _ = published.get("n_planned").when


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


def test_docstring_examples_run() -> None:
    result = doctest.testmod(published)
    assert result.attempted > 5
    assert result.failed == 0


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


# --- where the data is found --------------------------------------------------------------------


def test_the_data_folder_is_found_from_the_package() -> None:
    assert published.find_data_dir() == REPOSITORY / "data"
    assert published.DEFAULT_PATH == TABLE
    assert published.DEFAULT_BIBLIOGRAPHY == BIBLIOGRAPHY


def test_the_environment_variable_names_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(published.DATA_ENV_VAR, str(tmp_path))
    assert published.find_data_dir() == tmp_path.resolve()


def test_bibliography_keys_skip_strings_and_comments(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        '@string{jama = "JAMA"}\n@comment{not_a_key,}\n@Article{ smith2020 ,\n title={A}}\n@misc{doe-2,\n}\n',
        encoding="utf-8",
    )
    assert published.bibliography_keys(bib) == {"smith2020", "doe-2"}


# --- broken copies of the real table ------------------------------------------------------------


def real_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(tmp_path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    path = tmp_path / "alexandra.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def position(rows: list[dict[str, str]], key: str, arm: str = "") -> int:
    """Index of a row; its CSV line is this plus 2 (the header is line 1)."""
    return next(i for i, row in enumerate(rows) if row["key"] == key and row["arm"] == arm)


def load_error(path: Path, bibliography: Path = BIBLIOGRAPHY) -> str:
    with pytest.raises(DataError) as error:
        published.load(path, bibliography=bibliography)
    return str(error.value)


def test_a_faithful_copy_loads(tmp_path: Path) -> None:
    copy = published.load(write(tmp_path, real_rows()), bibliography=BIBLIOGRAPHY)
    pd.testing.assert_frame_equal(copy, published.load())


# (key, arm, changes to that row, field named in the error, what the error says)
BROKEN = [
    (
        "idfs_events",
        "atezolizumab",
        {"key": "idfs_event"},
        "key",
        "unknown key 'idfs_event' (did you mean 'idfs_events'?)",
    ),
    ("n_planned", "", {"tier": "tertiary"}, "tier", "unknown tier 'tertiary'"),
    ("idfs_hr_stratified", "", {"value": "abc"}, "value", "'abc' is not a number"),
    ("idfs_hr_stratified", "", {"value": "nan"}, "value", "'nan' is not a finite number"),
    ("n_planned", "", {"value": "-5"}, "value", "-5 is not a valid count: it must be a whole number, 0 or more"),
    ("idfs_events", "chemotherapy", {"value": "125.5"}, "value", "125.5 is not a valid count"),
    (
        "idfs_events",
        "atezolizumab",
        {"value": "1200"},
        "value",
        "1200 invasive disease-free survival events is more than the 1101 patients randomized",
    ),
    (
        "n_female",
        "",
        {"value": "2300"},
        "value",
        "2300 women randomized is more than the 2199 patients randomized, both arms (n_randomized_total, line",
    ),
    (
        "trae_grade_3_4_pct",
        "atezolizumab",
        {"value": "154"},
        "value",
        "154 is not a valid percent: it must be between 0 and 100",
    ),
    ("idfs_logrank_p", "", {"value": "1.38"}, "value", "1.38 is not a valid p-value: it must be between 0 and 1"),
    ("idfs_hr_stratified", "", {"value": "0"}, "value", "0 is not a valid ratio: it must be greater than 0"),
    ("idfs_hr_stratified", "", {"value": "1.5"}, "value", "the 95% CI 0.87–1.42 does not contain the estimate 1.5"),
    ("idfs_hr_stratified", "", {"lower": "1.42", "upper": "0.87"}, "lower", "lower 1.42 is greater than upper 0.87"),
    (
        "median_followup_months",
        "chemotherapy",
        {"upper": ""},
        "upper",
        "missing: an interval needs lower, upper and interval",
    ),
    (
        "median_followup_months",
        "chemotherapy",
        {"interval": ""},
        "interval",
        "missing: an interval needs lower, upper and interval",
    ),
    ("median_followup_months", "chemotherapy", {"lower": "-3"}, "lower", "-3 is not a valid months"),
    ("n_planned", "", {"source": ""}, "source", "missing: every number needs the citation key"),
    ("n_planned", "", {"location": ""}, "location", "missing: say where in the source"),
    (
        "n_planned",
        "",
        {"source": "ignatiadis2024"},
        "source",
        "'ignatiadis2024' is not a key of the bibliography (did you mean 'ignatiadis2025'?)",
    ),
    (
        "n_planned",
        "",
        {"source": "ascopost2024"},
        "source",
        "a primary number must come from the JAMA paper (ignatiadis2025)",
    ),
    ("idfs_events", "chemotherapy", {"arm": "placebo"}, "arm", "unknown arm 'placebo'"),
    ("n_planned", "", {"arm": "chemotherapy"}, "arm", "n_planned is a whole-trial number: leave arm empty"),
    ("enrolment_start", "", {"value": "2018-02-30"}, "value", "'2018-02-30' is not a valid date: write YYYY-MM-DD"),
    ("enrolment_start", "", {"value": "02/08/2018"}, "value", "'02/08/2018' is not a valid date"),
    (
        "protocol_amendment_month",
        "",
        {"value": "2023-13"},
        "value",
        "'2023-13' is not a valid year-month: write YYYY-MM",
    ),
    ("data_cutoff", "", {"lower": "2023-08-01"}, "lower", "a date has no interval"),
    ("idfs_events", "atezolizumab", {"unit": "percent"}, "unit", "'percent', but idfs_events is measured in 'count'"),
    ("idfs_events", "atezolizumab", {"unit": "patients"}, "unit", "unknown unit 'patients'"),
]


@pytest.mark.parametrize(
    ("key", "arm", "changes", "field", "says"), BROKEN, ids=[f"{b[0]}-{b[3]}-{'-'.join(b[2].values())}" for b in BROKEN]
)
def test_a_broken_row_is_reported_with_file_line_row_and_field(
    tmp_path: Path, key: str, arm: str, changes: dict[str, str], field: str, says: str
) -> None:
    rows = real_rows()
    index = position(rows, key, arm)
    rows[index].update(changes)
    path = write(tmp_path, rows)
    message = load_error(path)
    row = rows[index]["key"] + (f"/{rows[index]['arm']}" if rows[index]["arm"] else "")
    assert f"{path}, row {row} (line {index + 2}), field {field}: {says}" in message


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    rows = real_rows()
    columns = [name for name in rows[0] if name != "location"]
    path = write(tmp_path, rows, columns)
    assert f"{path}, row header (line 1): missing column 'location'" in load_error(path)


def test_an_unexpected_column_is_named(tmp_path: Path) -> None:
    rows = [{**row, "comment": ""} for row in real_rows()]
    path = write(tmp_path, rows)
    assert "unexpected column 'comment'" in load_error(path)


def test_a_duplicate_row_names_both_lines(tmp_path: Path) -> None:
    rows = real_rows()
    first = position(rows, "idfs_events", "chemotherapy")
    rows.append(dict(rows[first]))
    path = write(tmp_path, rows)
    expected = f"row idfs_events/chemotherapy (line {len(rows) + 1}), field key: duplicate of line {first + 2}"
    assert expected in load_error(path)


def test_a_per_arm_key_without_arm_is_reported(tmp_path: Path) -> None:
    rows = real_rows()
    rows = [row for row in rows if not (row["key"] == "fatal_ae_pct" and row["arm"] == "chemotherapy")]
    index = position(rows, "fatal_ae_pct", "atezolizumab")
    rows[index]["arm"] = ""
    message = load_error(write(tmp_path, rows))
    assert f"row fatal_ae_pct (line {index + 2}), field arm: fatal_ae_pct is given per arm" in message


def test_a_declared_key_without_rows_is_reported(tmp_path: Path) -> None:
    rows = [row for row in real_rows() if not (row["key"] == "idfs_events" and row["arm"] == "chemotherapy")]
    path = write(tmp_path, rows)
    assert f"{path}: no row for key 'idfs_events' for arm chemotherapy" in load_error(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = real_rows()
    rows[position(rows, "n_planned")]["value"] = "many"
    rows[position(rows, "n_countries")]["tier"] = "primry"
    message = load_error(write(tmp_path, rows))
    assert ": 2 problems in the table" in message
    assert re.search(r"row n_planned \(line \d+\), field value", message)
    assert re.search(r"row n_countries \(line \d+\), field tier", message)


def test_a_row_with_too_many_fields_is_reported(tmp_path: Path) -> None:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if text.startswith("n_countries,"))
    lines[index] += ",one more field"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"{path}, row n_countries (line {index + 1}): 1 more field(s) than the header has columns" in load_error(
        path
    )


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert f"{path}: no such file" in load_error(path)


def test_a_missing_bibliography_is_named(tmp_path: Path) -> None:
    bib = tmp_path / "none.bib"
    assert f"{bib}: cannot read the bibliography" in load_error(TABLE, bibliography=bib)


def test_a_header_without_rows_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(published.COLUMNS) + "\n", encoding="utf-8")
    assert f"{path}: the table has a header but no rows" in load_error(path)


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(TABLE.read_bytes().replace(b"Figure 2 legend", b"Figure 2 l\xe9gende"))
    assert f"{path}: not a readable UTF-8 CSV file" in load_error(path)


def test_date_text_writes_dates_as_the_prose_does() -> None:
    assert published.date_text(published.get("data_cutoff").when) == "18 August 2023"
    assert published.date_text(pd.Timestamp("2018-08-02")) == "2 August 2018"  # no leading zero
    assert published.date_text(date(2023, 2, 1), with_day=False) == "February 2023"
    assert published.date_text(date(2023, 2, 1), with_day=False, short=True) == "Feb 2023"


def test_chapters_write_dates_with_date_text() -> None:
    """One date formatter for the chapters: no hand-made %B / %d formats in their code cells."""
    book = Path(__file__).resolve().parents[1] / "book"
    hand_made = re.compile(r"\{[^{}]*:%[^{}]*[BbdY][^{}]*\}|strftime\(")
    offenders = []
    for notebook in sorted(book.glob("*.ipynb")) + sorted(book.glob("appendix/*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            code = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            offenders += [f"{notebook.name}: {line.strip()}" for line in code.splitlines() if hand_made.search(line)]
    assert offenders == []
