"""Tests of alexandra.inference: each closed form against an independent route to the same number.

Independent routes: textbook identities (Schoenfeld's formula as alexandra.design inverts it,
Tierney's events formula from alexandra.survival), numerical integration of prior × likelihood,
Monte Carlo simulation of the Brownian motion and of subgroup estimates, and the normal
approximation against the simulated trials of alexandra.design.
"""

from __future__ import annotations

import math
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alexandra import inference, published, trial
from alexandra.design import detectable_hazard_ratio
from alexandra.errors import DataError
from alexandra.survival import tierney_from_ci, tierney_from_events

Z = stats.norm.isf(0.025)
EVENTS = 266.0
HR, LOWER, UPPER = 1.11, 0.87, 1.42
SE = tierney_from_ci(HR, LOWER, UPPER).se


def monte_carlo_tolerance(p: float, n: int) -> float:
    """Four Monte Carlo standard errors of a proportion (and a floor for p near 0 or 1)."""
    return 4 * math.sqrt(max(p * (1 - p), 1e-4) / n)


# ---------------------------------------------------------------- 1. events and precision


def test_standard_error_matches_tierney_for_an_even_split() -> None:
    for events in (50, 266, 390, 1000):
        expected = tierney_from_events(1.0, events / 2, events / 2).se
        assert inference.precision_for_events(events, 0.8).se_log_hr == pytest.approx(expected, rel=1e-12)


def test_ci_is_symmetric_on_the_log_scale_around_the_true_hr() -> None:
    result = inference.precision_for_events(266, true_hr=0.75)
    assert result.lower * result.upper == pytest.approx(0.75**2, rel=1e-12)
    assert result.upper / result.lower == pytest.approx(result.ci_ratio, rel=1e-12)
    assert result.lower < 0.75 < result.upper


@pytest.mark.parametrize(("hr", "power"), [(0.75, 0.8), (0.75, 0.9), (0.6, 0.8), (1.3, 0.8)])
def test_power_at_schoenfelds_event_count(hr: float, power: float) -> None:
    # Schoenfeld (1983): D = 4 (z_{1-α/2} + z_power)² / ln(HR)² events give that power.
    events = 4 * (Z + stats.norm.ppf(power)) ** 2 / math.log(hr) ** 2
    # The opposite tail adds a negligible amount (< 1e-6 here).
    assert inference.precision_for_events(events, hr).power == pytest.approx(power, abs=1e-5)


def test_power_against_simulated_trials() -> None:
    rng = np.random.default_rng(11)
    result = inference.precision_for_events(266, true_hr=0.8)
    estimates = rng.normal(math.log(0.8), result.se_log_hr, 200_000)
    simulated = np.mean(np.abs(estimates) / result.se_log_hr > Z)
    assert result.power == pytest.approx(simulated, abs=monte_carlo_tolerance(result.power, estimates.size))


def test_no_effect_gives_alpha_and_p_value_one() -> None:
    result = inference.precision_for_events(266, true_hr=1.0)
    assert result.power == pytest.approx(0.05, abs=1e-12)
    assert result.p_value == pytest.approx(1.0, abs=1e-12)


def test_power_at_the_detectable_hr_of_the_design_module() -> None:
    # alexandra.design inverts Schoenfeld's formula on its own: its HR must get the asked power.
    for events in (100, 266, 800):
        hr = detectable_hazard_ratio(events, power=0.85)
        assert inference.precision_for_events(events, hr).power == pytest.approx(0.85, abs=1e-4)


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: inference.precision_for_events(0, 0.8), "events"),
        (lambda: inference.precision_for_events(266, -1), "true_hr"),
        (lambda: inference.precision_for_events(266, 0.8, level=1.5), r"precision_for_events\(level=1.5\)"),
        (lambda: inference.precision_for_events("266", 0.8), "events"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_names_the_argument(call: object, named: str) -> None:
    with pytest.raises(DataError, match=named):
        call()  # type: ignore[operator]


# ---------------------------------------------------------------- 2. reading the CI


def test_benefit_at_the_ci_limit_has_one_sided_p_of_alpha_over_2() -> None:
    lower_limit = math.exp(math.log(HR) - Z * SE)
    check = inference.check_benefit(HR, SE, lower_limit)
    assert check.p_value == pytest.approx(0.025, abs=1e-12)
    assert check.relative_likelihood == pytest.approx(math.exp(-(Z**2) / 2), rel=1e-12)
    assert check.lower == pytest.approx(lower_limit, rel=1e-12)


def test_inside_ci_agrees_with_the_one_sided_p_value() -> None:
    for benefit in np.round(np.arange(0.6, 1.0001, 0.01), 2):
        check = inference.check_benefit(HR, SE, float(benefit))
        assert check.inside_ci == (check.p_value >= 0.025)


def test_no_effect_gives_the_wald_p_of_the_fact_sheet() -> None:
    # Fact sheet (derived tier): Wald P from the published HR and CI ≈ 0.40.
    assert 2 * inference.check_benefit(HR, SE, 1.0).p_value == pytest.approx(0.40, abs=0.005)
    assert 2 * inference.check_benefit(HR, SE, 1.0).p_value == pytest.approx(tierney_from_ci(HR, LOWER, UPPER).wald_p)


def test_the_best_supported_hr_has_relative_likelihood_one() -> None:
    assert inference.check_benefit(HR, SE, HR).relative_likelihood == pytest.approx(1.0)


# ---------------------------------------------------------------- 3. Bayesian reanalysis


def grid_posterior(prior: inference.NormalPrior, hr: float, se: float) -> dict[str, float]:
    """Prior × likelihood on a fine grid, normalised numerically: no conjugate algebra."""
    log_hr = np.linspace(-3, 3, 600_001)
    weight = stats.norm.pdf(log_hr, prior.mean_log_hr, prior.sd) * stats.norm.pdf(math.log(hr), log_hr, se)
    cdf = np.cumsum(weight) / weight.sum()
    quantile = lambda p: math.exp(float(np.interp(p, cdf, log_hr)))  # noqa: E731
    return {
        "median_hr": quantile(0.5),
        "lower": quantile(0.025),
        "upper": quantile(0.975),
        "p_below_1": float(np.interp(0.0, log_hr, cdf)),
        "p_below_0_9": float(np.interp(math.log(0.9), log_hr, cdf)),
    }


@pytest.mark.parametrize(
    "prior",
    [inference.NormalPrior(1.0, 0.175), inference.NormalPrior(0.75, 0.175), inference.NormalPrior(1.3, 0.5)],
)
def test_posterior_matches_numerical_integration(prior: inference.NormalPrior) -> None:
    posterior = inference.normal_posterior(prior, HR, SE)
    for name, value in grid_posterior(prior, HR, SE).items():
        assert getattr(posterior, name) == pytest.approx(value, abs=2e-4), name


def test_non_informative_prior_restates_the_trial() -> None:
    posterior = inference.normal_posterior(inference.prior_presets(0.75)["non-informative"], HR, SE)
    assert posterior.median_hr == pytest.approx(HR, rel=1e-3)
    # P(HR < 1) with a flat prior is the one-sided P value for "no effect".
    assert posterior.p_below_1 == pytest.approx(inference.check_benefit(HR, SE, 1.0).p_value, abs=1e-3)


def test_reference_priors_put_the_tail_where_they_say() -> None:
    presets = inference.prior_presets(0.75, tail=0.05)
    sceptical, enthusiastic = presets["sceptical"], presets["enthusiastic"]
    assert stats.norm.cdf(math.log(0.75), sceptical.mean_log_hr, sceptical.sd) == pytest.approx(0.05)
    assert stats.norm.sf(0.0, enthusiastic.mean_log_hr, enthusiastic.sd) == pytest.approx(0.05)


def test_probability_below_is_monotone_and_matches_fields() -> None:
    posterior = inference.normal_posterior(inference.NormalPrior(0.9, 0.3), HR, SE)
    assert posterior.probability_below(1.0) == posterior.p_below_1
    assert posterior.probability_below(0.8) < posterior.probability_below(0.9) < posterior.probability_below(1.0)


def test_prior_presets_reject_a_harmful_design_hr() -> None:
    with pytest.raises(DataError, match="design_hr"):
        inference.prior_presets(1.2)


# ---------------------------------------------------------------- 4. conditional power


@pytest.mark.parametrize(
    ("observed_hr", "events", "assumed_hr"),
    [(1.11, 266, 0.75), (1.11, 266, 0.5), (0.85, 200, 0.8), (0.9, 100, 1.0), (0.8, 300, 0.8)],
)
def test_conditional_power_against_simulated_brownian_motion(
    observed_hr: float, events: float, assumed_hr: float
) -> None:
    planned = 390.0
    result = inference.conditional_power(observed_hr, events, planned, assumed_hr)
    # Simulate B(s) from s = t to 1 in small independent Gaussian steps with drift θ.
    t = events / planned
    theta = -math.log(assumed_hr) * math.sqrt(planned / 4)
    b_now = -math.log(observed_hr) * math.sqrt(events / 4) * math.sqrt(t)
    n_paths, n_steps = 200_000, 20
    step = (1 - t) / n_steps
    rng = np.random.default_rng(5)
    b_end = b_now + rng.normal(theta * step, math.sqrt(step), size=(n_paths, n_steps)).sum(axis=1)
    simulated = float(np.mean(b_end >= Z))
    assert result.probability == pytest.approx(simulated, abs=monte_carlo_tolerance(simulated, n_paths))


def test_conditional_power_at_the_start_is_the_power() -> None:
    design_hr = detectable_hazard_ratio(390)
    start = inference.conditional_power(1.0, 1e-9, 390, assumed_hr=design_hr)
    # One-sided power: the two-sided power minus its (negligible) wrong-direction tail.
    assert start.probability == pytest.approx(0.8, abs=1e-6)


def test_conditional_power_current_trend_and_b_value() -> None:
    result = inference.conditional_power(1.11, 266, 390, assumed_hr=1.11)
    assert result.drift == pytest.approx(result.z_now / math.sqrt(result.information_fraction))
    assert result.b_value == pytest.approx(result.z_now * math.sqrt(266 / 390))
    assert result.z_now < 0  # an HR above 1 points away from benefit


def test_conditional_power_needs_events_left() -> None:
    with pytest.raises(DataError, match="planned_events"):
        inference.conditional_power(1.11, 390, 390, assumed_hr=0.75)


# ---------------------------------------------------------------- 5. sampling variability


def test_committed_simulation_agrees_with_the_normal_approximation() -> None:
    """Each simulated share against the normal law of the log HR with SE sqrt(4/D)."""
    _, summary = inference.load_sampling()
    se = math.sqrt(4 / EVENTS)
    for row in summary.itertuples():
        shift = math.log(row.true_hr) / se
        expected = {
            "share_at_least_published": inference.probability_observed_at_least(HR, row.true_hr, EVENTS),
            "share_significant_benefit": stats.norm.cdf(-Z - shift),
            "share_significant_harm": stats.norm.sf(Z - shift),
        }
        for name, value in expected.items():
            # Four Monte Carlo SEs, plus 0.01 for the approximation itself.
            tolerance = monte_carlo_tolerance(value, row.trials) + 0.01
            assert getattr(row, name) == pytest.approx(value, abs=tolerance), (row.true_hr, name)
        assert row.median_observed_hr == pytest.approx(row.true_hr, rel=0.03)


def test_histogram_has_an_edge_at_the_published_hr_and_matches_the_summary() -> None:
    histogram, summary = inference.sampling_distribution(
        trial.alexandra_trial_model(), [0.9, 1.1], n_trials=200, seed=1, published_hr=HR, events=266
    )
    for true_hr, bins in histogram.groupby("true_hr"):
        row = inference.sampling_row(summary, true_hr)
        assert bins["trials"].sum() == 200
        assert np.isclose(bins["bin_lower"], HR).any() or np.isclose(bins["bin_upper"], HR).any()
        at_least = bins.loc[bins["bin_lower"] >= HR - 1e-9, "trials"].sum() / 200
        assert at_least == pytest.approx(row["share_at_least_published"])


def test_script_runs_at_a_tiny_size(tmp_path: Path) -> None:
    from precompute_sampling import main

    written = main(["--trials", "20", "--true-hrs", "0.8,1.2", "--seed", "3", "--out", str(tmp_path)])
    assert sorted(path.name for path in written) == sorted(inference.SAMPLING_FILES.values())
    assert all(path.read_text().startswith("# SIMULATED") for path in written)
    histogram, summary = inference.load_sampling(tmp_path)
    assert summary["true_hr"].tolist() == [0.8, 1.2]
    assert summary["trials"].tolist() == [20, 20]


@pytest.mark.regeneration
def test_committed_files_are_what_their_command_makes(tmp_path: Path) -> None:
    """Rerun the command written in the committed file, for one true HR, and compare."""
    from precompute_sampling import main

    folder = published.find_data_dir() / "simulated"
    header = (folder / inference.SAMPLING_FILES["summary"]).read_text().splitlines()[0]
    arguments = shlex.split(header.split("Made by: ")[1])[2:]  # drop "python script.py"
    one_hr = [*arguments[: arguments.index("--true-hrs")], "--true-hrs", "0.85", "--out", str(tmp_path)]
    main(one_hr)
    committed_histogram, committed_summary = inference.load_sampling(folder)
    new_histogram, new_summary = inference.load_sampling(tmp_path)
    pd.testing.assert_frame_equal(
        new_summary.reset_index(drop=True),
        committed_summary[np.isclose(committed_summary["true_hr"], 0.85)].reset_index(drop=True),
        check_dtype=False,  # a column of zeros reads back as integers
    )
    pd.testing.assert_frame_equal(
        new_histogram.reset_index(drop=True),
        committed_histogram[np.isclose(committed_histogram["true_hr"], 0.85)].reset_index(drop=True),
        check_dtype=False,
    )


def test_load_sampling_reports_missing_and_inconsistent_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="sampling_histogram.csv: missing"):
        inference.load_sampling(tmp_path)
    folder = published.find_data_dir() / "simulated"
    for name in inference.SAMPLING_FILES.values():
        (tmp_path / name).write_text((folder / name).read_text())
    summary_path = tmp_path / inference.SAMPLING_FILES["summary"]
    summary_path.write_text(summary_path.read_text().replace("\n0.85,1000,", "\n0.85,999,"))
    with pytest.raises(
        DataError, match="sampling_histogram.csv, row true_hr 0.85, field trials: 1000 in all, but the summary says 999"
    ):
        inference.load_sampling(tmp_path)


def test_sampling_row_rejects_a_true_hr_that_was_not_simulated() -> None:
    _, summary = inference.load_sampling()
    with pytest.raises(DataError, match=r"sampling_row\(true_hr=0.83\): true_hr was not simulated"):
        inference.sampling_row(summary, 0.83)


# ---------------------------------------------------------------- 6. subgroups


@pytest.mark.parametrize(("k", "true_hr"), [(1, 1.0), (5, 0.75), (10, 1.0), (10, 1.11), (20, 0.9)])
def test_subgroup_multiplicity_against_simulation(k: int, true_hr: float) -> None:
    result = inference.subgroup_multiplicity(k, true_hr, EVENTS)
    rng = np.random.default_rng(k)
    n = 100_000
    estimates = rng.normal(math.log(true_hr), math.sqrt(4 * k / EVENTS), size=(n, k))
    z = estimates / math.sqrt(4 * k / EVENTS)
    simulated = {
        "p_any_significant": np.mean(np.any(np.abs(z) > Z, axis=1)),
        "p_any_apparent_harm": np.mean(np.any(estimates > 0, axis=1)),
        "p_any_apparent_benefit": np.mean(np.any(estimates < 0, axis=1)),
    }
    for name, value in simulated.items():
        assert getattr(result, name) == pytest.approx(value, abs=monte_carlo_tolerance(float(value), n)), name


def test_one_subgroup_is_the_whole_trial() -> None:
    whole = inference.precision_for_events(EVENTS, 0.8)
    single = inference.subgroup_multiplicity(1, 0.8, EVENTS)
    assert single.p_any_significant == pytest.approx(whole.power, rel=1e-12)
    assert single.se_log_hr == pytest.approx(whole.se_log_hr)


def test_simulated_forest_is_consistent() -> None:
    draws = inference.forest_draws(3, 12, seed=4)
    assert draws.equals(inference.forest_draws(3, 12, seed=4))
    forest = inference.simulated_forest(12, 0.9, EVENTS, draws, draw=2)
    se = math.sqrt(4 * 12 / EVENTS)
    expected_hr = np.exp(math.log(0.9) + se * draws.loc[draws["draw"] == 2, "z"].to_numpy())
    np.testing.assert_allclose(forest["hr"], expected_hr, rtol=1e-12)
    # Significant exactly when the 95% CI excludes 1.
    assert (forest["significant"] == ((forest["upper"] < 1) | (forest["lower"] > 1))).all()


def test_forest_extent_is_that_of_every_simulated_forest() -> None:
    draws = inference.forest_draws(4, 7, seed=3)
    forests = [
        inference.simulated_forest(n, true_hr, EVENTS, draws, draw)
        for n in range(1, 8)
        for true_hr in (0.7, 1.0, 1.3)
        for draw in range(1, 5)
    ]
    lowest = min(forest["lower"].min() for forest in forests)
    highest = max(forest["upper"].max() for forest in forests)
    assert inference.forest_extent(draws, EVENTS, (1.3, 0.7)) == pytest.approx((lowest, highest), rel=1e-12)


def test_simulated_forest_rejects_too_many_subgroups() -> None:
    with pytest.raises(DataError, match=r"simulated_forest\(draws\): draw 1 has 4 of the 5 subgroups"):
        inference.simulated_forest(5, 1.0, EVENTS, inference.forest_draws(1, 4, seed=0), draw=1)
    with pytest.raises(DataError, match="n_subgroups"):
        inference.subgroup_multiplicity(0, 1.0, EVENTS)
