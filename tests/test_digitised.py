"""Tests of alexandra.reconstruction: cleaning a digitised curve and its numbers at risk."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from alexandra.errors import DataError
from alexandra.reconstruction import (
    Change,
    CleaningWarning,
    clean_curve,
    clean_risk_table,
    read_curve_csv,
    read_risk_csv,
    warn_changes,
)


def whats(changes: tuple[Change, ...]) -> list[str]:
    return [change.what for change in changes]


def test_a_clean_curve_is_left_alone() -> None:
    curve = clean_curve([0, 1, 2, 3], [1.0, 0.9, 0.8, 0.8])
    assert curve.changes == ()
    np.testing.assert_array_equal(curve.survival, [1.0, 0.9, 0.8, 0.8])


def test_small_reading_errors_are_fixed_and_reported_with_where_and_how_much() -> None:
    curve = clean_curve([-0.04, 1, 2, 3, 3], [1.015, 0.9, 0.8, 0.8, 0.8])
    assert curve.time[0] == 0 and curve.survival[0] == 1
    changes = {change.what: change for change in curve.changes}
    assert changes["negative time"].where == "km_time, row 0"
    assert "0.04" in changes["negative time"].how_much
    assert changes["survival above 1"].where == "km_surv, row 0"
    assert "0.015" in changes["survival above 1"].how_much
    assert changes["duplicate time"].how_much == "1 points dropped"
    assert list(curve.time) == [0, 1, 2, 3]


def test_percentages_are_detected() -> None:
    curve = clean_curve([0, 1, 2], [100, 90, 80])
    np.testing.assert_allclose(curve.survival, [1.0, 0.9, 0.8])
    assert whats(curve.changes) == ["percent"]


def test_upward_steps_get_the_closest_non_increasing_curve() -> None:
    # Isotonic regression pools the wobble (0.80, 0.82) into its mean, 0.81; a running minimum
    # would have pushed 0.82 down to 0.80 and the curve's level with it.
    curve = clean_curve([0, 1, 2, 3], [1.0, 0.80, 0.82, 0.6])
    np.testing.assert_allclose(curve.survival, [1.0, 0.81, 0.81, 0.6])
    assert curve.changes[0].where == "km_surv, rows 1, 2"
    assert np.all(np.diff(curve.survival) <= 0)


def test_a_vertical_drop_traced_point_by_point_is_a_wobble_not_an_error() -> None:
    # A digitiser tracing a drop from 0.95 to 0.90 at time 3 gives points at nearly the same time,
    # up and down: a rise of 5 points over 0.002 months is reading error.
    time = [0, 1, 3.000, 3.001, 3.002, 3.003, 5]
    survival = [1.0, 0.95, 0.90, 0.93, 0.95, 0.90, 0.85]
    curve = clean_curve(time, survival)
    assert np.all(np.diff(curve.survival) <= 0)
    assert "upward step" in whats(curve.changes)


def test_a_curve_not_starting_at_0_1_gets_it() -> None:
    curve = clean_curve([0.5, 1, 2], [0.95, 0.9, 0.8])
    assert (curve.time[0], curve.survival[0]) == (0.0, 1.0)
    assert whats(curve.changes) == ["start"]


@pytest.mark.parametrize(
    ("time", "survival", "message"),
    [
        ([0, 1, 2], [1.0, 0.9], "3 times but 2 survival values"),
        ([], [], "no points"),
        ([0, 1, math.inf], [1.0, 0.9, 0.8], "km_time, row 2"),
        ([0, 1, 2], [1.0, math.nan, 0.8], "km_surv, row 1"),
        ([0, -1, 2, 3], [1.0, 0.9, 0.8, 0.7], "km_time, row 1: time -1 is negative"),
        ([0, 1, 2, 3], [1.0, 0.9, -0.3, 0.7], "km_surv, row 2: survival -0.3 is outside"),
        ([0, 1, 2, 3], [1.0, 0.9, 1.3, 0.7], "km_surv, row 2"),
        ([0, 1, 30, 3], [1.0, 0.9, 0.8, 0.7], "km_time, row 2: time 30 is far out of order"),
        ([0, 1, 2], ["1", "x", "0.8"], "km_surv: values must be numbers"),
    ],
)
def test_what_cleaning_cannot_fix_is_refused_naming_the_row(time: list, survival: list, message: str) -> None:
    with pytest.raises(DataError, match=message):
        clean_curve(time, survival)


def test_risk_table_rows_after_the_curve_are_dropped_and_a_near_end_extends_it() -> None:
    curve = clean_curve([0, 5, 9.9], [1.0, 0.7, 0.5])
    table_time, table_n, extended = clean_risk_table([0, 5, 10, 15], [20, 12, 6, 2], curve)
    # 10 is within 2% of the curve's end 9.9: the curve ends there; 15 lies after it.
    assert table_time.tolist() == [0, 5, 10]
    assert table_n.tolist() == [20, 12, 6]
    assert extended.time[-1] == 10 and extended.survival[-1] == 0.5
    assert whats(extended.changes) == ["end of the curve", "after the curve"]


def test_curve_points_after_nobody_is_at_risk_are_dropped() -> None:
    curve = clean_curve([0, 5, 10, 12], [1.0, 0.7, 0.5, 0.4])
    _, _, cleaned = clean_risk_table([0, 5, 10], [20, 12, 0], curve)
    assert cleaned.time.tolist() == [0, 5, 10]
    assert "after nobody is at risk" in whats(cleaned.changes)


@pytest.mark.parametrize(
    ("risk_time", "n_risk", "message"),
    [
        ([0, 2], [10, 12], "n_risk, row 1: 12 is more than row 0"),
        ([0, 2], [10, 6.5], "n_risk, row 1.*whole"),
        ([0, 2], [0, 0], "no patients"),
        ([1, 2], [10, 8], "risk_time, row 0.*start at time 0"),
        ([0, 0], [10, 8], "risk_time, row 1.*not later"),
        ([0, 2], [10], "2 times but 1 numbers at risk"),
        ([0, 20, 40, 60], [10, 8, 5, 2], "most of the table lies after the end of the curve"),
    ],
)
def test_a_table_that_cannot_be_cleaned_is_refused(risk_time: list, n_risk: list, message: str) -> None:
    with pytest.raises(DataError, match=message):
        clean_risk_table(risk_time, n_risk, clean_curve([0, 1, 2, 3], [1.0, 0.9, 0.8, 0.7]))


def test_changes_are_shown_as_one_warning() -> None:
    with pytest.warns(CleaningWarning, match=r"guyot changed what it was given:\n  - km_time, row 0: negative time"):
        warn_changes(clean_curve([-0.01, 1], [1.0, 0.9]).changes, "guyot")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_changes((), "guyot")  # nothing changed: no warning


def test_csv_files_are_read_with_errors_naming_file_row_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    curve = tmp_path / "curve.csv"
    curve.write_text("Time,Survival\n0,100\n1,90\n")
    assert read_curve_csv(curve).survival.tolist() == [100, 90]
    bad = tmp_path / "bad.csv"
    bad.write_text("time,survival\n0,1\n1,abc\n")
    with pytest.raises(DataError, match=r"bad.csv, row 2, field survival: 'abc' is not a number"):
        read_curve_csv(bad)
    risk = tmp_path / "risk.csv"
    risk.write_text("time,at_risk\n0,10\n")
    with pytest.raises(DataError, match=r"risk.csv: missing column\(s\) n_risk"):
        read_risk_csv(risk)
    with pytest.raises(DataError, match="no such file"):
        read_risk_csv(tmp_path / "missing.csv")


def test_a_drop_read_at_time_0_after_the_origin_stays_a_drop() -> None:
    # The origin (0, 1) was read, and a point at time 0 below it: events at the very start.
    curve = clean_curve([0, 0, 1], [1.0, 0.99, 0.9])
    assert curve.time.tolist() == [0, 0, 1] and curve.survival.tolist() == [1.0, 0.99, 0.9]
    # Without the origin, a start read a little low is a misread start.
    assert clean_curve([0, 1], [0.99, 0.9]).survival.tolist() == [1.0, 0.9]
