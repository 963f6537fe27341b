"""Tests of the stratification widget: its readouts are the precomputed rows the chart filters."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alexandra import widgets
from alexandra.errors import DataError

TABLE = widgets.load_stratification()
WIDGET = widgets.stratification()
CONTROLS = {control.name: control for control in WIDGET.controls}


def test_every_simulated_row_is_reachable_with_the_sliders() -> None:
    # Each grid value is a slider position (minimum + k * step) and each pair is one row.
    for name in ("true_hr", "strength"):
        control = CONTROLS[name]
        positions = (TABLE[name] - control.minimum) / control.step
        assert np.allclose(positions, positions.round(), atol=1e-9)
        assert TABLE[name].max() == pytest.approx(control.maximum)
    assert not TABLE.duplicated(["true_hr", "strength"]).any()
    assert len(TABLE) == TABLE.true_hr.nunique() * TABLE.strength.nunique()


@pytest.mark.parametrize(("true_hr", "strength"), [(0.7, 3.0), (1.0, 1.0), (0.6, 4.0)])
def test_readouts_are_the_row_of_the_table(true_hr: float, strength: float) -> None:
    row = TABLE[np.isclose(TABLE.true_hr, true_hr) & np.isclose(TABLE.strength, strength)].iloc[0]
    lines = WIDGET.lines(true_hr=true_hr, strength=strength)
    assert lines[0] == f"HR stratified (mean of the trials): {row.hr_stratified:.3f}"
    assert lines[1] == f"HR unstratified: {row.hr_unstratified:.3f}"
    assert lines[4] == f"Log-rank test significant at 5%, stratified: {row.power_stratified:.1%}"


def test_the_default_view_shows_non_collapsibility() -> None:
    values = WIDGET.values()
    assert values["hr_stratified"] < values["hr_unstratified"] < 1
    assert values["mean_se_stratified"] > values["mean_se_unstratified"]


def test_an_unsimulated_point_is_refused() -> None:
    with pytest.raises(DataError, match="not simulated"):
        WIDGET.values(true_hr=0.75, strength=3.0)


def test_chart_embeds_its_data_and_reads_columns_that_exist() -> None:
    spec = WIDGET.chart().to_dict()
    text = json.dumps(spec)
    assert '"url"' not in text  # the table travels with the page: it works offline
    assert "SIMULATED" in text and "Simulated, not trial data" in spec["description"]
    for readout in WIDGET.readouts:
        for expression in readout.expressions:
            assert expression.removeprefix("datum.") in TABLE.columns
    names = {param["name"] for param in spec["params"]}
    assert {"strata_true_hr", "strata_strength"} <= names


def test_chart_has_no_side_legend() -> None:
    text = json.dumps(WIDGET.chart().to_dict())
    assert '"orient": "right"' not in text


def test_live_twin_shows_the_same_lines() -> None:
    live = WIDGET.live()
    output = live.children[-1]
    assert output.value == "<br>".join(WIDGET.lines())
    live.children[1].value = 1.0  # the true HR slider
    assert output.value == "<br>".join(WIDGET.lines(true_hr=1.0))


def test_a_missing_or_broken_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing; run"):
        widgets.load_stratification(tmp_path)
    pd.DataFrame({"true_hr": [1.0]}).to_csv(tmp_path / widgets.STRATIFICATION_FILE, index=False)
    with pytest.raises(DataError, match="column is missing"):
        widgets.load_stratification(tmp_path)
