"""Tests of scripts/stratification_simulation.py and of the table it made, data/simulated/stratification.csv."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stratification_simulation as simulation  # scripts/ is on the path (tests/conftest.py)
from alexandra import published
from alexandra.design import TrialModel
from alexandra.published import find_data_dir
from alexandra.trial import alexandra_trial_model

EVENTS = sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)


def test_strata_multiply_the_hazard_step_by_step() -> None:
    assert simulation.stratum_multipliers(3.0).tolist() == [1.0, 3.0, 9.0]
    assert sum(simulation.STRATUM_SHARES) == pytest.approx(1.0)


@pytest.mark.parametrize(("strength", "true_hr"), [(1.0, 1.0), (4.0, 0.6)])
def test_baseline_hazard_gives_alexandras_expected_events(strength: float, true_hr: float) -> None:
    rate = simulation.baseline_hazard(strength, true_hr)
    accrual = alexandra_trial_model().accrual
    cut = accrual.months_since_start(published.get("data_cutoff").when)
    expected = sum(
        share * float(TrialModel(accrual, math.exp(-36 * rate * multiplier), true_hr).expected_events(cut)[0])
        for share, multiplier in zip(simulation.STRATUM_SHARES, simulation.stratum_multipliers(strength), strict=True)
    )
    assert expected == pytest.approx(EVENTS, rel=1e-9)


@pytest.mark.regeneration
def test_script_runs_at_a_small_size(tmp_path: Path) -> None:
    path = simulation.main(["--trials", "4", "--seed", "3", "--out", str(tmp_path)])
    assert path.read_text(encoding="utf-8").startswith(
        "# Simulated, not ALEXANDRA data. Made by: python scripts/stratification_simulation.py --trials 4 --seed 3\n"
    )
    table = pd.read_csv(path, comment="#")
    assert len(table) == len(simulation.TRUE_HAZARD_RATIOS) * len(simulation.STRENGTHS)
    assert table.trials.eq(4).all()
    assert table.mean_events.to_numpy() == pytest.approx(EVENTS, rel=0.15)
    committed = pd.read_csv(find_data_dir() / "simulated" / "stratification.csv", comment="#")
    # The baseline hazards are computed, not drawn: the same at any size.
    assert table.baseline_monthly_hazard.to_numpy() == pytest.approx(committed.baseline_monthly_hazard, rel=1e-5)


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    path = find_data_dir() / "simulated" / "stratification.csv"
    assert "--trials 1000 --seed 2025" in path.read_text(encoding="utf-8").splitlines()[0]
    return pd.read_csv(path, comment="#")


def test_committed_table_matches_the_current_model(committed: pd.DataFrame) -> None:
    enrolment = alexandra_trial_model().accrual.enrolment_shape
    assert committed.enrolment_ramp_months.to_numpy() == pytest.approx(enrolment.ramp_months, rel=1e-5)
    assert committed.enrolment_end_rate.to_numpy() == pytest.approx(enrolment.end_rate, rel=1e-5)
    assert set(committed.true_hr) == set(simulation.TRUE_HAZARD_RATIOS)
    assert set(committed.strength) == set(simulation.STRENGTHS)


def test_the_stratified_analysis_estimates_the_common_hazard_ratio(committed: pd.DataFrame) -> None:
    # Within strata the model is right: its mean log HR lies within 4 Monte Carlo SEs of the truth.
    error = committed.mean_log_hr_stratified - np.log(committed.true_hr)
    assert (error.abs() < 4 * committed.sd_log_hr_stratified / np.sqrt(committed.trials)).all()


def test_non_collapsibility_pulls_the_unstratified_hr_towards_1(committed: pd.DataFrame) -> None:
    with_effect = committed[(committed.true_hr <= 0.8) & (committed.strength >= 3)]
    assert (with_effect.mean_log_hr_unstratified.abs() < with_effect.mean_log_hr_stratified.abs()).all()
    # No prognosis, no difference (the same trials, analysed twice).
    flat = committed[committed.strength == 1.0]
    assert (flat.mean_log_hr_unstratified - flat.mean_log_hr_stratified).abs().max() < 0.005


def test_null_trials_are_significant_about_5_percent_of_the_time(committed: pd.DataFrame) -> None:
    null = committed[committed.true_hr == 1.0]
    band = 4 * math.sqrt(0.05 * 0.95 / 1000)
    assert (null.power_stratified - 0.05).abs().max() < band
    assert (null.power_unstratified - 0.05).abs().max() < band
