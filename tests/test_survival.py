"""Tests of alexandra.survival: agreement with R's survival package, input checks, properties.

The expected numbers of the agreement tests come from R (tests/r/reference.R, which writes
tests/r/reference.json from the data sets in tests/r/fixtures/); the Tierney tests use the
hand-computable ALEXANDRA numbers of the fact sheet.
"""

from __future__ import annotations

import doctest
import hashlib
import json
import math
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from alexandra import survival
from alexandra.errors import DataError
from alexandra.survival import (
    cox_hazard_ratio,
    kaplan_meier,
    logrank_test,
    number_at_risk,
    reverse_km_followup,
    rmst,
    rmst_difference,
    tierney_from_ci,
    tierney_from_events,
    tierney_from_p,
)

R_DIR = Path(__file__).parent / "r"
REFERENCE = json.loads((R_DIR / "reference.json").read_text())
FIXTURES = sorted(REFERENCE["fixtures"])
ARMS = [(name, arm) for name in FIXTURES for arm in REFERENCE["fixtures"][name]["kaplan_meier"]]


def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(R_DIR / "fixtures" / f"{name}.csv")


def two_arm_arguments(name: str, stratified: bool) -> dict[str, Any]:
    """The arguments of logrank_test / cox_hazard_ratio for a fixture, as reference.R used them."""
    data = fixture(name)
    return {
        "time": data["time"],
        "event": data["event"],
        "group": data["arm"],
        "strata": data["stratum"] if stratified else None,
        "reference": REFERENCE["fixtures"][name]["reference"],
    }


def r_numbers(values: list[Any]) -> np.ndarray:
    """R's numbers as floats, with R's NA (JSON null) as NaN."""
    return np.array([math.nan if value is None else value for value in values], dtype=float)


# --------------------------------------------------------------------------------------------
# Agreement with R
# --------------------------------------------------------------------------------------------


def test_reference_numbers_belong_to_the_committed_fixtures() -> None:
    assert REFERENCE["generated_by"] == "Rscript tests/r/reference.R"
    assert len(FIXTURES) >= 4
    for name in FIXTURES:
        digest = hashlib.md5((R_DIR / "fixtures" / f"{name}.csv").read_bytes()).hexdigest()
        assert digest == REFERENCE["fixtures"][name]["md5"], f"{name}.csv changed: rerun tests/r/reference.R"


def test_fixtures_cover_the_hard_cases() -> None:
    ties = fixture("ties")
    tied = ties.groupby("time")["event"].agg(["min", "max"])
    assert ((tied["min"] == 0) & (tied["max"] == 1)).any()  # an event and a censoring at one time
    stratified = fixture("stratified")
    arms_per_stratum = stratified.groupby("stratum")["arm"].nunique()
    assert (arms_per_stratum == 1).any() and (arms_per_stratum == 2).any()
    assert fixture("censored")["event"].mean() < 0.2
    trial = fixture("trial")
    assert len(trial) >= 500 and trial["stratum"].nunique() >= 3


@pytest.mark.parametrize("stratified", [False, True], ids=["unstratified", "stratified"])
@pytest.mark.parametrize("name", FIXTURES)
def test_logrank_matches_survdiff(name: str, stratified: bool) -> None:
    expected = REFERENCE["fixtures"][name]["logrank_stratified" if stratified else "logrank"]
    result = logrank_test(**two_arm_arguments(name, stratified))
    assert result.statistic == pytest.approx(expected["chisq"], rel=1e-6, abs=1e-12)
    assert result.p_value == pytest.approx(expected["p_value"], rel=1e-6)
    assert result.variance == pytest.approx(expected["variance"], rel=1e-6)
    assert result.observed == expected["observed"]
    assert result.expected == pytest.approx(expected["expected"], rel=1e-6)
    treatment = REFERENCE["fixtures"][name]["treatment"]
    assert result.treatment == treatment
    assert result.o_minus_e == pytest.approx(
        expected["observed"][treatment] - expected["expected"][treatment], rel=1e-6, abs=1e-9
    )
    assert result.n == REFERENCE["fixtures"][name]["n"]


@pytest.mark.parametrize("stratified", [False, True], ids=["unstratified", "stratified"])
@pytest.mark.parametrize("name", FIXTURES)
def test_cox_matches_coxph_efron(name: str, stratified: bool) -> None:
    expected = REFERENCE["fixtures"][name]["cox_stratified" if stratified else "cox"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from lifelines may reach the reader
        result = cox_hazard_ratio(**two_arm_arguments(name, stratified))
    assert result.log_hr == pytest.approx(expected["coef"], abs=1e-4)
    assert result.se == pytest.approx(expected["se"], rel=1e-4)
    assert result.hr == pytest.approx(expected["hr"], rel=1e-4)
    assert result.lower == pytest.approx(expected["lower"], rel=1e-4)
    assert result.upper == pytest.approx(expected["upper"], rel=1e-4)
    assert result.p_value == pytest.approx(expected["p_value"], abs=1e-4)
    assert result.n_strata == (fixture(name)["stratum"].nunique() if stratified else 1)


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


def assert_followup_matches_r(result: survival.FollowUp, expected: dict[str, Any]) -> None:
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
    setting = REFERENCE["fixtures"][name]
    expected = setting["rmst"]
    tau = expected["tau"]
    difference = rmst_difference(data["time"], data["event"], data["arm"], tau, reference=setting["reference"])
    assert difference.rmst == pytest.approx(expected["rmean"], rel=1e-6)
    assert difference.rmst_se == pytest.approx(expected["se"], rel=1e-6)
    treatment, reference = setting["treatment"], setting["reference"]
    assert difference.estimate == pytest.approx(expected["rmean"][treatment] - expected["rmean"][reference], abs=1e-6)
    se = math.hypot(expected["se"][treatment], expected["se"][reference])
    assert difference.se == pytest.approx(se, rel=1e-6)
    assert difference.upper - difference.lower == pytest.approx(2 * 1.959964 * se, rel=1e-5)
    for arm in (treatment, reference):
        members = data["arm"] == arm
        single = rmst(data["time"][members], data["event"][members], tau)
        assert (single.estimate, single.se) == pytest.approx((expected["rmean"][arm], expected["se"][arm]), rel=1e-6)


def test_reference_records_r_versions() -> None:
    assert REFERENCE["r_version"].startswith("R version ")
    assert REFERENCE["survival_version"].count(".") >= 1


# --------------------------------------------------------------------------------------------
# Tierney et al. (2007) with the published ALEXANDRA numbers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------

TIME = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
EVENT = [1, 0, 1, 1, 0, 1]
GROUP = ["a", "a", "a", "b", "b", "b"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event": [1, 0, 1]}, r"\(time, event\): 6 values in time but 3 in event"),
        ({"group": ["a", "b"]}, r"\(time, group\): 6 values in time but 2 in group"),
        ({"strata": ["s"] * 5}, r"\(time, strata\): 6 values in time but 5 in strata"),
        ({"time": [1.0, math.nan, 3.0, 4.0, 5.0, 6.0]}, r"\(time\), row 1: the value is missing"),
        ({"time": [1.0, 2.0, "soon", 4.0, 5.0, 6.0]}, r"\(time\), row 2: 'soon' is not a number"),
        ({"time": [1.0, 2.0, 3.0, -4.0, 5.0, 6.0]}, r"\(time\), row 3: -4.0 is negative"),
        ({"time": [1.0, 2.0, 3.0, 4.0, math.inf, 6.0]}, r"\(time\), row 4: .* not a finite number"),
        ({"event": [1, 0, 2, 1, 0, 1]}, r"\(event\), row 2: 2.0 is not 0 \(censored\) or 1"),
        ({"event": [1, 0, None, 1, 0, 1]}, r"\(event\), row 2: the value is missing"),
        ({"group": ["a", "a", "a", "b", "b", "c"]}, "found 3 groups"),
        ({"group": ["a"] * 6}, "found 1 groups"),
        ({"group": ["a", "a", None, "b", "b", "b"]}, r"\(group\), row 2: the label is missing"),
        ({"group": pd.Categorical(GROUP, categories=["a", "b", "c"])}, "group 'c' has no patients"),
        ({"strata": ["x", "y", None, "x", "y", "x"]}, r"\(strata\), row 2: the label is missing"),
        ({"reference": "placebo"}, r"\(reference='placebo'\): reference must be one of 'a', 'b'"),
        ({"time": []}, r"\(time\): no values"),
        ({"time": [[1.0, 2.0], [3.0, 4.0]]}, r"\(time\): expected one value per row"),
    ],
)
@pytest.mark.parametrize("function", [logrank_test, cox_hazard_ratio], ids=["logrank", "cox"])
def test_two_group_functions_reject_bad_input(function: Any, kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"time": TIME, "event": EVENT, "group": GROUP} | kwargs
    with pytest.raises(DataError, match=message):
        function(**arguments)


def test_logrank_without_events_is_an_error() -> None:
    with pytest.raises(DataError, match=r"logrank_test\(event\): no events"):
        logrank_test(TIME, [0] * 6, GROUP)
    # Events only in a stratum holding one group carry no information either.
    with pytest.raises(DataError, match="no events in a stratum holding both groups"):
        logrank_test(TIME + [7.0], [0, 0, 0, 0, 0, 0, 1], GROUP + ["b"], strata=["s"] * 6 + ["t"])


def test_cox_without_events_in_one_group_is_an_error() -> None:
    with pytest.raises(DataError, match="group 'a' has no events"):
        cox_hazard_ratio(TIME, [0, 0, 0, 1, 0, 1], GROUP)


def test_cox_that_cannot_converge_is_an_error() -> None:
    # Group b's events all fall in stratum t, where nobody is in group a: within strata,
    # group b never has an event while compared with group a, so the HR tends to 0.
    time_ = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 2.5, 3.5]
    event = [1, 1, 0, 0, 0, 0, 1, 1]
    group = ["a", "a", "a", "b", "b", "b", "b", "b"]
    strata = ["s"] * 6 + ["t", "t"]
    with pytest.raises(DataError, match="did not converge"):
        cox_hazard_ratio(time_, event, group, strata=strata)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rmst(TIME, EVENT, tau=6.5), r"rmst\(tau=6.5\): tau is after the last follow-up time 6.0"),
        (lambda: rmst(TIME, EVENT, tau=0), r"rmst\(tau=0\): tau must be a number greater than 0"),
        (lambda: rmst(TIME, EVENT, tau=math.nan), r"rmst\(tau=nan\): tau must be a number greater than 0"),
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=4.5), "after the last follow-up time 3.0 in group 'a'"),
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=3, level=1.5), r"rmst_difference\(level=1.5\): level must be"),
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


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    return fixture("trial")


def test_stratifying_by_a_constant_changes_nothing(trial: pd.DataFrame) -> None:
    plain = logrank_test(trial["time"], trial["event"], trial["arm"])
    constant = logrank_test(trial["time"], trial["event"], trial["arm"], strata=["all"] * len(trial))
    assert constant.statistic == pytest.approx(plain.statistic, rel=1e-12)
    assert constant.variance == pytest.approx(plain.variance, rel=1e-12)
    cox_plain = cox_hazard_ratio(trial["time"], trial["event"], trial["arm"])
    cox_constant = cox_hazard_ratio(trial["time"], trial["event"], trial["arm"], strata=np.zeros(len(trial)))
    assert cox_constant.log_hr == pytest.approx(cox_plain.log_hr, abs=1e-8)


def test_swapping_the_reference_flips_the_sign(trial: pd.DataFrame) -> None:
    one = logrank_test(trial["time"], trial["event"], trial["arm"], strata=trial["stratum"], reference="chemotherapy")
    other = logrank_test(trial["time"], trial["event"], trial["arm"], strata=trial["stratum"], reference="atezolizumab")
    assert other.o_minus_e == pytest.approx(-one.o_minus_e, rel=1e-12)
    assert other.z == pytest.approx(-one.z, rel=1e-12)
    assert other.statistic == pytest.approx(one.statistic, rel=1e-12)
    assert other.observed == one.observed and other.expected == pytest.approx(one.expected)
    hr_one = cox_hazard_ratio(trial["time"], trial["event"], trial["arm"], reference="chemotherapy")
    hr_other = cox_hazard_ratio(trial["time"], trial["event"], trial["arm"], reference="atezolizumab")
    assert hr_other.hr == pytest.approx(1 / hr_one.hr, rel=1e-6)
    assert (hr_other.lower, hr_other.upper) == pytest.approx((1 / hr_one.upper, 1 / hr_one.lower), rel=1e-6)


def test_default_reference_is_the_first_sorted_label_or_category(trial: pd.DataFrame) -> None:
    assert logrank_test(trial["time"], trial["event"], trial["arm"]).reference == "atezolizumab"
    ordered = pd.Categorical(trial["arm"], categories=["chemotherapy", "atezolizumab"])
    result = logrank_test(trial["time"], trial["event"], ordered)
    assert (result.reference, result.treatment) == ("chemotherapy", "atezolizumab")


def test_stratified_sums_equal_the_per_stratum_tests(trial: pd.DataFrame) -> None:
    stratified = logrank_test(trial["time"], trial["event"], trial["arm"], strata=trial["stratum"])
    parts = [
        logrank_test(part["time"], part["event"], part["arm"], reference=stratified.reference)
        for _, part in trial.groupby("stratum")
    ]
    assert stratified.o_minus_e == pytest.approx(sum(part.o_minus_e for part in parts), rel=1e-12)
    assert stratified.variance == pytest.approx(sum(part.variance for part in parts), rel=1e-12)
    assert stratified.n_strata == len(parts)


def test_row_order_and_stratum_labels_do_not_matter(trial: pd.DataFrame) -> None:
    base = logrank_test(trial["time"], trial["event"], trial["arm"], strata=trial["stratum"])
    shuffled = trial.sample(frac=1.0, random_state=7)
    relabelled = shuffled["stratum"].map({label: i for i, label in enumerate(sorted(trial["stratum"].unique()))})
    other = logrank_test(shuffled["time"], shuffled["event"], shuffled["arm"], strata=relabelled)
    assert other.statistic == pytest.approx(base.statistic, rel=1e-12)
    assert other.expected == pytest.approx(base.expected, rel=1e-12)


def test_kaplan_meier_at_observed_times_equals_the_curve(trial: pd.DataFrame) -> None:
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


def test_logrank_is_fast_on_a_large_trial() -> None:
    rng = np.random.default_rng(5)
    n = 100_000
    data: dict[str, Any] = {
        "time": np.round(rng.exponential(40.0, n), 2),
        "event": rng.integers(0, 2, n),
        "group": rng.choice(["atezolizumab", "chemotherapy"], n),
        "strata": rng.integers(0, 12, n),
    }
    start = time.perf_counter()
    result = logrank_test(**data)
    elapsed = time.perf_counter() - start
    assert result.n_strata == 12
    assert elapsed < 1.0, f"logrank_test took {elapsed:.2f} s on 100 000 patients"


def test_docstring_examples_run() -> None:
    failures, attempted = doctest.testmod(survival, verbose=False)
    assert attempted >= 10
    assert failures == 0
