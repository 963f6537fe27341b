"""Tests of alexandra.design: accrual and events in calendar time, simulated interim analyses.

Expected values come from the fact sheet (/work/shared/facts/alexandra.md), from closed forms
worked out by hand below, or from an independent fit (lifelines) — never from the code under test.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import logrank_test
from scipy import stats

from alexandra import design
from alexandra.design import Accrual, Enrolment, FollowUpPlan, SimulatedPatients, TrialModel
from alexandra.errors import DataError
from alexandra.trial import alexandra_trial_model

# Typed from the fact sheet, not read from the package.
START, END, CUTOFF = date(2018, 8, 2), date(2022, 11, 11), date(2023, 8, 18)
PATIENTS = {"atezolizumab": 1101, "chemotherapy": 1098}


# --- Accrual and events -------------------------------------------------------------------


WINDOW = (END - START).days / (365.25 / 12)


def _ramped(annual_loss: float = 0.03) -> Accrual:
    """Enrolment ramping up over 18 months and halving before the stop, with loss to follow-up."""
    shape = Enrolment(WINDOW, ramp_months=18.0, end_rate=0.5)
    return Accrual(START, END, PATIENTS, enrolment=shape, followup=FollowUpPlan(annual_loss=annual_loss))


def test_accrual_shape() -> None:
    uniform = Accrual(START, END, PATIENTS)
    assert uniform.share_enrolled(uniform.window_months * 0.3) == pytest.approx(0.3)
    ramped = _ramped()
    # Ramp area 18/2 = 9, then 33.3 months falling linearly from 1 to 0.5: area 33.3 * 0.75.
    total = 9 + (WINDOW - 18) * 0.75
    assert ramped.share_enrolled(18.0) == pytest.approx(9 / total)
    assert ramped.entry_months(9 / total) == pytest.approx(18.0)
    assert uniform.n_patients == 2199
    assert uniform.date_at(uniform.months_since_start(CUTOFF)) == CUTOFF


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Accrual(END, START, PATIENTS), "end must be a date after start"),
        (lambda: Accrual(START, END, {"atezolizumab": 10}), "give the patients of each arm"),
        (lambda: Accrual(START, END, {"atezolizumab": 10, "chemotherapy": 0}), r"patients\['chemotherapy'\]"),
        (lambda: Accrual(START, END, PATIENTS, enrolment=Enrolment(12.0)), "its window of 12 months is not the"),
    ],
)
def test_accrual_bad_input(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=message):
        call()


@pytest.mark.parametrize("annual_loss", [0.0, 0.05])
def test_expected_events_match_the_closed_form_for_uniform_accrual(annual_loss: float) -> None:
    # Uniform entry on [0, T], event hazard lam, loss hazard mu: an event is seen within f months with
    # probability lam / (lam + mu) (1 - exp(-(lam + mu) f)); averaged over entry, after enrolment ends (t >= T),
    # E = N lam / k [1 - (exp(-k (t - T)) - exp(-k t)) / (k T)] with k = lam + mu.
    accrual = Accrual(START, END, PATIENTS, followup=FollowUpPlan(annual_loss=annual_loss))
    model = TrialModel(accrual, control_event_free_3y=0.85)
    lam, mu = -math.log(0.85) / 36, -math.log(1 - annual_loss) / 12
    k = lam + mu
    for t in (WINDOW, WINDOW + 20.0, 200.0):
        closed = 2199 * lam / k * (1 - (math.exp(-k * (t - WINDOW)) - math.exp(-k * t)) / (k * WINDOW))
        assert model.expected_events(t)[0] == pytest.approx(closed, rel=1e-5)


@pytest.mark.parametrize("hazard_shape", [1.0, 0.6])
def test_expected_events_agree_with_simulation(hazard_shape: float) -> None:
    model = TrialModel(_ramped(), control_event_free_3y=0.86, hazard_ratio=1.2, hazard_shape=hazard_shape)
    months = np.array([12.0, 40.0, 60.0, 90.0])
    table = design.events_by_month(model, months, n_trials=400, seed=4)
    simulated = np.array(
        [np.searchsorted(row, months, side="right") for row in model.simulate_event_months(400, seed=4)]
    )
    standard_error = simulated.std(axis=0, ddof=1) / math.sqrt(400)
    assert np.all(np.abs(simulated.mean(axis=0) - table.expected) < 4 * standard_error + 1e-9)
    assert (table["lower"] <= table["median"]).all() and (table["median"] <= table["upper"]).all()


def test_event_free_curves_are_proportional() -> None:
    model = TrialModel(Accrual(START, END, PATIENTS), control_event_free_3y=0.8, hazard_ratio=1.5, hazard_shape=0.7)
    assert model.event_free(36, "chemotherapy") == pytest.approx(0.8)
    assert model.event_free(36, "atezolizumab") == pytest.approx(0.8**1.5)
    assert model.event_free(50, "atezolizumab") == pytest.approx(model.event_free(50, "chemotherapy") ** 1.5)
    with pytest.raises(DataError, match="arm='placebo'"):
        model.event_free(10, "placebo")


def test_calibration_and_its_inverse() -> None:
    accrual = _ramped()
    model = TrialModel.calibrated(accrual, events=300, by=CUTOFF, hazard_ratio=0.9, hazard_shape=0.8)
    assert model.expected_events(accrual.months_since_start(CUTOFF))[0] == pytest.approx(300, abs=1e-6)
    assert model.month_expected_to_reach(300) == pytest.approx(accrual.months_since_start(CUTOFF), abs=1e-6)
    with pytest.raises(DataError, match="only 2199 patients are enrolled by then"):
        TrialModel.calibrated(accrual, events=2500, by=CUTOFF)
    with pytest.raises(DataError, match=r"events=2199\): there are only 2199 patients"):
        model.month_expected_to_reach(2199)
    with pytest.raises(DataError, match=r"control_event_free_3y=1.2"):
        TrialModel(accrual, control_event_free_3y=1.2)


def test_alexandra_model_reproduces_the_published_numbers() -> None:
    model = alexandra_trial_model()
    assert model.accrual.start == START and model.accrual.end == END
    assert dict(model.accrual.patients) == PATIENTS
    assert model.hazard_ratio == 1.11
    assert model.expected_events(model.accrual.months_since_start(CUTOFF))[0] == pytest.approx(141 + 125)
    assert alexandra_trial_model(hazard_ratio=0.75).hazard_ratio == 0.75


# --- Simulated interim analyses ----------------------------------------------------------


def _small_model(hazard_ratio: float) -> TrialModel:
    return TrialModel(_ramped(annual_loss=0.02), control_event_free_3y=0.87, hazard_ratio=hazard_ratio)


@pytest.mark.parametrize("hazard_ratio", [1.0, 0.9, 0.75])
def test_futility_simulation_agrees_with_the_closed_form(hazard_ratio: float) -> None:
    trials = design.simulate_interim(_small_model(hazard_ratio), interim_events=242, n_trials=1500, seed=21)
    # The closed form: the log hazard ratio is about normal with variance 4/D.
    expected = stats.norm.cdf(math.log(hazard_ratio) * math.sqrt(242) / 2)
    standard_error = math.sqrt(expected * (1 - expected) / 1500)
    assert trials.stopped.mean() == pytest.approx(expected, abs=4 * standard_error + 0.005)
    log_hr = np.log(trials.observed_hr)
    assert log_hr.mean() == pytest.approx(math.log(hazard_ratio), abs=0.02)
    assert log_hr.std() == pytest.approx(math.sqrt(4 / 242), rel=0.1)
    assert (trials.atezolizumab_events + trials.chemotherapy_events == 242).all()


def test_interim_hazard_ratio_is_the_cox_estimate() -> None:
    model = _small_model(0.8)
    snapshot = design.interim_snapshot(model, interim_events=150, seed=9)
    trial = design.simulate_interim(model, interim_events=150, n_trials=1, seed=9).iloc[0]
    data = pd.DataFrame(
        {
            "months": snapshot.months,
            "event": snapshot.event,
            "atezolizumab": (snapshot.arm == "atezolizumab").astype(int),
        }
    )
    fitted = CoxPHFitter().fit(data, "months", "event")
    assert trial.observed_hr == pytest.approx(math.exp(fitted.params_["atezolizumab"]), rel=1e-6)
    assert trial.atezolizumab_events == snapshot.event[snapshot.arm == "atezolizumab"].sum()
    # The interim happens at the 150th event: the last event's calendar month.
    assert trial.interim_month == pytest.approx((snapshot.entry_month + snapshot.months)[snapshot.event == 1].max())
    assert (snapshot.entry_month < trial.interim_month).all()


def test_stopping_rule_uses_the_boundary() -> None:
    at_one = design.simulate_interim(_small_model(1.0), 200, n_trials=300, seed=2)
    assert (at_one.stopped == (at_one.logrank_z > 0)).all()
    strict = design.simulate_interim(_small_model(1.0), 200, n_trials=300, boundary_hr=1.2, seed=2)
    assert (strict.stopped == (strict.observed_hr > 1.2)).all()
    assert strict.stopped.sum() < at_one.stopped.sum()


def test_simulate_interim_bad_input() -> None:
    with pytest.raises(DataError, match=r"interim_events=3000\): there are only 2199 patients"):
        design.simulate_interim(_small_model(1.0), 3000)
    with pytest.raises(DataError, match=r"n_trials=0"):
        design.simulate_interim(_small_model(1.0), 100, n_trials=0)
    with pytest.raises(DataError, match=r"interim_snapshot\(interim_events=2200\): there are only 2199 patients"):
        design.interim_snapshot(_small_model(1.0), 2200)


# --- The pieces of an analysis ------------------------------------------------------------


def _hand_patients(n_trials: int = 3, n: int = 300, seed: int = 8) -> SimulatedPatients:
    """Patients drawn here, not by the package: uniform entry, exponential events, some losses, visits."""
    rng = np.random.default_rng(seed)
    return SimulatedPatients(
        entry=rng.uniform(0, 30, size=(n_trials, n)),
        time_to_event=rng.exponential(60, size=(n_trials, n)),
        is_atezolizumab=np.arange(n) % 2 == 0,
        loss=rng.exponential(200, size=(n_trials, n)),
        followup=FollowUpPlan(annual_loss=0.05),
    )


def test_risk_sets_match_a_count_patient_by_patient() -> None:
    patients, analysis_events = _hand_patients(), 60
    risk = design.risk_sets_at_analysis(patients, analysis_events)
    for trial in range(3):
        entry, time, loss = patients.entry[trial], patients.time_to_event[trial], patients.loss[trial]
        calendar = np.where(time <= loss, entry + time, np.inf)
        month = np.sort(calendar)[analysis_events - 1]
        had_event = calendar <= month
        censored = patients.followup.last_assessment(np.minimum(month - entry, loss))
        followup = np.where(had_event, time, censored)
        entered = entry < month
        event_times = np.sort(time[had_event])
        assert risk.month[trial] == month
        for column, t in enumerate(event_times):
            at_risk = entered & (followup >= t)
            who = np.flatnonzero(had_event & (time == t))[0]
            assert risk.atezolizumab_event[trial, column] == patients.is_atezolizumab[who]
            assert risk.at_risk_atezolizumab[trial, column] == (at_risk & patients.is_atezolizumab).sum()
            assert risk.at_risk_chemotherapy[trial, column] == (at_risk & ~patients.is_atezolizumab).sum()


def test_cox_and_logrank_agree_with_lifelines() -> None:
    patients, analysis_events = _hand_patients(n_trials=1), 80
    risk = design.risk_sets_at_analysis(patients, analysis_events)
    log_hr, z = design.cox_log_hazard_ratio(
        risk.atezolizumab_event, risk.at_risk_atezolizumab, risk.at_risk_chemotherapy
    )
    entry, time, loss = patients.entry[0], patients.time_to_event[0], patients.loss[0]
    month = risk.month[0]
    had_event = np.where(time <= loss, entry + time, np.inf) <= month
    data = pd.DataFrame(
        {
            "months": np.where(had_event, time, patients.followup.last_assessment(np.minimum(month - entry, loss))),
            "event": had_event.astype(int),
            "atezolizumab": patients.is_atezolizumab.astype(int),
        }
    )[entry < month]
    fitted = CoxPHFitter().fit(data, "months", "event")
    assert log_hr[0] == pytest.approx(fitted.params_["atezolizumab"], rel=1e-6)
    atezolizumab, chemotherapy = data[data.atezolizumab == 1], data[data.atezolizumab == 0]
    test = logrank_test(atezolizumab.months, chemotherapy.months, atezolizumab.event, chemotherapy.event)
    assert z[0] ** 2 == pytest.approx(test.test_statistic, rel=1e-6)
