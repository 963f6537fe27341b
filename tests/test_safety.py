"""Tests of alexandra.inference against published examples and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alexandra.errors import DataError
from alexandra.inference import (
    Interval,
    counts_from_percent,
    harm_from_percentages,
    number_needed_to_harm,
    risk_difference,
    wilson_interval,
)

# Newcombe RG. Statistics in Medicine 1998;17:873-890, Table II, method 10 (hybrid score,
# no continuity correction): (events_a, n_a, events_b, n_b) -> (lower, upper) of p_a - p_b.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]

# Wilson intervals from R 4 (`prop.test(x, n, correct = FALSE)$conf.int`), an independent implementation.
R_WILSON = {
    (54, 100): (0.442649, 0.634392),
    (0, 10): (0.0, 0.277533),
}


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_interval_matches_newcombe_1998_table_2(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    rd = risk_difference(*counts)
    assert (rd.lower, rd.upper) == pytest.approx(expected, abs=5e-5)
    assert rd.estimate == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])


@pytest.mark.parametrize(("counts", "expected"), list(R_WILSON.items()))
def test_wilson_interval_matches_r(counts: tuple[int, int], expected: tuple[float, float]) -> None:
    interval = wilson_interval(*counts)
    assert (interval.lower, interval.upper) == pytest.approx(expected, abs=1e-6)


def test_wilson_interval_solves_the_score_equation() -> None:
    # The Wilson limits are the proportions pi at which |p - pi| = z * sqrt(pi (1 - pi) / n).
    events, n, z = 7, 1098, 1.959963985
    interval = wilson_interval(events, n)
    p = events / n
    for limit in (interval.lower, interval.upper):
        assert abs(p - limit) == pytest.approx(z * math.sqrt(limit * (1 - limit) / n), rel=1e-6)


def test_wald_interval_is_estimate_plus_minus_z_standard_errors() -> None:
    rd = risk_difference(595, 1101, 483, 1098, method="wald", level=0.90)
    p_a, p_b = 595 / 1101, 483 / 1098
    half_width = 1.644853627 * math.sqrt(p_a * (1 - p_a) / 1101 + p_b * (1 - p_b) / 1098)
    assert (rd.lower, rd.upper) == pytest.approx((p_a - p_b - half_width, p_a - p_b + half_width), rel=1e-7)
    assert rd.method == "Wald" and rd.level == 0.90


def test_newcombe_interval_is_wider_than_wald_for_a_rare_harm_with_zero_events() -> None:
    # With 0 events in one arm the Wald standard error of that arm is 0: its interval is too narrow,
    # and here it even excludes zero (4/300 vs 0/300: Wald lower limit about +0.0004).
    wald = risk_difference(4, 300, 0, 300, method="wald")
    newcombe = risk_difference(4, 300, 0, 300)
    assert newcombe.upper - newcombe.lower > wald.upper - wald.lower
    assert newcombe.lower < 0 < wald.lower


@pytest.mark.parametrize(
    ("percent", "n", "decimals"), [(54, 1101, 0), (44, 1098, 0), (0.8, 1101, 1), (0.6, 1098, 1), (0.75, 1200, 2)]
)
def test_counts_from_percent_finds_every_count_that_rounds_to_the_percentage(
    percent: float, n: int, decimals: int
) -> None:
    # Brute force: every k whose percentage is within half a printed unit (ends included).
    half_unit = 0.5 * 10.0**-decimals
    consistent = [k for k in range(n + 1) if abs(100 * k / n - percent) <= half_unit + 1e-9]
    counts = counts_from_percent(percent, n, decimals=decimals)
    assert (counts.lowest, counts.highest) == (consistent[0], consistent[-1])
    assert counts.nearest in consistent
    assert abs(counts.nearest - percent * n / 100) <= 0.5


def test_counts_from_percent_for_alexandra_fatal_events_is_unique() -> None:
    assert counts_from_percent(0.8, 1101, decimals=1).lowest == counts_from_percent(0.8, 1101, decimals=1).highest == 9
    assert counts_from_percent(0.6, 1098, decimals=1).nearest == 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percent": 50, "denominator": 3, "decimals": 0}, "no whole number of events out of 3 rounds to 50%"),
        ({"percent": 101, "denominator": 10, "decimals": 0}, "percent must be a number between 0 and 100"),
        (
            {"percent": 5, "denominator": 0, "decimals": 0},
            r"counts_from_percent\(denominator=0\): denominator must be a whole number, 1 or more",
        ),
        ({"percent": 5, "denominator": 10.5, "decimals": 0}, "denominator must be a whole number"),
        (
            {"percent": 5, "denominator": 10, "decimals": -1},
            r"counts_from_percent\(decimals=-1\): decimals must be a whole number, 0 or more",
        ),
    ],
)
def test_counts_from_percent_rejects_bad_input(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(DataError, match=message):
        counts_from_percent(kwargs["percent"], kwargs["denominator"], decimals=kwargs["decimals"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: wilson_interval(11, 10),
            r"wilson_interval\(events=11\): events must be a whole number between 0 and n=10",
        ),
        (lambda: wilson_interval(-1, 10), r"wilson_interval\(events=-1\): events must be a whole number, 0 or more"),
        (lambda: wilson_interval(1.5, 10), r"events must be a whole number"),
        (lambda: wilson_interval(True, 10), r"events must be a whole number"),
        (
            lambda: wilson_interval(1, 10, level=95),
            r"wilson_interval\(level=95\): level must be a number strictly between 0 and 1",
        ),
        (lambda: risk_difference(1, 10, 2, 0), r"risk_difference\(n_b=0\): n_b must be a whole number, 1 or more"),
        (
            lambda: risk_difference(1, 10, 2, 10, method="exact"),
            r"risk_difference\(method='exact'\): method must be one of 'newcombe', 'wald'",
        ),
    ],
)
def test_bad_counts_raise_data_error_naming_the_argument(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=message):
        call()


def test_counts_accept_numpy_integers_and_whole_floats() -> None:
    a = risk_difference(np.int64(595), 1101.0, 483, np.int32(1098))
    b = risk_difference(595, 1101, 483, 1098)
    assert (a.lower, a.upper) == (b.lower, b.upper)


def test_number_needed_to_harm_inverts_and_swaps_the_ends_when_all_harm() -> None:
    nnh = number_needed_to_harm(Interval(0.10, 0.04, 0.20, 0.95, "hand-made"))
    assert nnh.estimate == pytest.approx(10)
    assert nnh.harm_bound == pytest.approx(5) and nnh.benefit_bound is None
    assert not nnh.includes_infinity
    assert nnh.text() == "NNH 10 (95% CI 5 to 25)"


def test_number_needed_to_harm_when_the_treatment_spares_harm() -> None:
    nnh = number_needed_to_harm(Interval(-0.05, -0.10, -0.02, 0.95, "hand-made"))
    assert nnh.estimate == pytest.approx(-20)
    assert nnh.benefit_bound == pytest.approx(10) and nnh.harm_bound is None
    assert nnh.text() == "NNTB 20 (95% CI 10 to 50)"


def test_number_needed_to_harm_through_infinity_when_the_interval_crosses_zero() -> None:
    # Altman (1998): an interval for the risk difference from -5% to +25% inverts to
    # NNTB 20 ... infinity ... NNH 4, not to the "interval" between 4 and -20.
    nnh = number_needed_to_harm(Interval(0.10, -0.05, 0.25, 0.95, "hand-made"))
    assert nnh.includes_infinity
    assert nnh.harm_bound == pytest.approx(4) and nnh.benefit_bound == pytest.approx(20)
    assert nnh.text() == "NNH 10 (95% CI NNH 4 to ∞ to NNTB 20)"


def test_number_needed_to_harm_touching_zero_and_exactly_zero() -> None:
    touching = number_needed_to_harm(Interval(0.05, 0.0, 0.10, 0.95, "hand-made"))
    assert touching.includes_infinity and touching.benefit_bound is None
    assert touching.text() == "NNH 20 (95% CI NNH 10 to ∞)"
    none = number_needed_to_harm(Interval(0.0, -0.02, 0.04, 0.95, "hand-made"))
    assert none.estimate == math.inf
    assert none.text() == "no difference (NNH infinite) (95% CI NNH 25 to ∞ to NNTB 50)"


def test_harm_from_percentages_alexandra_grade_3_4() -> None:
    summary = harm_from_percentages(54, 1101, 44, 1098, decimals=0)
    assert (summary.events_a, summary.events_b) == (595, 483)
    assert summary.risk_difference.estimate == pytest.approx(595 / 1101 - 483 / 1098)
    # The excess of harm is clearly above zero: the interval of the NNH does not reach infinity.
    assert summary.risk_difference.lower > 0 and not summary.number_needed_to_harm.includes_infinity
    row = summary.as_row()
    assert row["events_a"] == 595 and row["n_b"] == 1098
    assert row["lower_pct"] == pytest.approx(100 * summary.risk_difference.lower)


def test_harm_from_percentages_alexandra_fatal_events_cross_zero() -> None:
    summary = harm_from_percentages(0.8, 1101, 0.6, 1098, decimals=1)
    assert summary.risk_difference.includes(0.0)
    assert summary.number_needed_to_harm.includes_infinity
    assert "∞" in summary.as_row()["nnh"]  # type: ignore[operator]


def test_rounding_extremes_take_opposite_ends_of_the_two_count_ranges() -> None:
    # 54% of 1101 can be 590..600 events, 44% of 1098 can be 478..488 (brute force in another test).
    least = harm_from_percentages(54, 1101, 44, 1098, decimals=0, counts="least excess")
    most = harm_from_percentages(54, 1101, 44, 1098, decimals=0, counts="most excess")
    assert (least.events_a, least.events_b) == (590, 488)
    assert (most.events_a, most.events_b) == (600, 478)
    nearest = harm_from_percentages(54, 1101, 44, 1098, decimals=0)
    assert least.risk_difference.estimate < nearest.risk_difference.estimate < most.risk_difference.estimate
    with pytest.raises(
        DataError,
        match=r"harm_from_percentages\(counts='worst'\): counts must be one of 'nearest', 'least excess', 'most excess'",
    ):
        harm_from_percentages(54, 1101, 44, 1098, decimals=0, counts="worst")


def test_smaller_denominators_widen_the_interval() -> None:
    full = harm_from_percentages(54, 1101, 44, 1098, decimals=0).risk_difference
    smaller = harm_from_percentages(54, 1000, 44, 1000, decimals=0).risk_difference
    assert smaller.upper - smaller.lower > full.upper - full.lower
