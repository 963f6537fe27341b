"""Tests of alexandra.design: Schoenfeld, randomisation, the futility rule, and the design chapter's script.

Expected values come from the fact sheet (/work/shared/facts/alexandra.md) or from closed forms
worked out by hand below — never from the code under test. The calendar-time model and its
simulated interims are tested in test_trial_model.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import design_simulations
from alexandra import design, trial
from alexandra.errors import DataError

REPOSITORY = Path(__file__).resolve().parents[1]
SIMULATED = REPOSITORY / "data" / "simulated"

Z_975, Z_80, Z_90 = 1.959964, 0.841621, 1.281552  # normal quantiles from a printed table


# --- Schoenfeld's formula -----------------------------------------------------------------


def test_390_events_detect_the_fact_sheet_hazard_ratios() -> None:
    assert round(design.detectable_hazard_ratio(390, power=0.8), 2) == 0.75
    assert round(design.detectable_hazard_ratio(390, power=0.9), 2) == 0.72


def test_schoenfeld_events_matches_a_hand_computation() -> None:
    by_hand = (Z_975 + Z_80) ** 2 / (0.25 * math.log(0.75) ** 2)
    assert design.schoenfeld_events(0.75) == pytest.approx(by_hand, rel=1e-5)
    by_hand_90 = (Z_975 + Z_90) ** 2 / (0.25 * math.log(0.8) ** 2)
    assert design.schoenfeld_events(0.8, power=0.9) == pytest.approx(by_hand_90, rel=1e-5)


@pytest.mark.parametrize("hazard_ratio", [0.5, 0.75, 0.9, 1.25])
@pytest.mark.parametrize("power", [0.6, 0.8, 0.95])
@pytest.mark.parametrize("allocation", [0.5, 2 / 3])
def test_schoenfeld_round_trip(hazard_ratio: float, power: float, allocation: float) -> None:
    events = design.schoenfeld_events(hazard_ratio, power=power, allocation=allocation)
    detected = design.detectable_hazard_ratio(events, power=power, allocation=allocation)
    # The inverse returns the benefit; a harm of HR needs the events of a benefit of 1/HR.
    assert detected == pytest.approx(min(hazard_ratio, 1 / hazard_ratio), rel=1e-10)


def test_unequal_allocation_needs_more_events() -> None:
    # p(1 - p) is 1/4 for 1:1 and 2/9 for 2:1: 9/8 times the events.
    ratio = design.schoenfeld_events(0.75, allocation=2 / 3) / design.schoenfeld_events(0.75)
    assert ratio == pytest.approx(9 / 8)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: design.schoenfeld_events(1.0), "hazard_ratio"),
        (lambda: design.schoenfeld_events(-0.5), "hazard_ratio"),
        (lambda: design.schoenfeld_events(float("nan")), "hazard_ratio"),
        (lambda: design.schoenfeld_events(0.75, alpha=0), "alpha"),
        (lambda: design.schoenfeld_events(0.75, power=1.0), "power"),
        (lambda: design.schoenfeld_events(0.75, power=0.01), "power"),
        (lambda: design.schoenfeld_events(0.75, allocation=1), "allocation"),
        (lambda: design.detectable_hazard_ratio(-3), "events"),
        (lambda: design.detectable_hazard_ratio("many"), "events"),
    ],
)
def test_schoenfeld_bad_input(call, argument: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=rf"\({argument}="):
        call()


# --- Randomisation ------------------------------------------------------------------------


def test_twelve_strata_from_three_factors() -> None:
    names = design.stratum_names()
    assert len(names) == 2 * 3 * 2 == len(set(names))
    assert sum("mastectomy" in name for name in names) == 6


def test_simulated_strata_follow_the_shares() -> None:
    strata = pd.Series(design.simulate_strata(40_000, seed=11))
    mastectomy = strata.str.startswith("mastectomy").mean()
    four_or_more = strata.str.contains("≥4 nodes").mean()
    assert mastectomy == pytest.approx(design.ASSUMED_STRATUM_SHARES["surgery"][1], abs=0.01)
    assert four_or_more == pytest.approx(design.ASSUMED_STRATUM_SHARES["nodal status"][2], abs=0.01)


@pytest.mark.parametrize(
    "shares",
    [
        {"surgery": (0.5, 0.5), "nodal status": (0.5, 0.5), "PD-L1": (0.5, 0.5)},  # two levels for three
        {"surgery": (0.7, 0.7), "nodal status": (0.5, 0.3, 0.2), "PD-L1": (0.5, 0.5)},  # sums to 1.4
        {"surgery": (1.2, -0.2), "nodal status": (0.5, 0.3, 0.2), "PD-L1": (0.5, 0.5)},  # negative
        {"nodal status": (0.5, 0.3, 0.2), "surgery": (0.5, 0.5), "PD-L1": (0.5, 0.5)},  # wrong order
    ],
)
def test_simulate_strata_rejects_bad_shares(shares: dict[str, tuple[float, ...]]) -> None:
    with pytest.raises(DataError, match=r"simulate_strata\(shares"):
        design.simulate_strata(10, shares=shares)


@pytest.mark.parametrize("block_size", [2, 4, 6])
def test_permuted_blocks_keep_every_stratum_within_half_a_block(block_size: int) -> None:
    strata = design.simulate_strata(3000, seed=5)
    arms = design.randomise(strata, block_size=block_size, seed=6)
    for stratum in np.unique(strata):
        steps = np.where(arms[strata == stratum] == "atezolizumab", 1, -1)
        running = np.cumsum(steps)
        assert np.abs(running).max() <= block_size // 2
        # Every completed block is balanced.
        assert (running[block_size - 1 :: block_size] == 0).all()


def test_simple_randomisation_ignores_strata_and_drifts() -> None:
    balance = design.simulate_balance(2000, n_trials=400, seed=3)
    simple = balance[balance.method == "simple"]
    blocks = balance[balance.method == "permuted_block"]
    # |N(0, n)| has mean sqrt(2n/pi) ≈ 35.7 for n = 2000; 400 trials give an SE of about 1.4.
    assert simple.overall_imbalance.mean() == pytest.approx(math.sqrt(2 * 2000 / math.pi), abs=5)
    assert blocks.largest_stratum_imbalance.max() <= 2
    assert blocks.overall_imbalance.max() <= 2 * len(design.stratum_names())
    assert (simple.largest_stratum_imbalance.median()) > 5 * blocks.largest_stratum_imbalance.median()


def test_randomise_is_reproducible_and_accepts_any_labels() -> None:
    strata = [("BCS", "N0"), ("mastectomy", "N+")] * 10
    first = design.randomise(strata, seed=42)
    assert (first == design.randomise(strata, seed=42)).all()
    assert set(first) == {"atezolizumab", "chemotherapy"}
    simple = design.randomise(strata, method="simple", seed=42)
    assert len(simple) == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strata": ["a", "b"], "block_size": 3}, r"block_size=3\): a 1:1 block needs an even size"),
        ({"strata": ["a", "b"], "block_size": 0}, r"block_size=0\)"),
        ({"strata": ["a", "b"], "method": "coin"}, r"method='coin'\)"),
        ({"strata": []}, r"strata=\[\]\): there are no patients"),
        ({"strata": ["a", None, "b"]}, r"patient 1 \(0-based\) has no stratum"),
    ],
)
def test_randomise_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        design.randomise(**kwargs)  # type: ignore[arg-type]


def test_arm_differences_counts_by_hand() -> None:
    strata = ["x", "y", "x", "x", "y"]
    arms = ["atezolizumab", "atezolizumab", "chemotherapy", "atezolizumab", "atezolizumab"]
    table = design.arm_differences(strata, arms)
    assert table.loc["x"].tolist() == [2, 1, 1]
    assert table.loc["y"].tolist() == [2, 0, 2]
    with pytest.raises(DataError, match="3 strata but 2 arms"):
        design.arm_differences(["x", "y", "x"], arms[:2])
    with pytest.raises(DataError, match=r"patient 1 \(0-based\) has arm 'placebo'"):
        design.arm_differences(["x", "y"], ["atezolizumab", "placebo"])


# --- The futility rule --------------------------------------------------------------------


def test_futility_closed_form() -> None:
    assert design.futility_stop_probability(1.0, events=242) == pytest.approx(0.5)
    # Symmetry on the log scale: HR and 1/HR stop with complementary chances.
    assert design.futility_stop_probability(0.8, 242) + design.futility_stop_probability(1.25, 242) == pytest.approx(1)
    # With D chosen so that ln(0.75) sqrt(D)/2 = -1.96, a true HR of 0.75 stops 2.5% of the time.
    events = (2 * Z_975 / math.log(0.75)) ** 2
    assert design.futility_stop_probability(0.75, events) == pytest.approx(0.025, abs=1e-6)
    # A stricter boundary (stop only above 1.2) stops less often.
    assert design.futility_stop_probability(1.0, 242, boundary_hr=1.2) < 0.5
    with pytest.raises(DataError, match=r"boundary_hr=0"):
        design.futility_stop_probability(1.0, 242, boundary_hr=0)


def test_alexandra_interim_is_at_the_242nd_event() -> None:
    # 62% of 390 events is 241.8 (fact sheet): the interim is at the 242nd event.
    assert trial.alexandra_interim_events() == 242


# --- The precomputation script ------------------------------------------------------------


def test_script_runs_at_a_small_size(tmp_path: Path) -> None:
    written = design_simulations.main(
        ["--trials", "150", "--event-trials", "30", "--seed", "1", "--out", str(tmp_path)]
    )
    assert [path.name for path in written] == ["design_events.csv", "design_milestones.csv", "design_futility.csv"]
    for path in written:
        assert path.read_text(encoding="utf-8").startswith("# Simulated, not ALEXANDRA data. Made by: python scripts/")
    futility = pd.read_csv(tmp_path / "design_futility.csv", comment="#")
    assert futility.trials.eq(150).all() and futility.interim_events.eq(242).all()
    null = futility.set_index("hazard_ratio").loc[1.0, "stop_share"]
    assert 0.35 < null < 0.65  # 0.5 expected; 150 trials give an SE of 0.04
    milestones = pd.read_csv(tmp_path / "design_milestones.csv", comment="#", parse_dates=["median_date"])
    assert set(milestones.events) == {242, 390}


@pytest.mark.parametrize("name", ["design_events.csv", "design_milestones.csv", "design_futility.csv"])
def test_committed_simulations_match_the_current_model(name: str) -> None:
    path = SIMULATED / name
    assert "--trials 10000 --event-trials 1000 --seed 2025" in path.read_text(encoding="utf-8").splitlines()[0]
    table = pd.read_csv(path, comment="#")
    model = trial.alexandra_trial_model()
    assert table.enrolment_ramp_months.to_numpy() == pytest.approx(model.accrual.enrolment_shape.ramp_months, rel=1e-5)
    assert table.annual_loss.to_numpy() == pytest.approx(model.accrual.followup.annual_loss)
    constant = table[table.hazard_shape == 1.0] if "hazard_shape" in table else table
    assert constant.control_event_free_3y.to_numpy() == pytest.approx(model.control_event_free_3y, rel=1e-5)
