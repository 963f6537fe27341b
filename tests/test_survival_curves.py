"""Tests of alexandra.survival: agreement with R's survival package, input checks, properties.

The expected numbers of the agreement tests come from R (tests/r/reference.R, which writes
tests/r/reference.json from the data sets in tests/r/fixtures/).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from alexandra.errors import DataError
from alexandra.survival import FollowUp, kaplan_meier, number_at_risk, reverse_km_followup, rmst
from survival_reference import ARMS, EVENT, FIXTURES, REFERENCE, TIME, fixture


def r_numbers(values: list[Any]) -> np.ndarray:
    """R's numbers as floats, with R's NA (JSON null) as NaN."""
    return np.array([math.nan if value is None else value for value in values], dtype=float)


# --------------------------------------------------------------------------------------------
# Agreement with R
# --------------------------------------------------------------------------------------------


COLUMNS = ["time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper"]


def assert_frame_matches_r(frame: pd.DataFrame, expected: dict[str, list[Any]]) -> None:
    assert list(frame.columns) == COLUMNS
    for column in COLUMNS:
        np.testing.assert_allclose(
            frame[column].to_numpy(dtype=float),
            r_numbers(expected[column]),
            rtol=1e-6,
            atol=1e-12,
            equal_nan=True,
            err_msg=column,
        )


@pytest.mark.parametrize(("name", "arm"), ARMS)
def test_kaplan_meier_curve_matches_survfit(name: str, arm: str) -> None:
    data = fixture(name).query("arm == @arm")
    expected = REFERENCE["fixtures"][name]["kaplan_meier"][arm]
    assert_frame_matches_r(kaplan_meier(data["time"], data["event"]), expected["curve"])


@pytest.mark.parametrize(("name", "arm"), ARMS)
def test_kaplan_meier_at_times_matches_summary_survfit(name: str, arm: str) -> None:
    data = fixture(name).query("arm == @arm")
    expected = REFERENCE["fixtures"][name]["kaplan_meier"][arm]["at"]
    assert_frame_matches_r(kaplan_meier(data["time"], data["event"], at=expected["time"]), expected)


@pytest.mark.parametrize(("name", "arm"), ARMS)
def test_number_at_risk_matches_summary_survfit(name: str, arm: str) -> None:
    data = fixture(name).query("arm == @arm")
    expected = REFERENCE["fixtures"][name]["kaplan_meier"][arm]["at"]
    # In any order: the count at each time does not depend on the others.
    times = expected["time"][::-1]
    counts = number_at_risk(data["time"], data["event"], times)
    assert counts.tolist() == expected["n_risk"][::-1]


def assert_followup_matches_r(result: FollowUp, expected: dict[str, Any]) -> None:
    np.testing.assert_allclose(
        [result.q1, result.median, result.q3],
        r_numbers([expected["q1"], expected["median"], expected["q3"]]),
        rtol=1e-9,
        equal_nan=True,
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_reverse_km_followup_matches_quantile_survfit(name: str) -> None:
    data = fixture(name)
    assert_followup_matches_r(reverse_km_followup(data["time"], data["event"]), REFERENCE["fixtures"][name]["followup"])


@pytest.mark.parametrize(("name", "arm"), ARMS)
def test_reverse_km_followup_by_arm_matches_quantile_survfit(name: str, arm: str) -> None:
    data = fixture(name).query("arm == @arm")
    expected = REFERENCE["fixtures"][name]["followup_by_arm"][arm]
    assert_followup_matches_r(reverse_km_followup(data["time"], data["event"]), expected)


def test_followup_fixture_exercises_r_flat_segment_rules() -> None:
    # The "flat" fixture was built so that R's midpoint and end-of-curve rules and an
    # unreachable quartile all occur: R's answers differ from the first time at which the
    # reverse Kaplan-Meier curve reaches 1 - p.
    data = fixture("flat")
    expected = REFERENCE["fixtures"]["flat"]["followup"]
    reverse = kaplan_meier(data["time"], 1 - data["event"])
    for name, p in (("q1", 0.25), ("median", 0.5)):
        first_reaching = reverse["time"][reverse["survival"] <= 1 - p + 1e-12].iloc[0]
        assert expected[name] != first_reaching
    assert expected["q3"] is None
    assert math.isnan(reverse_km_followup(data["time"], data["event"]).q3)


@pytest.mark.parametrize("name", FIXTURES)
def test_rmst_matches_survfit_rmean(name: str) -> None:
    data = fixture(name)
    expected = REFERENCE["fixtures"][name]["rmst"]
    assert len(expected["rmean"]) == 2
    for arm in expected["rmean"]:
        members = data["arm"] == arm
        single = rmst(data["time"][members], data["event"][members], expected["tau"])
        assert (single.estimate, single.se) == pytest.approx((expected["rmean"][arm], expected["se"][arm]), rel=1e-6)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rmst(TIME, EVENT, tau=6.5), r"rmst\(tau=6.5\): tau is after the last follow-up time 6.0"),
        (lambda: rmst(TIME, EVENT, tau=0), r"rmst\(tau=0\): tau must be a number greater than 0"),
        (lambda: rmst(TIME, EVENT, tau=math.nan), r"rmst\(tau=nan\): tau must be a number greater than 0"),
        (
            lambda: kaplan_meier(TIME, EVENT, at=[3.0, 1.0]),
            r"kaplan_meier\(at\): the times must be strictly increasing",
        ),
        (lambda: kaplan_meier(TIME, EVENT, at=[-1.0, 1.0]), r"kaplan_meier\(at\), row 0: -1.0 is negative"),
        (lambda: kaplan_meier(TIME, [1, 0]), r"kaplan_meier\(time, event\): 6 values in time but 2 in event"),
        (lambda: number_at_risk(TIME, EVENT, [1.0, math.nan]), r"number_at_risk\(times\), row 1: the value is missing"),
        (lambda: reverse_km_followup(TIME, [1, 0, 1, 1, 0, 0.5]), r"reverse_km_followup\(event\), row 5"),
        (lambda: reverse_km_followup([-1.0], [1]), r"reverse_km_followup\(time\), row 0"),
    ],
)
def test_one_sample_functions_reject_bad_input(call: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def test_kaplan_meier_at_observed_times_equals_the_curve() -> None:
    trial = fixture("trial")
    curve = kaplan_meier(trial["time"], trial["event"])
    at = kaplan_meier(trial["time"], trial["event"], at=curve["time"])
    pd.testing.assert_frame_equal(at, curve)


def test_reverse_km_without_events_is_the_ordinary_median() -> None:
    # Nobody had the event: follow-up is fully observed and R's rule gives the sample
    # median and quartiles of type 2 (averaging at discontinuities).
    times = np.arange(1.0, 21.0)
    result = reverse_km_followup(times, np.zeros(20))
    assert (result.q1, result.median, result.q3) == (5.5, 10.5, 15.5)
    assert result.median == np.quantile(times, 0.5, method="averaged_inverted_cdf")
