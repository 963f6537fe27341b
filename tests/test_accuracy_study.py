"""Tests of scripts/accuracy_study.py and its committed data (data/reconstructed/accuracy_study*.csv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import accuracy_study  # scripts/ is on the path (tests/conftest.py)
from alexandra import reconstruction, survival

N_TRIALS = len(accuracy_study.SCENARIOS)  # one trial of each scenario


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("study") / "study.csv"
    accuracy_study.main(["--trials", str(N_TRIALS), "--out", str(out), "--jobs", "1"])
    return out


def test_the_study_writes_every_method_on_every_scenario(small_study: Path) -> None:
    assert small_study.read_text().splitlines()[0] == (
        f"# made by: python scripts/accuracy_study.py --trials {N_TRIALS} --out {small_study}"
    )
    rows = pd.read_csv(small_study, comment="#")
    assert set(rows.scenario) == set(accuracy_study.SCENARIOS)
    expected = N_TRIALS * (len(accuracy_study.METHODS) - 1) + len(accuracy_study.AGGREGATE_SCENARIOS)
    assert len(rows) == expected
    np.testing.assert_allclose(rows.log_hr_error, rows.log_hr - rows.log_hr_true, atol=1e-5)
    # With the table and the totals, Guyot rebuilds the events of each trial to within a few.
    with_table = rows[rows.method == "guyot_risk_table"]
    assert ((with_table.events - with_table.events_true).abs() <= 0.02 * with_table.events_true + 2).all()
    summary = pd.read_csv(accuracy_study.summary_path(small_study), comment="#")
    overall = summary[summary.grouping == "all"].set_index("method")
    errors = with_table.log_hr_error.abs()
    assert overall.loc["guyot_risk_table", "log_hr_median_abs_error"] == pytest.approx(errors.median(), rel=1e-4)
    assert overall.loc["guyot_risk_table", "log_hr_max_abs_error"] == pytest.approx(errors.max(), rel=1e-4)
    # The digitised curve's own gap is the trial's, the same whatever rebuilds it.
    assert (rows.groupby("trial").km_max_difference_reading.nunique() == 1).all()
    reading_gap = with_table.km_max_difference_reading
    assert overall.loc["guyot_risk_table", "km_reading_difference_median"] == pytest.approx(
        reading_gap.median(), rel=1e-4
    )


def test_the_committed_study_was_made_by_this_code(small_study: Path) -> None:
    committed_path = accuracy_study.DEFAULT_OUT
    assert (
        committed_path.read_text().splitlines()[0].startswith("# made by: python scripts/accuracy_study.py --trials ")
    )
    committed = pd.read_csv(committed_path, comment="#")
    assert committed.trial.nunique() >= 400
    rows = pd.read_csv(small_study, comment="#")
    same_trials = committed[committed.trial < N_TRIALS].reset_index(drop=True)
    # Not byte for byte: floating-point sums differ in their last bits between processors
    # (vector instruction sets), so the numbers are compared to a tolerance. Guyot's rebuild
    # and the truth agree to 1e-6; the aggregate route is a calibration on drawn patients,
    # which turns last bits into visible changes, so it gets the tolerances of a regenerated
    # pseudo-IPD (alexandra.reconstruction.REGENERATION_TOLERANCES).
    calibrated = (same_trials.method == "from_aggregates").to_numpy()
    assert calibrated.any() and (~calibrated).any()
    pd.testing.assert_frame_equal(same_trials[~calibrated], rows[~calibrated], check_exact=False, rtol=1e-6, atol=1e-6)
    allowed = reconstruction.REGENERATION_TOLERANCES
    tolerance = {
        "log_hr": allowed["hazard_ratio"],
        "log_hr_error": allowed["hazard_ratio"],
        "se": allowed["hazard_ratio_limit"],
        "se_ratio": allowed["hazard_ratio_limit"],
        "km_max_difference": allowed["km_gap"],
        "km_mean_difference": allowed["km_gap"],
        "logrank_p": allowed["logrank_p"],
        "p_difference": allowed["logrank_p"],
    }
    numbers = same_trials.select_dtypes("number").columns
    for column in numbers:
        np.testing.assert_allclose(
            rows.loc[calibrated, column],
            same_trials.loc[calibrated, column],
            rtol=0,
            atol=tolerance.get(column, 1e-6),
            err_msg=column,
        )
    exact = same_trials.columns.difference(numbers)
    pd.testing.assert_frame_equal(same_trials.loc[calibrated, exact], rows.loc[calibrated, exact])


def test_the_reading_gap_is_what_the_reading_gets_wrong_and_the_rebuild_inherits() -> None:
    plan = accuracy_study.design(3)  # 40 per arm: fewer drops than points read, so none merge
    trial = accuracy_study.simulate(plan)
    end = accuracy_study.figure_end(trial, accuracy_study.SCENARIOS[plan.scenario].risk_every)
    assert accuracy_study.reading_km_gap(trial, plan, end, exact=True) == pytest.approx(0.0, abs=1e-12)
    read_gap = accuracy_study.reading_km_gap(trial, plan, end)
    assert read_gap > 0.01  # a step read a fraction of a month off is a gap of a whole step
    # Rebuilt from the exact reading, the curves are the true ones up to where censorings fall;
    # from the reading with errors, they stray about as far as the reading does.
    exact = accuracy_study.reconstruct("guyot_exact_reading", trial, plan, end)
    read = accuracy_study.reconstruct("guyot_risk_table", trial, plan, end)
    assert accuracy_study.km_differences(trial, exact, end)[0] < 0.5 * read_gap
    assert accuracy_study.km_differences(trial, read, end)[0] == pytest.approx(read_gap, abs=0.02)


def test_the_rebuild_inside_the_figure_is_spliced_to_the_ideal_after_it() -> None:
    plan = accuracy_study.design(1)  # dropout: patients still at risk where the figure stops
    trial = accuracy_study.simulate(plan)
    end = accuracy_study.figure_end(trial, accuracy_study.SCENARIOS[plan.scenario].risk_every)
    spliced = accuracy_study.reconstruct("guyot_exact_in_figure", trial, plan, end)
    rebuilt = accuracy_study.reconstruct("guyot_exact_reading", trial, plan, end)
    ideal = accuracy_study.reconstruct("ideal", trial, plan, end)
    for arm, truth in trial.groupby("arm"):
        mine = spliced[spliced.arm == arm]
        assert len(mine) == len(truth)
        assert survival.number_at_risk(mine.time, mine.event, [end])[0] > 0
        before, after = mine[mine.time < end], mine[mine.time >= end]
        inside = rebuilt[(rebuilt.arm == arm) & (rebuilt.time < end)]
        outside = ideal[(ideal.arm == arm) & (ideal.time >= end)]
        pd.testing.assert_frame_equal(before.reset_index(drop=True), inside.reset_index(drop=True))
        pd.testing.assert_frame_equal(after.reset_index(drop=True), outside.reset_index(drop=True))


def test_the_ideal_rebuild_keeps_events_and_moves_censorings_within_their_interval() -> None:
    truth = pd.DataFrame({"time": [1.0, 2.0, 2.5, 3.0, 7.0, 8.0, 9.0], "event": [1, 0, 0, 1, 0, 1, 0]})
    ideal = accuracy_study.ideal(truth, np.array([0.0, 5.0]))
    assert sorted(ideal.time[ideal.event == 1]) == [1.0, 3.0, 8.0]
    # Two censorings in [0, 5) at 5/3 and 10/3; two in [5, 9] at 19/3 and 23/3.
    np.testing.assert_allclose(sorted(ideal.time[ideal.event == 0]), [5 / 3, 10 / 3, 19 / 3, 23 / 3])
