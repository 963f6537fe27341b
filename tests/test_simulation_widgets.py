"""Tests of alexandra.simulation_widgets: the readouts come from the simulated trials the charts draw."""

from __future__ import annotations

from alexandra import simulation_widgets, uncertainty

SAMPLING = simulation_widgets.sampling()
SUBGROUPS = simulation_widgets.subgroups()


def test_subgroup_count_comes_from_the_simulated_forest() -> None:
    values = SUBGROUPS.values(n_subgroups=20, true_hr=0.7, draw=4)
    draws = uncertainty.forest_draws(
        simulation_widgets.FOREST_DRAWS, simulation_widgets.MAX_SUBGROUPS, seed=simulation_widgets.FOREST_SEED
    )
    forest = uncertainty.simulated_forest(20, 0.7, 266, draws, 4)
    assert values["n_significant"] == int(forest["significant"].sum())


def test_sampling_readouts_come_from_the_precomputed_summary() -> None:
    _, summary = uncertainty.load_sampling()
    row = uncertainty.sampling_row(summary, 1.0)
    assert SAMPLING.values(true_hr=1.0)["share_at_least_published"] == row["share_at_least_published"]
