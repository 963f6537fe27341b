"""The stratified Cox model and log-rank test, and the test of interaction, against R.

tests/r/stratified_reference.R writes tests/r/stratified_reference.json with R's ``coxph`` and
``survdiff`` (stratified by none, each and all of a fixture's factors) and
``coxph(Surv(time, event) ~ treated + treated:factor + strata(factor))``, on the fixtures of
tests/r/make_fixtures.R; ``prognostic.csv`` has strongly prognostic strata and tied times.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from alexandra import survival
from alexandra.errors import DataError
from survival_reference import R_DIR, fixture

STRATIFIED = json.loads((R_DIR / "stratified_reference.json").read_text())
FIXTURES = STRATIFIED["fixtures"]
ANALYSES = [(name, label) for name, found in FIXTURES.items() for label in found["analyses"]]
INTERACTIONS = [(name, factor) for name, found in FIXTURES.items() for factor in found["interactions"]]
TOLERANCE = 1e-6


def _strata(data: pd.DataFrame, columns: list[str]) -> Any:
    return None if not columns else survival.stratum_labels(data, columns)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_is_the_one_r_analysed(name: str) -> None:
    path = R_DIR / "fixtures" / f"{name}.csv"
    assert hashlib.md5(path.read_bytes()).hexdigest() == FIXTURES[name]["md5"]


@pytest.mark.parametrize(("name", "label"), ANALYSES)
def test_stratified_cox_matches_r(name: str, label: str) -> None:
    found = FIXTURES[name]
    expected = found["analyses"][label]
    data = fixture(name)
    fit = survival.cox_hazard_ratio(
        data.time, data.event, data.arm, strata=_strata(data, expected["strata"]), reference=found["reference"]
    )
    assert fit.log_hr == pytest.approx(expected["cox"]["coef"], abs=TOLERANCE)
    assert fit.se == pytest.approx(expected["cox"]["se"], abs=TOLERANCE)


@pytest.mark.parametrize(("name", "label"), ANALYSES)
def test_stratified_logrank_matches_r(name: str, label: str) -> None:
    found = FIXTURES[name]
    expected = found["analyses"][label]["logrank"]
    data = fixture(name)
    test = survival.logrank_test(
        data.time,
        data.event,
        data.arm,
        strata=_strata(data, found["analyses"][label]["strata"]),
        reference=found["reference"],
    )
    assert test.statistic == pytest.approx(expected["chisq"], abs=TOLERANCE)
    assert test.o_minus_e == pytest.approx(expected["o_minus_e"], abs=TOLERANCE)
    assert test.variance == pytest.approx(expected["variance"], abs=TOLERANCE)


def _efron_log_likelihood(beta: float, data: pd.DataFrame, treated: np.ndarray, strata: pd.Series) -> float:
    """The stratified log partial likelihood with Efron's ties, written out patient by patient."""
    total = 0.0
    for stratum in strata.unique():
        members = (strata == stratum).to_numpy()
        time, event, x = data.time.to_numpy()[members], data.event.to_numpy()[members], treated[members]
        for moment in np.unique(time[event == 1]):
            dying = (time == moment) & (event == 1)
            risk = np.exp(beta * x)
            at_risk, tied = risk[time >= moment].sum(), risk[dying].sum()
            d = int(dying.sum())
            total += beta * x[dying].sum() - sum(np.log(at_risk - k / d * tied) for k in range(d))
    return total


@pytest.mark.parametrize("label", ["none", "nodes", "nodes+surgery"])
def test_maximised_partial_likelihood_matches_r(label: str) -> None:
    # The likelihood the chapter maximises, written out, reaches R's maximum at R's coefficient.
    expected = FIXTURES["prognostic"]["analyses"][label]
    data = fixture("prognostic")
    treated = (data.arm == "experimental").to_numpy(dtype=float)
    strata = survival.stratum_labels(data, expected["strata"]) if expected["strata"] else pd.Series(["all"] * len(data))
    best = optimize.minimize_scalar(
        lambda beta: -_efron_log_likelihood(beta, data, treated, strata), bounds=(-2, 2), method="bounded"
    )
    assert best.x == pytest.approx(expected["cox"]["coef"], abs=1e-4)
    assert -best.fun == pytest.approx(expected["cox"]["loglik"], abs=TOLERANCE)


@pytest.mark.parametrize(("name", "factor"), INTERACTIONS)
def test_interaction_test_matches_r(name: str, factor: str) -> None:
    found = FIXTURES[name]
    expected = found["interactions"][factor]
    data = fixture(name)
    result = survival.interaction_test(data.time, data.event, data.arm, data[factor], reference=found["reference"])
    assert result.df == expected["df"]
    assert result.statistic == pytest.approx(expected["statistic"], abs=TOLERANCE)
    assert result.p_value == pytest.approx(expected["p_value"], abs=TOLERANCE)
    assert sorted(result.levels.index) == sorted(level["level"] for level in expected["levels"])
    for level in expected["levels"]:
        row = result.levels.loc[level["level"]]
        assert row.log_hr == pytest.approx(level["log_hr"], abs=TOLERANCE)
        assert row.se == pytest.approx(level["se"], abs=TOLERANCE)


def test_levels_are_the_cox_fits_within_each_level() -> None:
    data = fixture("prognostic")
    result = survival.interaction_test(data.time, data.event, data.arm, data.nodes, reference="control")
    for level, row in result.levels.iterrows():
        inside = data[data.nodes == level]
        alone = survival.cox_hazard_ratio(inside.time, inside.event, inside.arm, reference="control")
        assert row.hr == pytest.approx(alone.hr, rel=1e-9)
        assert (row.lower, row.upper) == pytest.approx((alone.lower, alone.upper), rel=1e-9)
        assert row.patients == len(inside) and row.events == inside.event.sum()
    assert list(result.levels.index) == ["0", "1-3", ">=4"]  # sorted, as printed


def test_a_common_effect_gives_no_heterogeneity() -> None:
    # The same patients copied into two levels: identical hazard ratios, Q = 0, P = 1.
    data = fixture("trial")
    doubled = pd.concat([data.assign(level="a"), data.assign(level="b")], ignore_index=True)
    result = survival.interaction_test(doubled.time, doubled.event, doubled.arm, doubled.level)
    assert result.statistic == pytest.approx(0.0, abs=1e-12)
    assert result.p_value == pytest.approx(1.0)
    assert result.levels.hr.nunique() == 1


def test_categorical_factor_keeps_its_order() -> None:
    data = fixture("prognostic")
    order = pd.Categorical(data.nodes, categories=[">=4", "1-3", "0"])
    result = survival.interaction_test(data.time, data.event, data.arm, order, reference="control")
    assert list(result.levels.index) == [">=4", "1-3", "0"]


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        (["a"] * 14, "found 1 level"),
        (["a"] * 7 + ["b"] * 7, "level 'a' has no events in group 'experimental'"),
        ([None] + ["a"] * 13, "row 0"),
    ],
)
def test_bad_factors_are_named(factor: list[Any], message: str) -> None:
    data = fixture("uncensored_arm")
    with pytest.raises(DataError, match=message):
        survival.interaction_test(data.time, data.event, data.arm, factor, reference="control")
