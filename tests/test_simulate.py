"""Tests of alexandra.reconstruction: trials with known truth, and what a reader of their figure sees."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alexandra import survival
from alexandra.errors import DataError
from alexandra.reconstruction import digitise_curve, published_figure, risk_table, simulate_trial, trial_conduct

LARGE = 20_000  # patients per arm: sampling error of rates about 1-2%


def no_censoring(**settings: object) -> dict[str, object]:
    """Settings under which (almost) nobody is censored: the event-time law is seen whole."""
    return {"accrual_months": 0.0, "followup_months": 1e6, "dropout_rate": 0.0, **settings}


def test_one_row_per_patient_with_the_documented_columns() -> None:
    trial = simulate_trial(150, hazard_ratio=0.8, seed=4)
    assert list(trial.columns) == ["time", "event", "arm"]
    assert trial.arm.value_counts().to_dict() == {"control": 150, "experimental": 150}
    assert set(trial.event.unique()) <= {0, 1}
    assert (trial.time > 0).all()


def test_same_seed_same_trial_other_seed_other_trial() -> None:
    first = simulate_trial(200, 0.7, "weibull", dropout_rate=0.01, seed=11)
    assert first.equals(simulate_trial(200, 0.7, "weibull", dropout_rate=0.01, seed=11))
    assert not first.equals(simulate_trial(200, 0.7, "weibull", dropout_rate=0.01, seed=12))


def test_censoring_is_administrative_without_dropout() -> None:
    # Entry uniform on [0, 24], analysis 36 months after the last entry: potential follow-up 36..60.
    trial = simulate_trial(500, 0.8, accrual_months=24, followup_months=36, seed=5)
    censored = trial.time[trial.event == 0]
    assert censored.min() >= 36 and censored.max() <= 60
    # About uniform over that range: the middle month is crossed by about half of them.
    assert 0.4 < (censored < 48).mean() < 0.6


def test_dropout_censors_before_the_end_of_the_study() -> None:
    trial = simulate_trial(2000, 1.0, accrual_months=24, followup_months=36, dropout_rate=0.02, seed=6)
    censored = trial.time[trial.event == 0]
    assert (censored < 36).mean() > 0.3  # without dropout nobody is censored before 36 months


def test_exponential_control_median_and_hazard_ratio() -> None:
    trial = simulate_trial(LARGE, 0.6, "exponential", seed=7, control_median_months=30.0, **no_censoring())
    control = trial[trial.arm == "control"].time
    assert np.median(control) == pytest.approx(30.0, rel=0.03)
    # Maximum-likelihood rates of exponential data: events over total time.
    rate = {arm: group.event.sum() / group.time.sum() for arm, group in trial.groupby("arm")}
    assert rate["experimental"] / rate["control"] == pytest.approx(0.6, rel=0.04)


def test_weibull_shape_shows_in_the_survival_curve() -> None:
    shape, median = 0.7, 36.0
    settings = no_censoring(weibull_shape=shape, control_median_months=median)
    trial = simulate_trial(LARGE, 0.5, "weibull", seed=8, **settings)  # type: ignore[arg-type]
    control = trial[trial.arm == "control"].time.to_numpy()
    # Weibull with median m: S(t) = 2 ** (-(t / m) ** shape).
    for months in (6.0, 36.0, 100.0):
        assert (control > months).mean() == pytest.approx(2 ** (-((months / median) ** shape)), abs=0.01)
    # Proportional hazards: the experimental arm's survival is the control's to the power HR.
    experimental = trial[trial.arm == "experimental"].time.to_numpy()
    assert (experimental > 36.0).mean() == pytest.approx(0.5**0.5, abs=0.01)


def test_delayed_effect_starts_after_the_delay() -> None:
    trial = simulate_trial(LARGE, 0.5, "nonph", seed=9, delay_months=6.0, control_median_months=24.0, **no_censoring())
    early = {arm: (group.time <= 6.0).mean() for arm, group in trial.groupby("arm")}
    assert early["experimental"] == pytest.approx(early["control"], abs=0.01)
    # Among patients event-free at 6 months, exponential rates after the delay.
    rate = {}
    for arm, group in trial.groupby("arm"):
        later = group[group.time > 6.0]
        rate[arm] = later.event.sum() / (later.time - 6.0).sum()
    assert rate["experimental"] / rate["control"] == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"n_per_arm": 0}, "n_per_arm"),
        ({"n_per_arm": 10.5}, "n_per_arm"),
        ({"hazard_ratio": 0.0}, "hazard_ratio"),
        ({"hazard_ratio": math.nan}, "hazard_ratio"),
        ({"baseline": "gompertz"}, "baseline"),
        ({"accrual_months": -1.0}, "accrual_months"),
        ({"followup_months": 0.0}, "followup_months"),
        ({"dropout_rate": -0.1}, "dropout_rate"),
        ({"weibull_shape": 0.0}, "weibull_shape"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], named: str) -> None:
    arguments: dict[str, object] = {"n_per_arm": 10, "hazard_ratio": 0.8, **settings}
    with pytest.raises(DataError, match=rf"^simulate_trial\({named}=.*\): {named} must be"):
        simulate_trial(**arguments)  # type: ignore[arg-type]


# -- what a reader sees -----------------------------------------------------------------------


def test_digitised_points_lie_on_the_kaplan_meier_curve() -> None:
    trial = simulate_trial(60, 0.8, seed=3)
    control = trial[trial.arm == "control"]
    curve = digitise_curve(control.time, control.event, n_points=500)
    assert curve.iloc[0].tolist() == [0.0, 1.0]
    assert curve.time.iloc[-1] == pytest.approx(control.time.max())
    truth = survival.kaplan_meier(control.time, control.event, at=curve.time).survival
    np.testing.assert_allclose(curve.survival, truth)
    # Few drops: every one of them is read.
    assert len(curve) == control.loc[control.event == 1, "time"].nunique() + 2


def test_a_crowded_curve_is_read_at_most_n_points_times() -> None:
    trial = simulate_trial(3000, 0.8, seed=3)
    control = trial[trial.arm == "control"]
    curve = digitise_curve(control.time, control.event, n_points=200, until=48.0)
    assert len(curve) <= 200
    assert curve.time.is_monotonic_increasing and curve.survival.is_monotonic_decreasing
    assert curve.time.iloc[-1] == 48.0
    truth = survival.kaplan_meier(control.time, control.event, at=curve.time).survival
    np.testing.assert_allclose(curve.survival, truth)


def test_reading_error_moves_points_but_not_the_origin() -> None:
    trial = simulate_trial(3000, 0.8, seed=3)
    control = trial[trial.arm == "control"]
    exact = digitise_curve(control.time, control.event)
    read = digitise_curve(control.time, control.event, reading_error=0.002, seed=1)
    assert read.iloc[0].tolist() == [0.0, 1.0]
    differences = (read.survival - exact.survival).iloc[1:]
    assert 0.001 < differences.std() < 0.003
    assert read.survival.between(0, 1).all() and (read.time >= 0).all()
    assert read.equals(digitise_curve(control.time, control.event, reading_error=0.002, seed=1))


def test_risk_table_counts_patients_still_followed() -> None:
    time = np.array([0.5, 3.0, 6.0, 6.0, 7.5, 12.0, 13.0])
    event = np.array([1, 0, 1, 0, 1, 0, 1])
    table = risk_table(time, event, every=6.0)
    assert table.time.tolist() == [0.0, 6.0, 12.0]
    assert table.n_risk.tolist() == [7, 5, 2]  # at 6: the two patients at 6.0 still count


def test_published_figure_gives_each_arm_its_size_events_and_table() -> None:
    trial = simulate_trial(300, 0.7, seed=21)
    figure = published_figure(trial, risk_every=12.0, until=48.0)
    assert list(figure) == ["control", "experimental"]
    for arm, reading in figure.items():
        patients = trial[trial.arm == arm]
        assert reading.n == 300
        assert reading.events == patients.event.sum()
        assert reading.at_risk.time.tolist() == [0.0, 12.0, 24.0, 36.0, 48.0]
        assert reading.at_risk.n_risk.tolist() == [int((patients.time >= t).sum()) for t in reading.at_risk.time]
        assert reading.curve.time.max() == 48.0


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: digitise_curve([1, 2], [1, 0], n_points=1), "n_points"),
        (lambda: digitise_curve([1, 2], [1, 0], reading_error=-0.1), "reading_error"),
        (lambda: risk_table([1, 2], [1, 0], every=0.0), "every"),
        (lambda: published_figure(pd.DataFrame({"time": [1.0], "event": [1]})), "arm"),
    ],
)
def test_bad_reader_settings_are_refused(call: object, named: str) -> None:
    with pytest.raises(DataError, match=named):
        call()  # type: ignore[operator]


def test_the_simulated_trial_is_enrolled_and_followed_by_the_books_one_model() -> None:
    """simulate_trial draws entry and loss from reconstruction.trial_conduct (a design.Conduct)."""
    conduct = trial_conduct(24.0, 36.0, dropout_rate=0.02)
    assert conduct.enrolment.window_months == 24.0 and conduct.cut_months == 60.0
    assert conduct.followup.loss_rate == pytest.approx(0.02)
    trial = simulate_trial(3000, 1.0, accrual_months=24, followup_months=36, dropout_rate=0.02, seed=11)
    censored = trial[trial.event == 0]
    # Nobody is followed beyond the data cut, and the losses make follow-up shorter than the cut allows.
    assert trial.time.max() <= 60.0
    assert (censored.time < 36.0).mean() > 0.2
