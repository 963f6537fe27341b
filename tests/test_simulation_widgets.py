"""Tests of alexandra.widgets: the readouts come from the simulated trials the charts draw."""

from __future__ import annotations

import itertools

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


def test_forest_axis_shows_every_interval_whole() -> None:
    """Every interval the forest plot can draw (any draw, number of subgroups, true HR) lies inside its axis."""
    spec = SUBGROUPS.chart().to_dict()
    domains = [
        layer["encoding"]["x"]["scale"]["domain"]
        for chart in spec["vconcat"]
        for layer in chart.get("layer", [])
        if layer.get("mark", {}).get("type") == "rule" and "x2" in layer.get("encoding", {})
    ]
    assert len(domains) == 1, "one layer draws the intervals"
    low, high = domains[0]
    slider = next(control for control in SUBGROUPS.controls if control.name == "true_hr")
    draws = inference.forest_draws(widgets.FOREST_DRAWS, widgets.MAX_SUBGROUPS, seed=widgets.FOREST_SEED)
    settings = itertools.product(
        range(1, widgets.MAX_SUBGROUPS + 1), (slider.minimum, slider.maximum), range(1, widgets.FOREST_DRAWS + 1)
    )
    for n_subgroups, true_hr, draw in settings:
        forest = inference.simulated_forest(n_subgroups, true_hr, 266, draws, draw)
        assert low <= forest["lower"].min() and forest["upper"].max() <= high, (n_subgroups, true_hr, draw)
