"""Tests of alexandra.reconstruction: pseudo-data from published aggregates, and ALEXANDRA's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alexandra import published, survival
from alexandra.design import ASSESSMENT_MONTHS, reported_followup
from alexandra.errors import DataError
from alexandra.reconstruction import SIMULATED_STRATA, PseudoIPD, from_aggregates, simulate_trial
from alexandra.trial import alexandra_pseudo_ipd


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
        # The source trial is simulated without visits: its censored patients were followed to the cut.
        "assessment_months": None,
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
        achieved = reported_followup(data[data.arm == arm])
        assert achieved.median == pytest.approx(median, abs=1.5)
        assert achieved.q1 == pytest.approx(q1, abs=1.5)
        assert achieved.q3 == pytest.approx(q3, abs=1.5)
    at_risk_month, at_risk = AGGREGATES["at_risk"]  # type: ignore[misc]
    # Drawn once from the fit of expected values, the number at risk varies by about its square root between
    # seeds (93 to 117 for seeds 5 to 9 against 109): three times that is the tolerance.
    tolerance = 3 * at_risk**0.5
    assert survival.number_at_risk(data.time, data.event, [at_risk_month])[0] == pytest.approx(at_risk, abs=tolerance)
    assert data.time.max() <= 48.0
    hazard_ratio = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="control")
    assert hazard_ratio.hr == pytest.approx(SOURCE_HR, abs=0.005)


def test_constraint_table_reports_what_the_data_show(pseudo: PseudoIPD) -> None:
    table = pseudo.constraints.set_index("constraint")
    assert list(pseudo.constraints.columns) == ["constraint", "target", "achieved", "difference", "role"]
    new = pseudo.data[pseudo.data.arm == "experimental"]
    assert table.loc["events[experimental]", "achieved"] == new.event.sum()
    assert table.loc["followup_q3[experimental]", "achieved"] == reported_followup(new).q3
    assert table.loc["at_risk_42_months[both arms]", "target"] == AGGREGATES["at_risk"][1]  # type: ignore[index]
    np.testing.assert_allclose(table.difference, table.achieved - table.target)
    assert table.loc["hazard_ratio", "role"] == "forced"


def test_from_aggregates_is_deterministic_given_the_seed(pseudo: PseudoIPD) -> None:
    again = from_aggregates(**AGGREGATES, hazard_ratio=SOURCE_HR, reference="control", seed=5)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(again.data, pseudo.data)
    other = from_aggregates(**AGGREGATES, seed=6)  # type: ignore[arg-type]
    assert not other.data.time.equals(pseudo.data.time)


def test_without_a_hazard_ratio_both_arms_share_one_loss_rate() -> None:
    result = from_aggregates(**AGGREGATES, enrolment_shape=(0.0, 1.0, 1.0), seed=3)  # type: ignore[arg-type]
    parameters = result.parameters.set_index("parameter")
    assert parameters.loc["annual_loss[control]", "value"] == parameters.loc["annual_loss[experimental]", "value"]
    assert parameters.loc["annual_loss[control]", "how"] == "fitted"
    assert parameters.loc["enrolment_ramp_months", ["value", "how"]].tolist() == [0.0, "given"]
    assert parameters.loc["enrolment_end_rate", ["value", "how"]].tolist() == [1.0, "given"]
    assert result.constraints.set_index("constraint").loc["hazard_ratio", "role"] == "not a target"
    assert result.data.groupby("arm").event.sum().to_dict() == AGGREGATES["events"]


def test_weibull_shape_is_fitted_to_landmark_survival() -> None:
    landmark = {
        arm: (24.0, float(survival.kaplan_meier(group.time, group.event, at=[24.0]).survival.iloc[0]))
        for arm, group in SOURCE.groupby("arm")
    }
    result = from_aggregates(
        **AGGREGATES,
        event_distribution="weibull",
        landmark_survival=landmark,
        seed=2,  # type: ignore[arg-type]
    )
    for arm, (months, target) in landmark.items():
        patients = result.data[result.data.arm == arm]
        curve = survival.kaplan_meier(patients.time, patients.event, at=[months])
        assert curve.survival.iloc[0] == pytest.approx(target, abs=0.02)
    assert result.parameters.set_index("parameter").loc["event_shape", "how"] == "fitted"


def test_simulated_strata_are_flagged_balanced_and_leave_the_data_alone(pseudo: PseudoIPD) -> None:
    with_strata = from_aggregates(
        **AGGREGATES,
        hazard_ratio=SOURCE_HR,
        reference="control",
        seed=5,
        with_strata=True,  # type: ignore[arg-type]
    )
    assert with_strata.simulated_columns == tuple(SIMULATED_STRATA)
    assert pseudo.simulated_columns == ()
    pd.testing.assert_frame_equal(with_strata.data[["time", "event", "arm", "last_contact"]], pseudo.data)
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
        ({"enrolment_shape": (0.0, 0.0, 1.0)}, r"enrolment_shape\[1\]"),
        ({"enrolment_shape": (40.0, 1.0, 1.0)}, r"enrolment_shape\[0\]"),
        ({"enrolment_shape": (12.0, 1.0)}, "ramp_months, ramp_power, end_rate"),
        ({"annual_loss": 1.5}, "annual_loss"),
        ({"assessment_months": (6.0, 3.0)}, "assessment_months"),
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
        achieved = reported_followup(patients)
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
    assert data.last_contact.max() < 60.6


def test_event_free_patients_are_censored_at_their_last_assessment(alexandra: PseudoIPD) -> None:
    data = alexandra.data
    censored = data[data.event == 0]
    # Every censoring time is an assessment (or randomisation) and precedes the last contact by less than
    # one interval between assessments (at most 6 months within 5 years).
    assert set(censored.time.round(9)) <= {0.0, *ASSESSMENT_MONTHS}
    assert ((censored.last_contact - censored.time) < 6.0 + 1e-9).all()
    assert (censored.last_contact >= censored.time).all()
    events = data[data.event == 1]
    assert (events.time <= events.last_contact).all()
    # Follow-up runs to the last contact: the reverse Kaplan–Meier median of the censoring times is shorter.
    chemotherapy = data[data.arm == "chemotherapy"]
    assert (
        survival.reverse_km_followup(chemotherapy.time, chemotherapy.event).median
        < reported_followup(chemotherapy).median
    )


def test_alexandra_loss_to_follow_up_is_the_stated_assumption(alexandra: PseudoIPD) -> None:
    parameters = alexandra.parameters.set_index("parameter")
    # The shared risk is the book's assumption; forcing the hazard ratio adds loss on one arm only.
    losses = sorted(parameters.loc[[f"annual_loss[{arm}]" for arm in published.ARMS], "value"])
    assert losses[0] == pytest.approx(0.02)
    assert parameters.loc["annual_loss[chemotherapy]", "how"] == "given"
    assert parameters.loc["loss_difference", "how"] == "forced (hazard ratio)"
    # The fitted enrolment slows before it stops (the published follow-up needs it: see from_aggregates).
    assert parameters.loc["enrolment_end_rate", "value"] < 0.8


def test_alexandra_pseudo_data_are_deterministic_given_the_seed(alexandra: PseudoIPD) -> None:
    pd.testing.assert_frame_equal(alexandra_pseudo_ipd(seed=2025).data, alexandra.data)
    assert not alexandra_pseudo_ipd(seed=7).data.equals(alexandra.data)


def test_alexandra_assumptions_can_be_changed_but_not_invented() -> None:
    unforced = alexandra_pseudo_ipd(hazard_ratio=None)
    assert unforced.constraints.set_index("constraint").loc["hazard_ratio", "role"] == "not a target"
    with pytest.raises(DataError, match="hazard_ratios"):
        alexandra_pseudo_ipd(hazard_ratios=1.2)
