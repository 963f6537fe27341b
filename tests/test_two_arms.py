"""Tests of alexandra.survival: agreement with R's survival package, input checks, properties.

The expected numbers of the agreement tests come from R (tests/r/reference.R, which writes
tests/r/reference.json from the data sets in tests/r/fixtures/).
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from alexandra.errors import DataError
from alexandra.survival import cox_hazard_ratio, logrank_test, rmst_difference
from survival_reference import EVENT, FIXTURES, GROUP, REFERENCE, TIME, fixture


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


# --------------------------------------------------------------------------------------------
# Agreement with R
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


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
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=4.5), "after the last follow-up time 3.0 in group 'a'"),
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=3, level=1.5), r"rmst_difference\(level=1.5\): level must be"),
    ],
)
def test_rmst_difference_rejects_bad_input(call: Any, message: str) -> None:
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
