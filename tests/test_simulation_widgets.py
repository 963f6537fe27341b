"""Tests of alexandra.widgets: the readouts come from the simulated trials the charts draw."""

from __future__ import annotations

from alexandra import inference, widgets

SAMPLING = widgets.sampling()
SUBGROUPS = widgets.subgroups()


def test_subgroup_count_comes_from_the_simulated_forest() -> None:
    values = SUBGROUPS.values(n_subgroups=20, true_hr=0.7, draw=4)
    draws = inference.forest_draws(widgets.FOREST_DRAWS, widgets.MAX_SUBGROUPS, seed=widgets.FOREST_SEED)
    forest = inference.simulated_forest(20, 0.7, 266, draws, 4)
    assert values["n_significant"] == int(forest["significant"].sum())


def test_sampling_readouts_come_from_the_precomputed_summary() -> None:
    _, summary = inference.load_sampling()
    row = inference.sampling_row(summary, 1.0)
    assert SAMPLING.values(true_hr=1.0)["share_at_least_published"] == row["share_at_least_published"]
