"""Tests of alexandra.nph and alexandra.nph_estimates: agreement with R, input checks, properties.

The expected numbers of the agreement tests come from R (tests/r/nph_reference.R, which writes
tests/r/nph_reference.json from the data sets in tests/r/fixtures/).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from alexandra import survival
from alexandra.errors import DataError
from alexandra.survival import (
    maxcombo_test,
    piecewise_hazard_ratios,
    proportional_hazards_test,
    rmst_difference,
    weighted_logrank_scores,
    weighted_logrank_test,
)
from survival_reference import EVENT, GROUP, R_DIR, TIME, fixture

NPH = json.loads((R_DIR / "nph_reference.json").read_text())
NPH_FIXTURES = sorted(NPH["fixtures"])

#: Agreement with R: every number but the MaxCombo P value, which is integrated (see below).
TOLERANCE = 1e-6
#: The MaxCombo P value: scipy's and mvtnorm's quasi-Monte Carlo integrations, each to ~1e-5.
MAXCOMBO_TOLERANCE = 1e-4
#: Cox fits (piecewise hazard ratios): the book's Newton fit (alexandra.survival.cox_from_risk_sets) converges to 1e-12.
COX_TOLERANCE = 1e-6


def arguments(name: str) -> dict[str, Any]:
    data = fixture(name)
    return {
        "time": data["time"],
        "event": data["event"],
        "group": data["arm"],
        "reference": NPH["fixtures"][name]["reference"],
    }


# --------------------------------------------------------------------------------------------
# Agreement with R
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_fixtures_are_those_r_analysed(name: str) -> None:
    digest = hashlib.md5((R_DIR / "fixtures" / f"{name}.csv").read_bytes()).hexdigest()
    assert digest == NPH["fixtures"][name]["md5"]


@pytest.mark.parametrize("stratified", [False, True], ids=["unstratified", "stratified"])
@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_weighted_logrank_matches_survdiff_rho(name: str, stratified: bool) -> None:
    strata = fixture(name)["stratum"] if stratified else None
    for expected in NPH["fixtures"][name]["survdiff_stratified" if stratified else "survdiff"]:
        result = weighted_logrank_test(**arguments(name), rho=expected["rho"], strata=strata)
        assert result.statistic == pytest.approx(expected["chisq"], rel=TOLERANCE, abs=1e-12)
        assert result.o_minus_e == pytest.approx(expected["o_minus_e"], rel=TOLERANCE, abs=1e-12)
        assert result.variance == pytest.approx(expected["variance"], rel=TOLERANCE)


@pytest.mark.parametrize("stratified", [False, True], ids=["unstratified", "stratified"])
@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_weighted_logrank_matches_the_formulas_in_r(name: str, stratified: bool) -> None:
    strata = fixture(name)["stratum"] if stratified else None
    for expected in NPH["fixtures"][name]["fleming_harrington_stratified" if stratified else "fleming_harrington"]:
        result = weighted_logrank_test(**arguments(name), rho=expected["rho"], gamma=expected["gamma"], strata=strata)
        assert result.z == pytest.approx(expected["z"], rel=TOLERANCE, abs=1e-12)
        assert result.o_minus_e == pytest.approx(expected["o_minus_e"], rel=TOLERANCE, abs=1e-12)
        assert result.variance == pytest.approx(expected["variance"], rel=TOLERANCE)
        assert result.p_value == pytest.approx(expected["p_value"], rel=TOLERANCE)


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_maxcombo_matches_pmvnorm(name: str) -> None:
    expected = NPH["fixtures"][name]["maxcombo"]
    for alternative, key in (("two-sided", "p_two_sided"), ("less", "p_less"), ("greater", "p_greater")):
        result = maxcombo_test(**arguments(name), alternative=alternative)
        assert result.components["z"].to_numpy() == pytest.approx(expected["z"], rel=TOLERANCE, abs=1e-12)
        assert result.correlation == pytest.approx(np.array(expected["correlation"]), abs=TOLERANCE)
        assert result.p_value == pytest.approx(expected[key], abs=MAXCOMBO_TOLERANCE)


@pytest.mark.parametrize("transform", ["km", "identity", "rank"])
@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_proportional_hazards_test_matches_cox_zph(name: str, transform: str) -> None:
    expected = NPH["fixtures"][name]["zph"]
    result = proportional_hazards_test(**arguments(name), transform=transform)
    assert result.log_hr == pytest.approx(expected["log_hr"], abs=TOLERANCE)
    assert result.statistic == pytest.approx(expected[transform]["chisq"], rel=TOLERANCE)
    assert result.p_value == pytest.approx(expected[transform]["p_value"], rel=TOLERANCE)
    assert result.transform == transform


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_rmst_difference_and_ratio_match_survfit_rmean(name: str) -> None:
    expected = NPH["fixtures"][name]["rmst"]
    result = rmst_difference(**arguments(name), tau=expected["tau"])
    assert result.rmst == pytest.approx(expected["rmean"], rel=TOLERANCE)
    assert result.rmst_se == pytest.approx(expected["se"], rel=TOLERANCE)
    assert result.difference == pytest.approx(expected["difference"], rel=TOLERANCE, abs=1e-12)
    assert result.se == pytest.approx(expected["se_difference"], rel=TOLERANCE)
    assert result.ci == pytest.approx(expected["ci"], rel=TOLERANCE, abs=1e-12)
    assert result.ratio == pytest.approx(expected["ratio"], rel=TOLERANCE)
    assert result.ratio_ci == pytest.approx(expected["ratio_ci"], rel=TOLERANCE)


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_piecewise_hazard_ratios_match_coxph_on_survsplit_data(name: str) -> None:
    expected = NPH["fixtures"][name]["piecewise"]
    periods = piecewise_hazard_ratios(**arguments(name), cuts=expected["cuts"])
    assert periods["start"].tolist() == [0.0, *expected["cuts"]]
    assert periods["end"].tolist() == [*expected["cuts"], math.inf]
    assert periods["events"].tolist() == expected["events"]
    for column in ("hazard_ratio", "lower", "upper", "p_value"):
        assert periods[column].to_numpy() == pytest.approx(expected[column], rel=COX_TOLERANCE)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time": [1.0, 2.0, 3.0, -4.0, 5.0, 6.0]}, r"\(time\), row 3: -4.0 is negative"),
        ({"event": [1, 0, 2, 1, 0, 1]}, r"\(event\), row 2: 2.0 is not 0 \(censored\) or 1"),
        ({"group": ["a", "a", "a", "b", "b", "c"]}, r"\(group\): found 3 groups .*; exactly 2 are needed"),
        ({"group": ["a"] * 6}, r"\(group\): found 1 groups"),
        ({"reference": "placebo"}, r"\(reference='placebo'\): reference must be one of 'a', 'b'"),
    ],
)
@pytest.mark.parametrize(
    "function",
    [
        weighted_logrank_test,
        maxcombo_test,
        proportional_hazards_test,
        lambda **kwargs: rmst_difference(**kwargs, tau=3),
        lambda **kwargs: piecewise_hazard_ratios(**kwargs, cuts=[3]),
    ],
    ids=["weighted_logrank", "maxcombo", "zph", "rmst", "piecewise"],
)
def test_bad_patients_are_rejected(function: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        function(**({"time": TIME, "event": EVENT, "group": GROUP} | kwargs))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: weighted_logrank_test(TIME, EVENT, GROUP, rho=-1), r"weighted_logrank_test\(rho=-1\): rho must be"),
        (lambda: weighted_logrank_test(TIME, [0] * 6, GROUP), r"weighted_logrank_test\(event\): no events"),
        # G(0, 1) gives the first event time no weight: with one event time it has nothing to test.
        (lambda: weighted_logrank_test(TIME, [1, 0, 0, 0, 0, 0], GROUP, gamma=1), r"G\(0, 1\) is undefined"),
        (lambda: maxcombo_test(TIME, EVENT, GROUP, weights=[(0, 1, 2)]), r"maxcombo_test\(weights\): give"),
        (lambda: maxcombo_test(TIME, EVENT, GROUP, weights=[]), r"maxcombo_test\(weights\): give a non-empty"),
        (lambda: maxcombo_test(TIME, EVENT, GROUP, weights=[(0, "x")]), r"maxcombo_test\(gamma='x'\)"),
        (lambda: maxcombo_test(TIME, EVENT, GROUP, alternative="two.sided"), r"alternative must be one of"),
        (lambda: survival.maxcombo_p_value([1.0, 2.0], [[1.0]]), r"maxcombo_p_value\(correlation\): expected a 2 x 2"),
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=4.5), r"rmst_difference\(tau=4.5\): tau is after the last"),
        (lambda: rmst_difference(TIME, EVENT, GROUP, tau=3, level=95), r"rmst_difference\(level=95\)"),
        (lambda: piecewise_hazard_ratios(TIME, EVENT, GROUP, cuts=[3, 2]), r"\(cuts\): the cuts must be strictly"),
        (lambda: piecewise_hazard_ratios(TIME, EVENT, GROUP, cuts=[0]), r"\(cuts\): the cuts must be strictly"),
        (
            lambda: piecewise_hazard_ratios(TIME, EVENT, GROUP, cuts=[2]),
            r"group 'b' has no events in the period \(0, 2\]",
        ),
        (lambda: piecewise_hazard_ratios(TIME, EVENT, GROUP, cuts=[5]), r"\(cuts\): in the period \(0, 5\], the Cox"),
        (lambda: proportional_hazards_test(TIME, EVENT, GROUP, transform="log10"), r"transform must be one of"),
        (lambda: weighted_logrank_scores([[1.0, 2.0]], [[1, 2]], [True, False]), r"every event must be 0"),
        (lambda: weighted_logrank_scores([[1.0, -2.0]], [[1, 0]], [True, False]), r"every time must be"),
        (lambda: weighted_logrank_scores([1.0, 2.0], [1, 0], [True, False]), r"same shape \(trials, patients\)"),
    ],
)
def test_bad_arguments_are_rejected(call: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    return fixture("trial")


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_g00_is_the_logrank_test(name: str) -> None:
    data = fixture(name)
    for strata in (None, data["stratum"]):
        plain = survival.logrank_test(**arguments(name), strata=strata)
        weighted = weighted_logrank_test(**arguments(name), strata=strata)
        assert weighted.z == pytest.approx(plain.z, rel=1e-12)
        assert weighted.variance == pytest.approx(plain.variance, rel=1e-12)
        assert (weighted.reference, weighted.treatment, weighted.n_strata) == (
            plain.reference,
            plain.treatment,
            plain.n_strata,
        )


@pytest.mark.parametrize("name", NPH_FIXTURES)
def test_lifelines_agrees_on_tied_times_and_fails_on_a_time_zero(name: str) -> None:
    """lifelines 0.30's Fleming-Harrington test agrees with ours (and R) on tied times; it fails on a time 0.

    Its weights come from its Kaplan-Meier table, which gains no extra first row when a follow-up
    time is 0, so the weights are one short (book-stack trap 16 blames ties, but it is the zero).
    """
    from lifelines.statistics import logrank_test as lifelines_logrank

    data = fixture(name)
    control = data["arm"] == NPH["fixtures"][name]["reference"]
    for rho, gamma in ((0, 1), (1, 1)):
        theirs = lifelines_logrank(
            data["time"][control],
            data["time"][~control],
            data["event"][control],
            data["event"][~control],
            weightings="fleming-harrington",
            p=rho,
            q=gamma,
        )
        ours = weighted_logrank_test(**arguments(name), rho=rho, gamma=gamma)
        assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-9)
    # A patient censored at time 0 is at risk at no event time: it changes nothing for us.
    at_zero = pd.concat([data.iloc[:1].assign(time=0.0, event=0), data], ignore_index=True)
    control = at_zero["arm"] == NPH["fixtures"][name]["reference"]
    with pytest.raises(ValueError, match="Unable to coerce to Series"):
        lifelines_logrank(
            at_zero["time"][control],
            at_zero["time"][~control],
            at_zero["event"][control],
            at_zero["event"][~control],
            weightings="fleming-harrington",
            p=0,
            q=1,
        )
    shifted = weighted_logrank_test(
        at_zero["time"], at_zero["event"], at_zero["arm"], gamma=1, reference=NPH["fixtures"][name]["reference"]
    )
    assert shifted.z == pytest.approx(weighted_logrank_test(**arguments(name), gamma=1).z, rel=1e-12)


def test_swapping_the_reference_mirrors_every_result(trial: pd.DataFrame) -> None:
    one: dict[str, Any] = {"time": trial["time"], "event": trial["event"], "group": trial["arm"]}
    chemo, atezo = one | {"reference": "chemotherapy"}, one | {"reference": "atezolizumab"}
    for rho, gamma in ((0, 1), (1, 0), (0.5, 2)):
        first = weighted_logrank_test(**chemo, rho=rho, gamma=gamma, strata=trial["stratum"])
        second = weighted_logrank_test(**atezo, rho=rho, gamma=gamma, strata=trial["stratum"])
        assert second.z == pytest.approx(-first.z, rel=1e-12)
        assert second.variance == pytest.approx(first.variance, rel=1e-12)
    assert maxcombo_test(**atezo).p_value == pytest.approx(maxcombo_test(**chemo).p_value, abs=1e-12)
    less = maxcombo_test(**chemo, alternative="less")
    greater = maxcombo_test(**atezo, alternative="greater")
    assert greater.statistic == pytest.approx(-less.statistic, rel=1e-12)
    assert greater.p_value == pytest.approx(less.p_value, abs=1e-12)
    first_rmst, second_rmst = rmst_difference(**chemo, tau=36), rmst_difference(**atezo, tau=36)
    assert second_rmst.difference == pytest.approx(-first_rmst.difference, rel=1e-12)
    assert second_rmst.ratio == pytest.approx(1 / first_rmst.ratio, rel=1e-12)
    assert second_rmst.ratio_ci == pytest.approx((1 / first_rmst.ratio_ci[1], 1 / first_rmst.ratio_ci[0]), rel=1e-12)
    first_periods = piecewise_hazard_ratios(**chemo, cuts=[12, 24])
    second_periods = piecewise_hazard_ratios(**atezo, cuts=[12, 24])
    assert second_periods["hazard_ratio"].to_numpy() == pytest.approx(1 / first_periods["hazard_ratio"], rel=1e-6)
    first_ph, second_ph = proportional_hazards_test(**chemo), proportional_hazards_test(**atezo)
    assert second_ph.statistic == pytest.approx(first_ph.statistic, rel=1e-6)


def test_maxcombo_lies_between_its_best_component_and_bonferroni(trial: pd.DataFrame) -> None:
    result = maxcombo_test(trial["time"], trial["event"], trial["arm"])
    smallest = result.components["p_value"].min()
    assert smallest < result.p_value < len(result.components) * smallest
    assert result.statistic == pytest.approx(result.components["z"].abs().max(), rel=1e-12)
    # One component: the MaxCombo P value is that test's own.
    alone = maxcombo_test(trial["time"], trial["event"], trial["arm"], weights=[(0, 1)])
    single = weighted_logrank_test(trial["time"], trial["event"], trial["arm"], gamma=1)
    assert alone.p_value == pytest.approx(single.p_value, abs=1e-9)


def test_a_late_effect_is_found_by_g01_and_missed_by_g10() -> None:
    # Exponential times; from month 12 the treatment arm's hazard is a third of the control's.
    rng = np.random.default_rng(11)
    n = 400
    treated = np.arange(n) >= n // 2
    control_hazard = 0.05
    early = rng.exponential(1 / control_hazard, n)
    late = 12 + rng.exponential(1 / np.where(treated, control_hazard / 3, control_hazard), n)
    time = np.minimum(np.where(early < 12, early, late), 48.0)
    event = (time < 48).astype(int)
    late_test = weighted_logrank_test(time, event, treated, gamma=1)
    early_test = weighted_logrank_test(time, event, treated, rho=1)
    assert late_test.p_value < 1e-3 < early_test.p_value
    periods = piecewise_hazard_ratios(time, event, treated, cuts=[12])
    assert periods["upper"].iloc[1] < 1 < periods["upper"].iloc[0]
    assert proportional_hazards_test(time, event, treated).p_value < 0.05


def test_batched_scores_equal_one_test_per_trial() -> None:
    rng = np.random.default_rng(3)
    n_trials, n = 5, 60
    time = np.round(rng.exponential(20.0, (n_trials, n)))  # whole months: many ties
    event = rng.integers(0, 2, (n_trials, n))
    treated = np.arange(n) % 2 == 1
    scores = weighted_logrank_scores(time, event, treated)
    for trial_index in range(n_trials):
        single = maxcombo_test(time[trial_index], event[trial_index], treated)
        assert scores.z[trial_index] == pytest.approx(single.components["z"].to_numpy(), rel=1e-12)
        assert scores.correlation[trial_index] == pytest.approx(single.correlation, rel=1e-12)


def test_stratifying_by_a_constant_changes_nothing(trial: pd.DataFrame) -> None:
    plain = weighted_logrank_test(trial["time"], trial["event"], trial["arm"], rho=1, gamma=1)
    constant = weighted_logrank_test(
        trial["time"], trial["event"], trial["arm"], rho=1, gamma=1, strata=["x"] * len(trial)
    )
    assert constant.z == pytest.approx(plain.z, rel=1e-12)


def test_row_order_does_not_matter(trial: pd.DataFrame) -> None:
    shuffled = trial.sample(frac=1.0, random_state=5)
    base, other = (
        weighted_logrank_test(data["time"], data["event"], data["arm"], gamma=1, strata=data["stratum"])
        for data in (trial, shuffled)
    )
    assert other.z == pytest.approx(base.z, rel=1e-12)
    base_ph, other_ph = (
        proportional_hazards_test(data["time"], data["event"], data["arm"]) for data in (trial, shuffled)
    )
    assert other_ph.statistic == pytest.approx(base_ph.statistic, rel=1e-9)
