"""Tests of alexandra.design: the one model of enrolment and follow-up.

Expected values are closed forms worked out by hand below, or simulation of the stated model.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alexandra import published, survival, trial
from alexandra.design import ASSESSMENT_MONTHS, Conduct, Enrolment, FollowUpPlan, reported_followup
from alexandra.errors import DataError
from alexandra.trial import alexandra_conduct


@pytest.mark.parametrize(
    "shape",
    [
        Enrolment(40.0),
        Enrolment(40.0, 10.0),
        Enrolment(40.0, 10.0, 2.5, 0.3),
        Enrolment(40.0, 40.0, 0.7),
        Enrolment(40.0, 5.0, 1.0, 3.0),
    ],
)
def test_share_enrolled_is_the_integral_of_the_rate_and_entry_months_its_inverse(shape: Enrolment) -> None:
    grid = np.linspace(0.0, 40.0, 40_001)
    rate = shape.rate(grid)
    numeric = np.concatenate(([0.0], np.cumsum((rate[1:] + rate[:-1]) / 2 * np.diff(grid))))
    np.testing.assert_allclose(shape.share_enrolled(grid), numeric / numeric[-1], atol=1e-6)
    shares = np.linspace(0.0, 1.0, 101)
    np.testing.assert_allclose(shape.share_enrolled(shape.entry_months(shares)), shares, atol=1e-12)
    assert shape.share_enrolled(50.0) == 1.0 and shape.rate(50.0) == 0.0


def test_the_rate_ramps_up_peaks_and_changes_linearly_to_the_stop() -> None:
    shape = Enrolment(30.0, ramp_months=10.0, ramp_power=2.0, end_rate=0.4)
    assert shape.rate([0.0, 5.0, 10.0, 20.0, 30.0]).tolist() == pytest.approx([0.0, 0.25, 1.0, 0.7, 0.4])
    # Uniform enrolment: 0 ramp, flat to the end.
    assert Enrolment(30.0).rate([0.0, 29.0]).tolist() == [1.0, 1.0]


def test_loss_to_follow_up_has_the_stated_yearly_risk() -> None:
    plan = FollowUpPlan(annual_loss=0.05)
    assert float(plan.still_followed(12.0)) == pytest.approx(0.95)
    losses = plan.loss_months(np.random.default_rng(1).random(200_000))
    assert np.mean(losses <= 12.0) == pytest.approx(0.05, abs=0.002)
    assert np.isinf(FollowUpPlan().loss_months([0.3])).all()


def test_the_assessment_schedule_is_the_documented_one() -> None:
    assert ASSESSMENT_MONTHS[:13] == tuple(3.0 * k for k in range(1, 13)) + (42.0,)
    assert {48.0, 54.0, 60.0, 72.0} <= set(ASSESSMENT_MONTHS)
    plan = FollowUpPlan()
    assert plan.last_assessment([0.5, 47.9, 48.0, 1000.0]).tolist() == [0.0, 42.0, 48.0, ASSESSMENT_MONTHS[-1]]
    assert plan.next_assessment([0.0, 36.1, 1000.0]).tolist() == [0.0, 42.0, math.inf]


def test_the_schedule_is_told_as_it_is() -> None:
    assert FollowUpPlan(assessment_months=(6.0, 12.0, 18.0, 30.0)).schedule_text() == (
        "every 6 months for 18 months, then yearly to 30 months"
    )
    assert FollowUpPlan(assessment_months=(1.0, 12.0, 24.0)).schedule_text() == (
        "every 1 month for 1 month, then every 11 months to 1 year, then yearly to 2 years"
    )


def test_conduct_draws_what_it_expects() -> None:
    conduct = Conduct(Enrolment(36.0, 12.0, 1.5, 0.5), FollowUpPlan(annual_loss=0.04), cut_months=54.0)
    rng = np.random.default_rng(3)
    drawn = conduct.draw(rng.random(100_000), rng.random(100_000))
    assert (drawn.last_contact <= 54.0 - drawn.entry + 1e-12).all()
    assert (drawn.last_assessment <= drawn.last_contact).all()
    for months in (6.0, 24.0, 40.0):
        assert np.mean(drawn.last_contact > months) == pytest.approx(float(conduct.followed(months)), abs=0.005)
    # At risk at 24 months: the 24-month assessment must have happened before the last contact.
    assert np.mean(drawn.last_assessment >= 24.0) == pytest.approx(conduct.at_risk_share(24.0), abs=0.005)


def test_reported_followup_runs_to_the_last_contact() -> None:
    patients = pd.DataFrame({"time": [1.0, 3.0, 6.0], "event": [1, 0, 0], "last_contact": [20.0, 4.0, 8.0]})
    assert reported_followup(patients).median == 8.0
    # Without a last contact, reverse Kaplan–Meier of the IDFS times.
    plain = patients.drop(columns="last_contact")
    assert reported_followup(plain).median == survival.reverse_km_followup(plain.time, plain.event).median


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Enrolment(-1.0), r"window_months=-1"),
        (lambda: Enrolment(10.0, ramp_months=12.0), r"ramp_months=12"),
        (lambda: Enrolment(10.0, ramp_power=0.0), r"ramp_power=0"),
        (lambda: Enrolment(10.0, end_rate=-1.0), r"end_rate=-1"),
        (lambda: FollowUpPlan(annual_loss=1.0), "follows nobody"),
        (lambda: FollowUpPlan(annual_loss=-0.1), r"annual_loss=-0.1"),
        (lambda: FollowUpPlan(assessment_months=(6.0, 3.0)), "increasing months"),
        (lambda: Conduct(Enrolment(24.0), FollowUpPlan(), cut_months=12.0), r"cut_months=12"),
    ],
)
def test_bad_input_is_refused_with_the_argument_named(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=message):
        call()


def test_alexandra_conduct_reads_the_fitted_enrolment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    conduct, patients = alexandra_conduct()
    assert patients == {arm: int(published.get("n_randomized", arm=arm).number) for arm in published.ARMS}
    assert conduct.followup.annual_loss == trial.ALEXANDRA_ANNUAL_LOSS
    start = published.get("enrolment_start").when
    assert conduct.enrolment.window_months == published.months_between(start, published.get("enrolment_end").when)
    assert conduct.cut_months == published.months_between(start, published.get("data_cutoff").when)
    with pytest.raises(DataError, match="file not found"):
        alexandra_conduct(tmp_path)
    (tmp_path / "alexandra_pseudo_ipd_parameters.csv").write_text(
        "# made by: x\nparameter,value,unit,how\nseed,1,,given\n"
    )
    with pytest.raises(DataError, match="no row 'enrolment_months'"):
        alexandra_conduct(tmp_path)


def test_the_alexandra_model_meets_the_published_follow_up() -> None:
    """The fitted enrolment with the assumed loss reproduces the published follow-up quartiles (both arms)."""
    conduct, _ = alexandra_conduct()
    median, q1, q3 = conduct.followup_quartiles()
    for arm in published.ARMS:
        published_followup = published.get("median_followup_months", arm=arm)
        assert median == pytest.approx(published_followup.number, abs=1.0)
        assert q1 == pytest.approx(published_followup.lower, abs=1.0)
        assert q3 == pytest.approx(published_followup.upper, abs=1.0)


def test_a_window_of_no_months_enrols_everyone_on_the_first_day() -> None:
    """As a simulated trial without accrual does (alexandra.reconstruction.trial_conduct)."""
    everyone = Enrolment(0.0)
    assert everyone.entry_months([0.1, 0.5, 0.9]).tolist() == [0.0, 0.0, 0.0]
    assert everyone.share_enrolled([0.0, 3.0]).tolist() == [1.0, 1.0]
