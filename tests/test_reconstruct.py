"""Tests of alexandra.reconstruct: Guyot's algorithm, pseudo-data from aggregates, ALEXANDRA."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from alexandra import published, survival
from alexandra.errors import DataError
from alexandra.reconstruct import SIMULATED_STRATA, PseudoIPD, alexandra_pseudo_ipd, from_aggregates, guyot
from alexandra.simulate import published_figure, simulate_trial

# =============================================================================================
# Guyot
# =============================================================================================


@pytest.fixture(scope="module")
def known_trial() -> pd.DataFrame:
    """A simulated trial whose patients are the truth the reconstruction is judged against."""
    return simulate_trial(500, hazard_ratio=0.7, baseline="weibull", dropout_rate=0.01, seed=31)


def rebuild(trial: pd.DataFrame, with_table: bool = True, **figure: object) -> pd.DataFrame:
    arms = []
    for arm, reading in published_figure(trial, **figure).items():  # type: ignore[arg-type]
        risk_time, n_risk = (reading.at_risk.time, reading.at_risk.n_risk) if with_table else ([0.0], [reading.n])
        patients = guyot(reading.curve.time, reading.curve.survival, risk_time, n_risk, reading.events)
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
        rebuilt = guyot(reading.curve.time, reading.curve.survival, reading.at_risk.time, reading.at_risk.n_risk)
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
    first = guyot(reading.curve.time, reading.curve.survival, *arguments)
    assert first.equals(guyot(reading.curve.time, reading.curve.survival, *arguments))
    shuffled = reading.curve.sample(frac=1.0, random_state=1)
    assert first.equals(guyot(shuffled.time, shuffled.survival, *arguments))
    without_origin = reading.curve.iloc[1:]
    assert first.equals(guyot(without_origin.time, without_origin.survival, *arguments))


def test_guyot_cleans_a_wobbly_digitised_curve() -> None:
    # A rise in survival and a small overshoot above 1 are reading errors, not data.
    clean = guyot([0, 1, 2, 3], [1.0, 0.8, 0.8, 0.6], risk_time=[0], n_risk=[20])
    wobbly = guyot([0, 1, 2, 3], [1.01, 0.8, 0.82, 0.6], risk_time=[0], n_risk=[20])
    assert clean.equals(wobbly)


def test_guyot_scales_about_linearly() -> None:
    # 100 000 patients must not take longer than a fraction of a second (no loop over patients).
    trial = simulate_trial(100_000, hazard_ratio=0.8, dropout_rate=0.01, seed=2)
    reading = published_figure(trial, risk_every=6.0, until=60.0)["control"]
    start = time.perf_counter()
    table = (reading.at_risk.time, reading.at_risk.n_risk)
    rebuilt = guyot(reading.curve.time, reading.curve.survival, *table, total_events=reading.events)
    assert time.perf_counter() - start < 1.0
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
        ({"km_surv": [100, 90, 80, 70]}, "km_surv.*row 0.*percentages"),
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


# =============================================================================================
# From aggregates
# =============================================================================================

def aggregates_of(trial: pd.DataFrame, at_risk_month: float, enrolment: float, cut: float) -> dict[str, object]:
    """What a paper that prints no figure would say about a trial."""
    arms = list(dict.fromkeys(trial.arm))
    followup = {}
    for arm in arms:
        result = survival.reverse_km_followup(trial.time[trial.arm == arm], trial.event[trial.arm == arm])
        followup[arm] = (result.median, result.q1, result.q3)
    return {
        "n": {arm: int((trial.arm == arm).sum()) for arm in arms},
        "events": {arm: int(trial.event[trial.arm == arm].sum()) for arm in arms},
        "followup": followup,
        "enrolment_months": enrolment,
        "data_cut_months": cut,
        "at_risk": (at_risk_month, int(survival.number_at_risk(trial.time, trial.event, [at_risk_month])[0])),
    }


# A trial with known patients (uniform accrual over 30 months, analysis at 48) and what its paper says.
SOURCE = simulate_trial(
    600, 0.8, accrual_months=30, followup_months=18, dropout_rate=0.01, seed=8, control_median_months=60
)
SOURCE_HR = survival.cox_hazard_ratio(SOURCE.time, SOURCE.event, SOURCE.arm, reference="control").hr
AGGREGATES = aggregates_of(SOURCE, at_risk_month=42.0, enrolment=30.0, cut=48.0)


@pytest.fixture(scope="module")
def pseudo() -> PseudoIPD:
    return from_aggregates(**AGGREGATES, hazard_ratio=SOURCE_HR, reference="control", seed=5)  # type: ignore[arg-type]


def test_from_aggregates_meets_its_constraints(pseudo: PseudoIPD) -> None:
    data = pseudo.data
    assert data.groupby("arm").event.sum().to_dict() == AGGREGATES["events"]
    assert data.arm.value_counts().to_dict() == AGGREGATES["n"]
    # The model gives both arms one accrual; in this small source trial the arms' follow-up
    # differs by chance by about a month, which the rebuild can only split: allow 1.5 months.
    for arm, (median, q1, q3) in AGGREGATES["followup"].items():  # type: ignore[attr-defined]
        patients = data[data.arm == arm]
        achieved = survival.reverse_km_followup(patients.time, patients.event)
        assert achieved.median == pytest.approx(median, abs=1.5)
        assert achieved.q1 == pytest.approx(q1, abs=1.5)
        assert achieved.q3 == pytest.approx(q3, abs=1.5)
    at_risk_month, at_risk = AGGREGATES["at_risk"]  # type: ignore[misc]
    assert survival.number_at_risk(data.time, data.event, [at_risk_month])[0] == pytest.approx(at_risk, abs=15)
    assert data.time.max() <= 48.0
    hazard_ratio = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="control")
    assert hazard_ratio.hr == pytest.approx(SOURCE_HR, abs=0.005)


def test_constraint_table_reports_what_the_data_show(pseudo: PseudoIPD) -> None:
    table = pseudo.constraints.set_index("constraint")
    assert list(pseudo.constraints.columns) == ["constraint", "target", "achieved", "difference", "role"]
    new = pseudo.data[pseudo.data.arm == "experimental"]
    assert table.loc["events[experimental]", "achieved"] == new.event.sum()
    assert table.loc["followup_q3[experimental]", "achieved"] == survival.reverse_km_followup(new.time, new.event).q3
    assert table.loc["at_risk_42_months[both arms]", "target"] == AGGREGATES["at_risk"][1]  # type: ignore[index]
    np.testing.assert_allclose(table.difference, table.achieved - table.target)
    assert table.loc["hazard_ratio", "role"] == "forced"


def test_from_aggregates_is_deterministic_given_the_seed(pseudo: PseudoIPD) -> None:
    again = from_aggregates(**AGGREGATES, hazard_ratio=SOURCE_HR, reference="control", seed=5)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(again.data, pseudo.data)
    other = from_aggregates(**AGGREGATES, seed=6)  # type: ignore[arg-type]
    assert not other.data.time.equals(pseudo.data.time)


def test_without_a_hazard_ratio_both_arms_share_one_dropout_rate() -> None:
    result = from_aggregates(**AGGREGATES, accrual_shape=(1.0, 1.0), seed=3)  # type: ignore[arg-type]
    parameters = result.parameters.set_index("parameter")
    assert parameters.loc["dropout_rate[control]", "value"] == parameters.loc["dropout_rate[experimental]", "value"]
    assert parameters.loc["accrual_shape_a", ["value", "how"]].tolist() == [1.0, "given"]
    assert result.constraints.set_index("constraint").loc["hazard_ratio", "role"] == "not a target"
    assert result.data.groupby("arm").event.sum().to_dict() == AGGREGATES["events"]


def test_weibull_shape_is_fitted_to_landmark_survival() -> None:
    landmark = {
        arm: (24.0, float(survival.kaplan_meier(group.time, group.event, at=[24.0]).survival.iloc[0]))
        for arm, group in SOURCE.groupby("arm")
    }
    result = from_aggregates(
        **AGGREGATES, event_distribution="weibull", landmark_survival=landmark, seed=2  # type: ignore[arg-type]
    )
    for arm, (months, target) in landmark.items():
        patients = result.data[result.data.arm == arm]
        curve = survival.kaplan_meier(patients.time, patients.event, at=[months])
        assert curve.survival.iloc[0] == pytest.approx(target, abs=0.02)
    assert result.parameters.set_index("parameter").loc["event_shape", "how"] == "fitted"


def test_simulated_strata_are_flagged_balanced_and_leave_the_data_alone(pseudo: PseudoIPD) -> None:
    with_strata = from_aggregates(
        **AGGREGATES, hazard_ratio=SOURCE_HR, reference="control", seed=5, with_strata=True  # type: ignore[arg-type]
    )
    assert with_strata.simulated_columns == tuple(SIMULATED_STRATA)
    assert pseudo.simulated_columns == ()
    pd.testing.assert_frame_equal(with_strata.data[["time", "event", "arm"]], pseudo.data)
    for column, shares in SIMULATED_STRATA.items():
        counts = with_strata.data.groupby("arm", observed=True)[column].value_counts()
        for arm in AGGREGATES["n"]:  # type: ignore[attr-defined]
            for level, share in shares.items():
                assert abs(counts[(arm, level)] - share * AGGREGATES["n"][arm]) <= 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"events": {"control": 150}}, "events.*differ"),
        ({"followup": {"control": (30.0, 22.0, 60.0), "experimental": (30.5, 22.5, 38.5)}}, "followup"),
        ({"events": {"control": 700, "experimental": 120}}, "events\\['control'\\]"),
        ({"followup": {"control": (30.0, 35.0, 38.0), "experimental": (30.5, 22.5, 38.5)}}, "out of order"),
        ({"followup": {"control": (30.0, 22.0), "experimental": (30.5, 22.5, 38.5)}}, "median, q1, q3"),
        ({"data_cut_months": 20.0}, "data_cut_months"),
        ({"at_risk": (42.0, 5000)}, "at_risk"),
        ({"n": {"control": 600, "experimental": 600, "third": 600}}, "exactly two"),
        ({"reference": "placebo"}, "reference"),
        ({"event_distribution": "gompertz"}, "event_distribution"),
        ({"event_distribution": "weibull"}, "weibull_shape"),
        ({"weibull_shape": 0.8}, "weibull_shape"),
        ({"accrual_shape": (0.0, 1.0)}, "accrual_shape"),
        ({"hazard_ratio": -1.0}, "hazard_ratio"),
    ],
)
def test_from_aggregates_refuses_impossible_aggregates(change: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        from_aggregates(**{**AGGREGATES, **change})  # type: ignore[arg-type]


# =============================================================================================
# ALEXANDRA
# =============================================================================================


@pytest.fixture(scope="module")
def alexandra() -> PseudoIPD:
    return alexandra_pseudo_ipd()


def test_alexandra_pseudo_data_reproduce_the_published_numbers(alexandra: PseudoIPD) -> None:
    data = alexandra.data
    for arm in published.ARMS:
        patients = data[data.arm == arm]
        assert len(patients) == published.get("n_randomized", arm=arm).number
        assert patients.event.sum() == published.get("idfs_events", arm=arm).number
        followup = published.get("median_followup_months", arm=arm)
        achieved = survival.reverse_km_followup(patients.time, patients.event)
        assert achieved.median == pytest.approx(followup.number, abs=1.0)
        assert achieved.q1 == pytest.approx(followup.lower, abs=1.0)
        assert achieved.q3 == pytest.approx(followup.upper, abs=1.0)
    at_48 = survival.number_at_risk(data.time, data.event, [published.get("km_truncation_months").number])[0]
    assert at_48 == pytest.approx(published.get("at_risk_at_truncation").number, abs=10)
    published_hr = published.get("idfs_hr_stratified")
    hazard_ratio = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="chemotherapy")
    assert hazard_ratio.hr == pytest.approx(published_hr.number, abs=0.005)
    assert hazard_ratio.lower == pytest.approx(published_hr.lower, abs=0.02)
    assert hazard_ratio.upper == pytest.approx(published_hr.upper, abs=0.02)
    p_value = survival.logrank_test(data.time, data.event, data.arm, reference="chemotherapy").p_value
    assert p_value == pytest.approx(published.get("idfs_logrank_p").number, abs=0.03)
    # The data cut bounds follow-up: 2 Aug 2018 to 18 Aug 2023 is about 60.5 months.
    assert data.time.max() < 60.6


def test_alexandra_pseudo_data_are_deterministic_given_the_seed(alexandra: PseudoIPD) -> None:
    pd.testing.assert_frame_equal(alexandra_pseudo_ipd(seed=2025).data, alexandra.data)
    assert not alexandra_pseudo_ipd(seed=7).data.equals(alexandra.data)


def test_alexandra_assumptions_can_be_changed_but_not_invented() -> None:
    unforced = alexandra_pseudo_ipd(hazard_ratio=None)
    assert unforced.constraints.set_index("constraint").loc["hazard_ratio", "role"] == "not a target"
    with pytest.raises(DataError, match="hazard_ratios"):
        alexandra_pseudo_ipd(hazard_ratios=1.2)


# =============================================================================================
# The accuracy study (scripts/accuracy_study.py, data/reconstructed/accuracy_study*.csv)
# =============================================================================================


def test_accuracy_study_regenerates_its_committed_data(tmp_path: pd.DataFrame) -> None:
    import accuracy_study  # scripts/ is on the path (tests/conftest.py)

    out = tmp_path / "study.csv"  # type: ignore[operator]
    accuracy_study.main(["--trials", "3", "--out", str(out), "--jobs", "1"])
    assert out.read_text().splitlines()[0] == f"# made by: python scripts/accuracy_study.py --trials 3 --out {out}"
    rows = pd.read_csv(out, comment="#")
    assert len(rows) == 3 * len(accuracy_study.METHODS)
    measured = {"log_hr_error", "se_ratio", "km_max_difference", "p_difference"}
    assert {"trial", "setting", "baseline", "n_total", "method", *measured} <= set(rows.columns)
    with_table = rows[rows.method == "guyot_risk_table"]
    assert (with_table.log_hr_error.abs() < 0.05).all()
    np.testing.assert_allclose(rows.log_hr_error, rows.log_hr - rows.log_hr_true, atol=1e-5)
    summary = pd.read_csv(accuracy_study.summary_path(out), comment="#")
    overall = summary[summary.grouping == "all"].set_index("method")
    mean_absolute_error = with_table.log_hr_error.abs().mean()
    assert overall.loc["guyot_risk_table", "log_hr_mae"] == pytest.approx(mean_absolute_error, rel=1e-4)

    # The committed study was made by the same code: its first trials are these.
    committed_path = accuracy_study.DEFAULT_OUT
    first_line = committed_path.read_text().splitlines()[0]
    assert first_line.startswith("# made by: python scripts/accuracy_study.py --trials ")
    committed = pd.read_csv(committed_path, comment="#")
    assert committed.trial.nunique() >= 200
    same_trials = committed[committed.trial < 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(same_trials, rows, check_exact=False, rtol=1e-4)
