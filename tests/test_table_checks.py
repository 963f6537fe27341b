"""Tests of alexandra.published: one broken copy of the real table per validation rule."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from alexandra import published
from alexandra.errors import DataError
from test_data_files import BIBLIOGRAPHY, TABLE


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
