"""The widget of the chapter *When one hazard ratio is not enough*: the chart and its live twin show the CSV's power.

The browser half (Vega drawing the same lines) is checked on the built page by tests/test_browser.py,
which moves every control of every chart on a 390-px phone.
"""

from __future__ import annotations

import json
import math

import ipywidgets
import pandas as pd
import pytest

import nph_power  # scripts/ is on the path (tests/conftest.py)
from alexandra import widgets
from alexandra.errors import DataError
from alexandra.published import find_data_dir

TABLE = pd.read_csv(find_data_dir() / "simulated" / "nph_power.csv", comment="#")
WIDGET = widgets.nonproportional()
GRID = [(scenario, hr) for scenario in widgets.NPH_SCENARIOS for hr in (0.6, 0.7, 0.8, 0.9, 1.0)]


def spec() -> dict:
    return WIDGET.chart().to_dict()


def power_rows_in_chart(chart: dict) -> list[dict]:
    """The rows of the chart's embedded data that carry the power columns."""
    return next(rows for rows in chart["datasets"].values() if rows and "power_logrank" in rows[0])


@pytest.mark.parametrize(("scenario", "hr"), GRID)
def test_the_chart_embeds_the_csv_power_of_every_grid_point(scenario: str, hr: float) -> None:
    rows = [row for row in power_rows_in_chart(spec()) if row["scenario"] == scenario and abs(row["hr"] - hr) < 1e-6]
    assert len(rows) == 1
    csv = TABLE[(TABLE.scenario == scenario) & (TABLE.hr == hr)].iloc[0]
    for column in widgets.NPH_POWER_COLUMNS:
        assert rows[0][column] == csv[column], (scenario, hr, column)


def test_the_readouts_read_the_chosen_row_of_that_data() -> None:
    chart = spec()
    readouts = chart["vconcat"][1]
    filters = [step["filter"] for step in readouts["transform"] if "filter" in step]
    assert filters == ["datum.scenario == nph_scenario && abs(datum.hr - nph_hr) < 1e-6"]
    text = readouts["transform"][-1]["calculate"]
    for column in widgets.NPH_POWER_COLUMNS:
        assert f"format(datum.{column}, '.2%')" in text


@pytest.mark.parametrize(("scenario", "hr"), [("proportional", 0.7), ("delayed 12", 0.6), ("waning", 0.8)])
def test_the_lines_show_the_csv_values(scenario: str, hr: float) -> None:
    csv = TABLE[(TABLE.scenario == scenario) & (TABLE.hr == hr)].iloc[0]
    expected = [f"Power, {label}: {csv[column]:.2%}" for column, label in widgets.NPH_POWER_COLUMNS.items()]
    assert WIDGET.lines(scenario=scenario, hr=hr) == expected


def test_the_live_twin_computes_the_same_numbers() -> None:
    box = WIDGET.live()
    scenario = next(child for child in box.children if isinstance(child, ipywidgets.Dropdown))
    hr = next(child for child in box.children if isinstance(child, ipywidgets.FloatSlider))
    output = box.children[-1]
    assert output.value == "<br>".join(WIDGET.lines(scenario="delayed 6", hr=0.7))
    scenario.value = "crossing"
    hr.value = 0.6
    csv = TABLE[(TABLE.scenario == "crossing") & (TABLE.hr == 0.6)].iloc[0]
    assert output.value == "<br>".join(
        f"Power, {label}: {csv[column]:.2%}" for column, label in widgets.NPH_POWER_COLUMNS.items()
    )
    hr.value = 0.9  # the slider's own float (0.6 + 3 steps of 0.1) still finds its grid point
    assert output.value == "<br>".join(WIDGET.lines(scenario="crossing", hr=0.9))


@pytest.mark.parametrize("scenario", list(widgets.NPH_SCENARIOS))
def test_the_scenarios_are_those_the_script_simulated(scenario: str) -> None:
    cuts, _ = nph_power.SCENARIOS[scenario]
    cut, before, after = widgets.nph_scenario_pieces(scenario, 0.7)
    assert cut == (cuts[0] if cuts else 0.0)
    expected = nph_power.hazard_ratios(scenario, 0.7)
    assert (before, after) == pytest.approx((expected[0], expected[-1]))
    # The CSV spells the same pieces.
    row = TABLE[(TABLE.scenario == scenario) & (TABLE.hr == 0.7)].iloc[0]
    assert [float(x) for x in row.hazard_ratios.split(" then ")] == pytest.approx(expected, abs=5e-4)


def test_the_vega_pieces_match_python() -> None:
    params = {param["name"]: param.get("expr") for param in spec()["params"]}
    cuts = json.loads(params["nph_cut"].split("][")[0] + "]")
    assert cuts == [widgets.nph_scenario_pieces(name, 0.7)[0] for name in widgets.NPH_SCENARIOS]
    befores = params["nph_before"].split("][")[0].strip("[").split(", ")
    hr = 0.7
    values = [eval(term, {}, {"nph_hr": hr}) for term in befores]  # noqa: S307 - our own arithmetic
    assert values == pytest.approx([widgets.nph_scenario_pieces(name, hr)[1] for name in widgets.NPH_SCENARIOS])


def test_the_control_hazard_is_the_tables() -> None:
    text = json.dumps(spec())
    rate = -math.log(TABLE.control_event_free_3y.iloc[0]) / 36
    assert f"exp(-{rate!r} * datum.month)" in text


def test_chart_is_small_described_and_has_no_side_legend() -> None:
    chart = spec()
    text = json.dumps(chart)
    assert len(text) < 60_000
    assert "Simulated, not trial data" in chart["description"]
    assert '"orient": "right"' not in text and '"orient": "left"' not in text
    bound = {param["name"] for param in chart["params"] if "bind" in param}
    assert bound == {"nph_scenario", "nph_hr"}


def test_a_point_off_the_grid_or_an_unknown_scenario_is_a_data_error() -> None:
    with pytest.raises(DataError, match="nph_power_row"):
        widgets.nph_power_row(TABLE, "waning", 0.65)
    with pytest.raises(DataError, match="scenario must be one of"):
        widgets.nph_scenario_pieces("late", 0.7)


def test_a_table_with_another_scenario_is_refused(tmp_path) -> None:
    path = tmp_path / "nph_power.csv"
    TABLE.assign(scenario="late").to_csv(path, index=False)
    with pytest.raises(DataError, match="scenarios this widget does not know"):
        widgets.load_nph_power(path)
