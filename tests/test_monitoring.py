"""alexandra.inference against R's rpact, and the dilution simulation at a small size.

The rpact numbers are in tests/r/rpact_reference.json, made by ``Rscript tests/r/rpact_reference.R``
(rpact 3.3.4, Debian r-cran-rpact); the tests need only the JSON. rpact computes its boundaries
to a tolerance of about 1e-8; the package agrees with it to better than 1e-7 in every number.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import stopping_simulation  # scripts/ is on the path (tests/conftest.py)
from alexandra import design, inference, published, trial
from alexandra.errors import DataError
from alexandra.inference import NormalPrior
from alexandra.published import find_data_dir

R_DIR = Path(__file__).parent / "r"
REFERENCE = json.loads((R_DIR / "rpact_reference.json").read_text())
DESIGNS = {(entry["spending"], entry["futility"]): entry for entry in REFERENCE["designs"]}
AGREEMENT = 1e-7  # absolute, on z values, probabilities and hazard ratios


def plan_for(spending: str, futility: str, interim_events: float = REFERENCE["interim_events"]) -> inference.Design:
    return inference.group_sequential_design(
        interim_events,
        REFERENCE["planned_events"],
        alpha=2 * REFERENCE["alpha_one_sided"],
        spending=spending,
        futility_z=None if futility == "none" else 0.0,
        binding=futility == "binding",
    )


def test_reference_is_rpacts_and_matches_the_book() -> None:
    assert REFERENCE["generated_by"] == "Rscript tests/r/rpact_reference.R"
    assert REFERENCE["rpact_version"] and REFERENCE["r_version"].startswith("R version ")
    assert REFERENCE["planned_events"] == published.get("idfs_events_planned").number
    assert REFERENCE["interim_events"] == trial.alexandra_interim_events()
    interim = REFERENCE["observed"]
    assert interim["hazard_ratio"] == published.get("interim_idfs_hr").number
    assert interim["events"] == sum(published.get("interim_idfs_events", arm=arm).number for arm in published.ARMS)
    assert set(DESIGNS) == {(s, f) for s in inference.SPENDING_FUNCTIONS for f in ("none", "non-binding", "binding")}


@pytest.mark.parametrize("key", sorted(DESIGNS), ids="-".join)
def test_boundaries_match_rpact(key: tuple[str, str]) -> None:
    expected = DESIGNS[key]
    plan = plan_for(*key)
    assert plan.efficacy_z == pytest.approx(expected["critical_values"], abs=AGREEMENT)
    assert plan.efficacy_hr == pytest.approx(expected["critical_values_hr"], abs=AGREEMENT)
    assert plan.nominal_levels == pytest.approx(expected["stage_levels"], abs=AGREEMENT)
    # rpact reports the binding design's spent alpha to its tolerance (0.02499999).
    assert plan.cumulative_alpha == pytest.approx(expected["alpha_spent"], abs=2e-8)
    if expected["futility_hr"] is not None:
        assert plan.futility_hr == pytest.approx(expected["futility_hr"], abs=AGREEMENT)


@pytest.mark.parametrize("key", sorted(DESIGNS), ids="-".join)
def test_operating_characteristics_match_rpact(key: tuple[str, str]) -> None:
    expected = DESIGNS[key]
    plan = plan_for(*key)
    for index, hr in enumerate(REFERENCE["hazard_ratios"]):
        result = inference.operating_characteristics(plan, hr)
        assert result.reject == pytest.approx(expected["overall_reject"][index], abs=AGREEMENT)
        assert result.reject_interim == pytest.approx(expected["reject_interim"][index], abs=AGREEMENT)
        assert result.reject_final == pytest.approx(expected["reject_final"][index], abs=AGREEMENT)
        assert result.stop_futility == pytest.approx(expected["futility_stop"][index], abs=AGREEMENT)
        assert result.expected_events == pytest.approx(expected["expected_events"][index], abs=1e-5)


@pytest.mark.parametrize("entry", REFERENCE["conditional_power"], ids=lambda entry: entry["spending"])
def test_conditional_power_matches_rpact(entry: dict[str, object]) -> None:
    events, hr = REFERENCE["observed"]["events"], REFERENCE["observed"]["hazard_ratio"]
    plan = plan_for(str(entry["spending"]), "none", interim_events=events)
    assert plan.efficacy_z == pytest.approx(entry["critical_values"], abs=AGREEMENT)
    design_cp = inference.boundary_conditional_power(plan, hr, events, assumed_hr=float(entry["design_hr"]))
    assert design_cp == pytest.approx(entry["under_design_hr"], abs=1e-9)
    assert inference.boundary_conditional_power(plan, hr, events) == pytest.approx(
        entry["under_current_trend"], abs=1e-12
    )


def test_type_one_error_with_and_without_futility() -> None:
    one_sided = REFERENCE["alpha_one_sided"]
    non_binding, binding = plan_for("obrien-fleming", "non-binding"), plan_for("obrien-fleming", "binding")
    obeyed = inference.operating_characteristics(non_binding, 1.0).reject
    ignored = inference.operating_characteristics(non_binding, 1.0, futility_obeyed=False).reject
    assert obeyed < ignored == pytest.approx(one_sided, abs=1e-9)
    # A binding boundary spends all of alpha only if the trial stops; ignoring it inflates the error.
    assert inference.operating_characteristics(binding, 1.0).reject == pytest.approx(one_sided, abs=1e-9)
    assert inference.operating_characteristics(binding, 1.0, futility_obeyed=False).reject > one_sided


@pytest.mark.parametrize("hr", [1.0, 0.9, 0.75])
def test_futility_stop_is_chapter_twos_closed_form(hr: float) -> None:
    plan = plan_for("pocock", "non-binding")
    expected = design.futility_stop_probability(hr, REFERENCE["interim_events"])
    assert inference.operating_characteristics(plan, hr).stop_futility == pytest.approx(expected, abs=1e-12)


def test_spending_functions_at_their_ends() -> None:
    for spending in inference.SPENDING_FUNCTIONS:
        assert inference.alpha_spent(1.0, spending=spending) == 0.025
        spent = [inference.alpha_spent(t, spending=spending) for t in (0.1, 0.5, 0.9)]
        assert spent == sorted(spent) and spent[0] > 0
    assert inference.alpha_spent(0.5) < inference.alpha_spent(0.5, spending="pocock")


def test_z_and_hr_scales_are_inverse() -> None:
    for hr in (0.6, 1.0, 1.3):
        assert inference.hr_from_z(inference.z_from_hr(hr, 242), 242) == pytest.approx(hr, rel=1e-12)
    assert inference.z_from_hr(1.12, 239) < 0  # worse on atezolizumab


def _predictive_by_integration(plan: inference.Design, hr: float, events: float, prior: NormalPrior) -> float:
    """Conditional power averaged over the posterior density, by quadrature."""
    posterior = inference.normal_posterior(prior, hr, math.sqrt(4 / events))
    mean, sd = posterior.mean_log_hr, posterior.sd

    def weighted(log_hr: float) -> float:
        density = stats.norm.pdf(log_hr, mean, sd)
        return density * inference.boundary_conditional_power(plan, hr, events, assumed_hr=math.exp(log_hr))

    value, _ = integrate.quad(weighted, mean - 10 * sd, mean + 10 * sd, epsabs=1e-12)
    return value


@pytest.mark.parametrize("prior", [NormalPrior(1.0, 10.0), NormalPrior(1.0, 0.175), NormalPrior(0.75, 0.175)])
@pytest.mark.parametrize("hr", [1.12, 0.9])
def test_predictive_power_is_conditional_power_averaged_over_the_posterior(prior: NormalPrior, hr: float) -> None:
    plan = plan_for("obrien-fleming", "none", interim_events=239)
    expected = _predictive_by_integration(plan, hr, 239, prior)
    assert inference.predictive_power(plan, hr, 239, prior) == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_predictive_power_with_a_sure_prior_is_conditional_power() -> None:
    plan = plan_for("obrien-fleming", "none", interim_events=239)
    sure = NormalPrior(0.75, 1e-6)
    expected = inference.boundary_conditional_power(plan, 1.12, 239, assumed_hr=0.75)
    assert inference.predictive_power(plan, 1.12, 239, sure) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    ("rule", "options"),
    [
        ("conditional power", {"assumed_hr": 0.75}),
        ("conditional power", {}),
        ("predictive power", {"prior": NormalPrior(1.0, 10.0)}),
    ],
)
def test_futility_z_is_where_the_rule_switches(rule: str, options: dict[str, object]) -> None:
    plan = plan_for("obrien-fleming", "none")
    z = inference.futility_z(plan, rule, 0.1, **options)  # type: ignore[arg-type]
    events = plan.interim_events

    def power(at: float) -> float:
        hr = inference.hr_from_z(at, events)
        if rule == "conditional power":
            return inference.boundary_conditional_power(plan, hr, events, options.get("assumed_hr"))  # type: ignore[arg-type]
        return inference.predictive_power(plan, hr, events, options["prior"])  # type: ignore[arg-type]

    assert power(z) == pytest.approx(0.1, abs=1e-9)
    assert power(z - 0.01) < 0.1 < power(z + 0.01)


def test_futility_z_of_the_hazard_ratio_rule() -> None:
    plan = plan_for("obrien-fleming", "none")
    assert inference.futility_z(plan, "hazard ratio", 1.0) == 0.0
    assert inference.futility_z(plan, "hazard ratio", 1.1) == pytest.approx(inference.z_from_hr(1.1, 242))


def test_bad_input_is_named() -> None:
    with pytest.raises(DataError, match=r"alpha_spent\(spending='haybittle'\): use one of"):
        inference.alpha_spent(0.5, spending="haybittle")
    with pytest.raises(DataError, match=r"alpha_spent\(information=1.5\)"):
        inference.alpha_spent(1.5)
    with pytest.raises(DataError, match=r"group_sequential_design\(interim_events=390\)"):
        inference.group_sequential_design(390, 390)
    with pytest.raises(DataError, match=r"group_sequential_design\(futility_z=3.0\): must be a number below"):
        inference.group_sequential_design(242, 390, futility_z=3.0)
    plan = plan_for("obrien-fleming", "none")
    with pytest.raises(DataError, match=r"futility_z\(rule='bayes'\)"):
        inference.futility_z(plan, "bayes", 0.1)
    with pytest.raises(DataError, match=r"futility_z\(rule='predictive power'\): give the prior"):
        inference.futility_z(plan, "predictive power", 0.1)
    with pytest.raises(DataError, match=r"predictive_power\(events=390\): nothing is left"):
        inference.predictive_power(plan, 1.0, 390, NormalPrior(1.0, 1.0))


# --- What the final hazard ratio estimates ------------------------------------------------------


def test_piecewise_simulation_dilutes_towards_one() -> None:
    model = trial.alexandra_trial_model()
    common = {"n_trials": 60, "seed": 3}
    lasting = inference.simulate_stopped_treatment(model, 0.6, 266, treatment_months=12, after_hr=0.6, **common)
    one_year = inference.simulate_stopped_treatment(model, 0.6, 266, treatment_months=12, **common)
    brief = inference.simulate_stopped_treatment(model, 0.6, 266, treatment_months=0.01, **common)
    assert np.exp(np.log(lasting.observed_hr).mean()) == pytest.approx(0.6, abs=0.05)
    assert np.log(lasting.observed_hr).mean() < np.log(one_year.observed_hr).mean() < -0.05
    assert np.exp(np.log(brief.observed_hr).mean()) == pytest.approx(1.0, abs=0.05)
    assert (one_year.mean_treatment_months == 12).all()


def test_stopping_everyone_cuts_the_treatment_of_the_last_patients() -> None:
    model = trial.alexandra_trial_model()
    stop = model.accrual.window_months  # the day the last patient enrols
    stopped = inference.simulate_stopped_treatment(model, 0.75, 200, treatment_months=12, stop_month=stop, n_trials=5)
    assert (stopped.mean_treatment_months < 12).all() and (stopped.mean_treatment_months > 6).all()
    with pytest.raises(DataError, match=r"simulate_stopped_treatment\(analysis_events=3000\)"):
        inference.simulate_stopped_treatment(model, 0.75, 3000, treatment_months=12)


def test_script_runs_at_a_small_size(tmp_path: Path) -> None:
    path = stopping_simulation.main(["--trials", "20", "--seed", "1", "--out", str(tmp_path)])
    assert path.read_text(encoding="utf-8").startswith(
        "# Simulated, not ALEXANDRA data. Made by: python scripts/stopping_simulation.py --trials 20 --seed 1\n"
    )
    table = pd.read_csv(path, comment="#")
    assert len(table) == len(stopping_simulation.ON_TREATMENT_HRS) * len(stopping_simulation.POLICIES)
    assert table.trials.eq(20).all() and table.analysis_events.eq(266).all()
    stopped = table[table.policy == "stopped for everyone"]
    assert (stopped.mean_treatment_months < 12).all()


def test_committed_dilution_table_matches_the_current_model() -> None:
    path = find_data_dir() / "simulated" / "stopping_dilution.csv"
    assert "--trials 2000 --seed 2025" in path.read_text(encoding="utf-8").splitlines()[0]
    table = pd.read_csv(path, comment="#")
    model = trial.alexandra_trial_model()
    assert table.enrolment_ramp_months.to_numpy() == pytest.approx(model.accrual.enrolment_shape.ramp_months, rel=1e-5)
    assert table.annual_loss.to_numpy() == pytest.approx(model.accrual.followup.annual_loss)
    assert table.control_event_free_3y.to_numpy() == pytest.approx(model.control_event_free_3y, rel=1e-5)
    assert set(table.policy) == set(stopping_simulation.POLICIES)
