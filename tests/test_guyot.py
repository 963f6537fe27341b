"""Tests of alexandra.reconstruction: Guyot's algorithm on curves whose truth is known."""

from __future__ import annotations

import contextlib
import io
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alexandra import survival
from alexandra.errors import DataError
from alexandra.reconstruction import (
    CleaningWarning,
    guyot,
    published_figure,
    read_curve_csv,
    read_risk_csv,
    simulate_trial,
)


@pytest.fixture(scope="module")
def known_trial() -> pd.DataFrame:
    """A simulated trial whose patients are the truth the reconstruction is judged against."""
    return simulate_trial(500, hazard_ratio=0.7, baseline="weibull", dropout_rate=0.01, seed=31)


def rebuild(trial: pd.DataFrame, with_table: bool = True, **figure: object) -> pd.DataFrame:
    arms = []
    for arm, reading in published_figure(trial, **figure).items():  # type: ignore[arg-type]
        risk_time, n_risk = (reading.at_risk.time, reading.at_risk.n_risk) if with_table else ([0.0], [reading.n])
        patients = guyot(reading.curve.time, reading.curve.survival, risk_time, n_risk, reading.events, warn=False)
        arms.append(patients.assign(arm=arm))
    return pd.concat(arms, ignore_index=True)


def test_guyot_recovers_a_known_trial(known_trial: pd.DataFrame) -> None:
    rebuilt = rebuild(known_trial)
    for arm, truth in known_trial.groupby("arm"):
        mine = rebuilt[rebuilt.arm == arm]
        assert len(mine) == len(truth)
        assert abs(int(mine.event.sum()) - int(truth.event.sum())) <= 3
        # Compare the curves up to the last month with a tenth of the arm still at risk.
        at_risk = survival.number_at_risk(truth.time, truth.event, np.arange(60.0))
        grid = np.linspace(0, np.flatnonzero(at_risk >= 0.1 * len(truth)).max(), 300)
        true_curve = survival.kaplan_meier(truth.time, truth.event, at=grid).survival
        rebuilt_curve = survival.kaplan_meier(mine.time, mine.event, at=grid).survival
        assert np.max(np.abs(true_curve - rebuilt_curve)) < 0.02
    true_hr = survival.cox_hazard_ratio(known_trial.time, known_trial.event, known_trial.arm, reference="control")
    rebuilt_hr = survival.cox_hazard_ratio(rebuilt.time, rebuilt.event, rebuilt.arm, reference="control")
    assert abs(rebuilt_hr.log_hr - true_hr.log_hr) < 0.05


def test_guyot_matches_the_published_numbers_at_risk(known_trial: pd.DataFrame) -> None:
    for reading in published_figure(known_trial, risk_every=12.0).values():
        rebuilt = guyot(
            reading.curve.time, reading.curve.survival, reading.at_risk.time, reading.at_risk.n_risk, warn=False
        )
        rebuilt_at_risk = survival.number_at_risk(rebuilt.time, rebuilt.event, reading.at_risk.time)
        np.testing.assert_array_equal(rebuilt_at_risk, reading.at_risk.n_risk)


def test_guyot_with_only_arm_size_meets_total_events(known_trial: pd.DataFrame) -> None:
    rebuilt = rebuild(known_trial, with_table=False)
    for arm, truth in known_trial.groupby("arm"):
        mine = rebuilt[rebuilt.arm == arm]
        assert len(mine) == len(truth)
        assert mine.event.sum() == truth.event.sum()


def test_guyot_worked_by_hand() -> None:
    # 10 patients; the curve falls by 0.1 at months 1..5; 4 at risk at month 5.
    # First guess of censored before month 5: 10 * 0.5 / 1 - 4 = 1, spread at month 2.5:
    # events 1, 1, 1, 1 at months 1-4 leave 5, one too many. With 2 censored (at 5/3 and
    # 10/3 months) the events are still 1 at each of months 1-4 and 4 are left: done.
    # At month 5, round(4 * (1 - 0.5 / 0.54)) = 0 events, so all 4 are censored at month 5.
    rebuilt = guyot([0, 1, 2, 3, 4, 5], [1.0, 0.9, 0.8, 0.7, 0.6, 0.5], risk_time=[0, 5], n_risk=[10, 4])
    assert rebuilt.time[rebuilt.event == 1].tolist() == [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_allclose(rebuilt.time[rebuilt.event == 0], [5 / 3, 10 / 3, 5, 5, 5, 5])


def test_guyot_is_deterministic_and_ignores_point_order(known_trial: pd.DataFrame) -> None:
    reading = published_figure(known_trial)["control"]
    arguments = (reading.at_risk.time, reading.at_risk.n_risk, reading.events)
    first = guyot(reading.curve.time, reading.curve.survival, *arguments, warn=False)
    assert first.equals(guyot(reading.curve.time, reading.curve.survival, *arguments, warn=False))
    shuffled = reading.curve.sample(frac=1.0, random_state=1)
    assert first.equals(guyot(shuffled.time, shuffled.survival, *arguments, warn=False))
    without_origin = reading.curve.iloc[1:]
    assert first.equals(guyot(without_origin.time, without_origin.survival, *arguments, warn=False))


def test_guyot_cleans_a_wobbly_digitised_curve() -> None:
    # A rise in survival and a small overshoot above 1 are reading errors, not data.
    clean = guyot([0, 1, 2, 3], [1.0, 0.81, 0.81, 0.6], risk_time=[0], n_risk=[20])
    with pytest.warns(CleaningWarning, match="survival above 1"):
        wobbly = guyot([0, 1, 2, 3], [1.01, 0.8, 0.82, 0.6], risk_time=[0], n_risk=[20])
    assert clean.equals(wobbly)
    assert [change.what for change in wobbly.attrs["changes"]] == ["survival above 1", "upward step"]


def test_guyot_scales_about_linearly() -> None:
    # 100 000 patients must not take longer than a fraction of a second (no loop over patients).
    trial = simulate_trial(100_000, hazard_ratio=0.8, dropout_rate=0.01, seed=2)
    reading = published_figure(trial, risk_every=6.0, until=60.0)["control"]
    start = time.perf_counter()
    table = (reading.at_risk.time, reading.at_risk.n_risk)
    rebuilt = guyot(reading.curve.time, reading.curve.survival, *table, total_events=reading.events, warn=False)
    assert time.perf_counter() - start < 0.5
    assert len(rebuilt) == 100_000


GOOD = {"km_time": [0, 1, 2, 3], "km_surv": [1.0, 0.9, 0.8, 0.7], "risk_time": [0, 2], "n_risk": [10, 7]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"km_surv": [1.0, 0.9, 0.8]}, "4 times but 3 survival values"),
        ({"n_risk": [10]}, "2 times but 1 numbers at risk"),
        ({"km_surv": [1.0, math.nan, 0.8, 0.7]}, "km_surv.*row 1"),
        ({"km_time": [0, 1, math.inf, 3]}, "km_time.*row 2"),
        ({"km_time": [0, -1, 2, 3]}, "km_time.*row 1.*negative"),
        ({"km_surv": [1.0, 0.9, 1.3, 0.7]}, "km_surv.*row 2.*outside"),
        ({"km_surv": [1.0, 0.9, -0.3, 0.7]}, "km_surv.*row 2"),
        ({"km_time": [], "km_surv": []}, "no points"),
        ({"n_risk": [10, 12]}, "n_risk.*row 1.*cannot increase"),
        ({"n_risk": [10, 6.5]}, "n_risk.*row 1.*whole"),
        ({"n_risk": [0, 0]}, "no patients"),
        ({"risk_time": [1, 2]}, "risk_time.*row 0.*start at time 0"),
        ({"risk_time": [0, 0]}, "risk_time.*row 1.*not later"),
        ({"total_events": 11}, "total_events"),
        ({"total_events": -1}, "total_events"),
        ({"total_events": 2.5}, "total_events"),
    ],
)
def test_guyot_refuses_bad_input(change: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        guyot(**{**GOOD, **change})  # type: ignore[arg-type]


def test_guyot_refuses_a_table_that_cannot_belong_to_the_curve() -> None:
    # Half the arm has had the event by month 5, yet 90 of 100 are said to be at risk then:
    # the other arm's row, say.
    with pytest.raises(DataError, match="do not belong to this curve"):
        guyot([0, 1, 2, 3, 4, 5, 6], [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5], risk_time=[0, 5], n_risk=[100, 90])


# ---------------------------------------------------------------------------------------------
# Total events, and a figure cut before the last follow-up
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_accrual() -> pd.DataFrame:
    """Accrual over 52 of 61 months: censoring is administrative and spread over all the follow-up."""
    return simulate_trial(1100, 1.11, accrual_months=52, followup_months=9, seed=0, control_median_months=100)


def test_events_after_the_end_of_a_cut_figure_are_kept_in_the_risk_sets(long_accrual: pd.DataFrame) -> None:
    figure = published_figure(long_accrual, risk_every=6.0, until=54.0)
    rebuilt = []
    for arm, reading in figure.items():
        table = reading.at_risk
        patients = guyot(
            reading.curve.time, reading.curve.survival, table.time, table.n_risk, reading.events, warn=False
        )
        truth = long_accrual[long_accrual.arm == arm]
        assert int(patients.event.sum()) == reading.events
        # The curve shows only the events up to month 54; the others come after it.
        shown = int(truth.event[truth.time <= 54].sum())
        assert abs(int(patients.event[patients.time <= 54].sum()) - shown) <= 2
        assert (patients.time[patients.time > 54] > 54).all() and (patients.time > 54).sum() == table.n_risk.iloc[-1]
        np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, table.time), table.n_risk)
        assert patients.attrs["changes"][-1].what == "total events"
        rebuilt.append(patients.assign(arm=arm))
    data = pd.concat(rebuilt)
    true_hr = survival.cox_hazard_ratio(long_accrual.time, long_accrual.event, long_accrual.arm, reference="control")
    rebuilt_hr = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="control")
    # Before this rule the events after month 54 were lost and the error was 0.025 on this trial.
    assert abs(rebuilt_hr.log_hr - true_hr.log_hr) < 0.01


def test_a_total_below_the_curve_removes_events_everywhere_and_keeps_the_table(known_trial: pd.DataFrame) -> None:
    reading = published_figure(known_trial, risk_every=6.0)["control"]
    table = reading.at_risk
    plain = guyot(reading.curve.time, reading.curve.survival, table.time, table.n_risk, warn=False)
    fewer = int(plain.event.sum()) - 12
    rebuilt = guyot(reading.curve.time, reading.curve.survival, table.time, table.n_risk, fewer, warn=False)
    assert int(rebuilt.event.sum()) == fewer
    np.testing.assert_array_equal(survival.number_at_risk(rebuilt.time, rebuilt.event, table.time), table.n_risk)
    # Removed in proportion to the events: from several intervals, not only the last.
    edges = np.append(table.time, np.inf)
    removed = (
        np.histogram(plain.time[plain.event == 1], edges)[0] - np.histogram(rebuilt.time[rebuilt.event == 1], edges)[0]
    )
    assert (removed > 0).sum() >= 3 and removed.sum() == 12


def test_a_row_whose_interval_holds_no_drop_still_counts() -> None:
    # 20 patients, 2 events at each of months 1, 2 and 3, then a flat curve to month 10.
    # The table's rows at months 4 and 6 lie in the flat stretch: 1 censored before month 4,
    # 3 between months 4 and 6, 4 between months 6 and 10. Each interval gets its own, spread
    # evenly from the row's time (these rows used to be dropped: 8 spread over months 3-10).
    time, level = [0, 1, 2, 3, 10], [1.0, 0.9, 0.8, 0.7, 0.7]
    table_time, table_n = [0, 4, 6, 10], [20, 13, 10, 6]
    patients = guyot(time, level, table_time, table_n, warn=False)
    np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, table_time), table_n)
    assert patients.time[patients.event == 1].tolist() == [1, 1, 2, 2, 3, 3]
    censored = patients.time[patients.event == 0]
    np.testing.assert_allclose(censored[(censored >= 4) & (censored < 6)], [4.5, 5.0, 5.5])
    np.testing.assert_allclose(censored[(censored >= 6) & (censored < 10)], [6.8, 7.6, 8.4, 9.2])


def test_censorings_are_spread_from_the_row_not_from_the_first_drop_after_it() -> None:
    # No drop before month 21; 90 at risk at month 12 and 68 at month 24: 3 events and 19
    # censored between. The 19 are spread over months 12-24, as the ideal rebuild assumes,
    # so about 75 are at risk at month 21 and its drop of 1.8% is 1 event. Spread from the
    # first drop instead, all 90 were at risk at month 21 and the drop became 2 events.
    time, level = [0, 21, 23, 30], [1.0, 0.982, 0.964, 0.9]
    patients = guyot(time, level, [0, 12, 24], [100, 90, 68], warn=False)
    censored = patients.time[(patients.event == 0) & (patients.time >= 12) & (patients.time < 24)]
    np.testing.assert_allclose(censored, 12 + np.arange(1, 20) * 12 / 20)
    assert patients.time[(patients.event == 1) & (patients.time < 24)].tolist() == [21.0, 23.0, 23.0]
    np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, [0, 12, 24]), [100, 90, 68])


def test_a_curve_that_drops_more_than_the_table_allows_loses_events_not_patients() -> None:
    # The curve falls by 10% before month 5, but the table leaves 92 of 100 at risk there:
    # at most 8 events, with nobody censored. The table is exact, the reading is not: two
    # events go (where rounding added most) and the numbers at risk still match.
    time, level = [0, 1, 2, 3, 4, 10], [1.0, 0.975, 0.95, 0.925, 0.9, 0.8]
    with pytest.warns(CleaningWarning, match="numbers at risk"):
        patients = guyot(time, level, [0, 5], [100, 92])
    np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, [0, 5]), [100, 92])
    assert int(patients.event[patients.time < 5].sum()) == 8
    assert (patients.time[patients.time < 5] > 0).all() and (patients.event[patients.time < 5] == 1).all()
    (change,) = [change for change in patients.attrs["changes"] if change.what == "numbers at risk"]
    assert "2 events removed" in change.how_much and "row 1" in change.where


def test_real_looking_input_is_cleaned_not_refused() -> None:
    # What a digitiser gives: a first click left of the axis, percent, a small overshoot, a rise.
    time_read = [-0.512, 1.8, 12.0, 24.6, 24.0, 36.0, 48.0, 60.0]
    survival_read = [100.4, 99.0, 90.0, 80.5, 81.0, 70.0, 70.8, 50.0]
    with pytest.warns(CleaningWarning) as caught:
        patients = guyot(time_read, survival_read, risk_time=[0, 30], n_risk=[100, 72], total_events=45)
    message = str(caught[0].message)
    for what in ("percent", "negative time", "survival above 1", "order", "upward step"):
        assert what in message
    assert len(patients) == 100 and int(patients.event.sum()) == 45


def test_no_warning_when_asked_not_to_or_nothing_changed() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        guyot([0, 1, 2], [1.0, 0.9, 0.8], risk_time=[0], n_risk=[10])
        guyot([-0.01, 1, 2], [1.0, 0.9, 0.8], risk_time=[0], n_risk=[10], warn=False)


# ---------------------------------------------------------------------------------------------
# Chapter 4 shows Guyot's core step in the open: the same lines must give the package's counts
# ---------------------------------------------------------------------------------------------

CHAPTER = Path(__file__).resolve().parents[1] / "book" / "05-reconstruction.ipynb"


def chapter_core_step() -> str:
    cells = json.loads(CHAPTER.read_text())["cells"]
    (source,) = ["".join(cell["source"]) for cell in cells if "# Guyot's core step" in "".join(cell["source"])]
    return source


@pytest.mark.parametrize(("seed", "reading_error", "risk_every"), [(4, 0.002, 6.0), (11, 0.0, 6.0), (5, 0.004, 12.0)])
def test_the_chapter_core_step_gives_the_package_counts(seed: int, reading_error: float, risk_every: float) -> None:
    trial = simulate_trial(250, hazard_ratio=0.7, dropout_rate=0.01, seed=seed)
    reading = published_figure(trial, risk_every=risk_every, reading_error=reading_error, seed=seed)
    namespace: dict[str, object] = {"np": np, "reading": reading}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(chapter_core_step(), namespace)  # noqa: S102 - the chapter's own lines, run as the reader runs them
    control = reading["control"]
    table = control.at_risk
    package = guyot(control.curve.time, control.curve.survival, table.time, table.n_risk, warn=False)
    first = package[package.time < table.time[1]]
    assert int(namespace["first_events"].sum()) == int(first.event.sum())  # type: ignore[attr-defined]
    assert int(namespace["first_censored"].sum()) == int((first.event == 0).sum())  # type: ignore[attr-defined]
    assert namespace["first_left"] == table.n_risk[1]


def test_a_real_digitised_curve_is_rebuilt_to_its_published_median() -> None:
    # Bonner et al. 2006, radiotherapy alone, as read by the authors of IPDfromKM (data/digitised/README.md).
    folder = Path(__file__).resolve().parents[1] / "data" / "digitised"
    curve = read_curve_csv(folder / "bonner2006_radiotherapy_curve.csv")
    table = read_risk_csv(folder / "bonner2006_radiotherapy_risk.csv")
    paper = pd.read_csv(folder / "published.csv").set_index(["key", "arm"]).value
    patients = guyot(curve.time, curve.survival, table.time, table.n_risk, warn=False)
    assert len(patients) == paper["n_randomized", "radiotherapy"]
    np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, table.time), table.n_risk)
    assert {"percent", "negative time", "upward step"} <= {change.what for change in patients.attrs["changes"]}
    rebuilt_median = survival.kaplan_meier(patients.time, patients.event).query("survival <= 0.5").time.iloc[0]
    assert abs(rebuilt_median - paper["median_locoregional_control_months", "radiotherapy"]) < 0.5
