"""The calibration behind from_aggregates (alexandra.reconstruction._calibration): fit, draw, force."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alexandra import survival
from alexandra.reconstruction import _calibration as calibration

TARGETS = calibration.Targets(
    arms=("control", "new"),
    n={"control": 400, "new": 400},
    events={"control": 120, "new": 100},
    followup={"control": (30.0, 22.0, 38.0), "new": (30.0, 22.0, 38.0)},
    enrolment=24.0,
    cut=48.0,
    at_risk=None,
    hazard_ratio=None,
    landmark={},
    assessments=None,
)
FREE = ["ramp_fraction", "ramp_power", "end_rate", "loss", "rate_reference", "rate_treatment"]
FIXED = {"loss_difference": 0.0, "shape": 1.0}


def test_the_uniforms_are_latin_hypercube_strata_fixed_by_the_seed() -> None:
    uniforms = calibration.latin_hypercube(TARGETS, seed=3)
    for arm in TARGETS.arms:
        for draws in (uniforms[arm].entry, uniforms[arm].loss, uniforms[arm].event):
            strata = np.sort(np.floor(draws * TARGETS.n[arm]).astype(int))
            assert strata.tolist() == list(range(TARGETS.n[arm]))  # one draw in each of n equal strata
    again = calibration.latin_hypercube(TARGETS, seed=3)
    assert np.array_equal(again["new"].event, uniforms["new"].event)
    assert not np.array_equal(calibration.latin_hypercube(TARGETS, seed=4)["new"].event, uniforms["new"].event)


def test_the_fit_meets_the_expected_aggregates_and_the_draw_has_exact_events() -> None:
    data, model = calibration.calibrate(TARGETS, dict(FIXED), list(FREE), calibration.latin_hypercube(TARGETS, 1))
    assert data.groupby("arm").event.sum().to_dict() == TARGETS.events
    checks = {check.name: check for check in calibration.drawn_aggregates(data, TARGETS)}
    for arm in TARGETS.arms:
        for name in ("median", "q1", "q3"):
            check = checks[f"followup_{name}[{arm}]"]
            # Drawn once from the expected-value fit: within the half month the fit accepts, plus sampling.
            assert abs(check.achieved - check.target) < 1.0, check
    assert model.rate["new"] < model.rate["control"]  # fewer events with the same follow-up


def test_an_event_rate_is_kept_when_it_already_gives_the_events_and_moved_otherwise() -> None:
    unit_hazard, contact = np.array([0.1, 0.2, 0.3, 0.4]), np.ones(4)
    assert calibration._rate_with_exact_events(unit_hazard, contact, 1.0, 2, model_rate=0.25) == 0.25
    moved = calibration._rate_with_exact_events(unit_hazard, contact, 1.0, 2, model_rate=0.9)
    assert moved == pytest.approx(math.sqrt(0.2 * 0.3))
    assert int(np.sum(unit_hazard / moved <= contact)) == 2


def test_a_hazard_ratio_target_is_forced_on_the_drawn_patients() -> None:
    targets = calibration.Targets(**{**TARGETS.__dict__, "hazard_ratio": 0.8})
    free = [name for name in FREE if name != "rate_treatment"] + ["loss_difference"]
    fixed = {"shape": 1.0}
    data, _ = calibration.calibrate(targets, fixed, free, calibration.latin_hypercube(targets, 2))
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="control")
    assert cox.hr == pytest.approx(0.8, abs=1e-3)
    assert data.groupby("arm").event.sum().to_dict() == targets.events


def test_the_calibration_is_deterministic() -> None:
    uniforms = calibration.latin_hypercube(TARGETS, 5)
    first, _ = calibration.calibrate(TARGETS, dict(FIXED), list(FREE), uniforms)
    again, _ = calibration.calibrate(TARGETS, dict(FIXED), list(FREE), uniforms)
    assert first.equals(again)
