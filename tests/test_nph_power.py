"""Tests of scripts/nph_power.py and of the table it made, data/simulated/nph_power.csv."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import nph_power  # scripts/ is on the path (tests/conftest.py)
from alexandra.published import find_data_dir
from alexandra.stats_common import Z_95

POWER_COLUMNS = ["power_logrank", "power_fh01", "power_maxcombo", "power_rmst"]


def schoenfeld_power(events: float, hr: float) -> float:
    """Power of the two-sided 5% log-rank test with ``events`` events, 1:1 (Schoenfeld 1981)."""
    return float(stats.norm.cdf(math.sqrt(events / 4) * abs(math.log(hr)) - Z_95))


def test_piecewise_exponential_inverts_the_cumulative_hazard() -> None:
    exposure = np.array([0.0, 0.5, 1.0, 1.5, 4.0])
    # Hazard 0.1 for 5 months (cumulative 0.5 at 5), then 0.2 for 5 (1.5 at 10), then 0.05.
    times = nph_power.piecewise_exponential(exposure, 0.1, (5.0, 10.0), (1.0, 2.0, 0.5))
    assert times == pytest.approx([0.0, 5.0, 7.5, 10.0, 10.0 + 2.5 / 0.05])


@pytest.mark.regeneration
def test_script_runs_at_a_small_size(tmp_path: Path) -> None:
    path = nph_power.main(["--trials", "40", "--seed", "3", "--out", str(tmp_path)])
    assert path.read_text(encoding="utf-8").startswith(
        "# Simulated, not ALEXANDRA data. Made by: python scripts/nph_power.py --trials 40 --seed 3\n"
    )
    table = pd.read_csv(path, comment="#")
    assert len(table) == len(nph_power.SCENARIOS) * len(nph_power.HAZARD_RATIOS)
    assert set(table.scenario) == set(nph_power.SCENARIOS)
    assert table.trials.eq(40).all()
    assert table[POWER_COLUMNS].ge(0).all().all() and table[POWER_COLUMNS].le(1).all().all()
    # The null: every scenario is the same trial when hr = 1.
    null = table[table.hr == 1.0]
    assert null[POWER_COLUMNS + ["mean_events"]].nunique().eq(1).all()
    # About 125 events expected per arm without an effect.
    assert null.mean_events.iloc[0] == pytest.approx(2 * nph_power.CONTROL_EVENTS, rel=0.05)


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    path = find_data_dir() / "simulated" / "nph_power.csv"
    assert "--trials 2000 --seed 2025" in path.read_text(encoding="utf-8").splitlines()[0]
    return pd.read_csv(path, comment="#")


def test_committed_table_matches_the_current_model(committed: pd.DataFrame) -> None:
    model, _ = nph_power.control_model()
    assert committed.control_event_free_3y.to_numpy() == pytest.approx(model.control_event_free_3y, rel=1e-5)
    assert committed.enrolment_ramp_months.to_numpy() == pytest.approx(
        model.accrual.enrolment_shape.ramp_months, rel=1e-5
    )
    assert committed.annual_loss.to_numpy() == pytest.approx(model.accrual.followup.annual_loss)


def test_proportional_hazards_power_is_schoenfeld(committed: pd.DataFrame) -> None:
    proportional = committed[(committed.scenario == "proportional") & (committed.hr < 1)]
    for row in proportional.itertuples():
        expected = schoenfeld_power(row.mean_events, row.hr)
        # Binomial error of 2000 trials (at most 0.011) plus Schoenfeld's approximation.
        assert row.power_logrank == pytest.approx(expected, abs=0.04), row.hr


def test_type_one_error_is_near_five_percent(committed: pd.DataFrame) -> None:
    null = committed[committed.hr == 1.0]
    # 2000 trials: a 5% rate lands within 0.05 ± 0.015 in 99.8% of tables.
    assert null[POWER_COLUMNS].sub(0.05).abs().le(0.015).all().all()


def test_late_effects_favour_g01_and_early_ones_the_logrank(committed: pd.DataFrame) -> None:
    effect = committed.set_index(["scenario", "hr"])
    assert effect.loc[("delayed 12", 0.7), "power_fh01"] > effect.loc[("delayed 12", 0.7), "power_logrank"]
    assert effect.loc[("waning", 0.7), "power_logrank"] > effect.loc[("waning", 0.7), "power_fh01"]
    # MaxCombo pays for its four looks: up to ~6 points of power against the best single test (crossing, 0.7).
    best = effect[["power_logrank", "power_fh01"]].max(axis=1)
    assert (effect.power_maxcombo >= best - 0.08).all()
