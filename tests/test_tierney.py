"""Tests of alexandra.survival with the published ALEXANDRA numbers.

The Tierney tests use the hand-computable ALEXANDRA numbers of the fact sheet.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from alexandra.errors import DataError
from alexandra.survival import tierney_from_ci, tierney_from_events, tierney_from_p


def test_tierney_from_ci_reproduces_the_hand_calculation() -> None:
    summary = tierney_from_ci(1.11, 0.87, 1.42)
    se_by_hand = (math.log(1.42) - math.log(0.87)) / (2 * 1.96)
    assert summary.se == pytest.approx(se_by_hand, rel=1e-4)
    assert summary.se == pytest.approx(0.125, abs=5e-4)
    assert summary.log_hr == pytest.approx(math.log(1.11))
    assert summary.variance_V == pytest.approx(1 / se_by_hand**2, rel=1e-3)
    assert summary.o_minus_e == pytest.approx(math.log(1.11) / se_by_hand**2, rel=1e-3)
    assert summary.wald_p == pytest.approx(0.40, abs=0.005)


def test_tierney_from_ci_uses_the_stated_level() -> None:
    at_95 = tierney_from_ci(1.11, 0.87, 1.42, level=0.95)
    at_90 = tierney_from_ci(1.11, 0.87, 1.42, level=0.90)
    assert at_90.se == pytest.approx(at_95.se * 1.959964 / 1.644854, rel=1e-6)


def test_tierney_from_p_matches_the_log_rank_p() -> None:
    # Fact sheet: the stratified log-rank P of .38 corresponds to z ≈ 0.878.
    summary = tierney_from_p(1.11, 0.38)
    assert summary.se == pytest.approx(math.log(1.11) / 0.878, rel=1e-3)
    assert summary.wald_p == pytest.approx(0.38, rel=1e-9)


def test_tierney_from_p_inverts_tierney_from_ci() -> None:
    from_ci = tierney_from_ci(0.8, 0.65, 0.98)
    from_p = tierney_from_p(0.8, from_ci.wald_p)
    assert from_p.se == pytest.approx(from_ci.se, rel=1e-9)
    assert from_p.o_minus_e == pytest.approx(from_ci.o_minus_e, rel=1e-9)
    assert from_p.o_minus_e < 0  # a hazard ratio below 1: fewer events than expected


def test_tierney_from_events_matches_the_fact_sheet() -> None:
    summary = tierney_from_events(1.11, 141, 125)
    assert summary.se == pytest.approx(math.sqrt(1 / 141 + 1 / 125))
    assert summary.se == pytest.approx(0.123, abs=5e-4)
    assert summary.variance_V == pytest.approx(141 * 125 / 266)
    lower = math.exp(math.log(1.11) - 1.96 * summary.se)
    upper = math.exp(math.log(1.11) + 1.96 * summary.se)
    assert (round(lower, 2), round(upper, 2)) == (0.87, 1.41)
    # Equal events: V is a quarter of the total, the familiar D / 4.
    assert tierney_from_events(1.0, 133, 133).variance_V == pytest.approx(266 / 4)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: tierney_from_ci(1.5, 0.87, 1.42), "hr"),
        (lambda: tierney_from_ci(1.11, 1.42, 0.87), "lower"),
        (lambda: tierney_from_ci(1.11, 0.0, 1.42), "lower"),
        (lambda: tierney_from_ci(1.11, 0.87, 1.42, level=95), "level"),
        (lambda: tierney_from_p(1.11, 0.0), "p_value"),
        (lambda: tierney_from_p(1.11, 1.2), "p_value"),
        (lambda: tierney_from_p(1.0, 0.5), "hr"),
        (lambda: tierney_from_p(-1.0, 0.5), "hr"),
        (lambda: tierney_from_events(1.11, 0, 125), "events_a"),
        (lambda: tierney_from_events(1.11, 141, math.nan), "events_b"),
    ],
)
def test_tierney_rejects_bad_input(call: Any, argument: str) -> None:
    with pytest.raises(DataError, match=rf"^tierney_from_\w+\({argument}="):
        call()
