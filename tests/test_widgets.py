"""Tests of alexandra.widgets without a browser: readouts, specs and the live (ipywidgets) version.

The browser half — Vega computing the same readouts as Python — is tests/test_widgets_browser.py.
"""

from __future__ import annotations

import json

import altair as alt
import ipywidgets
import pytest

from alexandra import uncertainty, widgets
from alexandra.survival import tierney_from_ci

WIDGETS = widgets.all_widgets()


def test_the_chapter_has_six_widgets_with_distinct_parameters() -> None:
    assert list(WIDGETS) == ["precision", "ci", "bayes", "cp", "sampling", "subgroups"]
    names = [param.name for widget in WIDGETS.values() for param in widget.params()]
    assert len(names) == len(set(names)), "two widgets on one page must not share a Vega parameter"


@pytest.mark.parametrize("key", list(WIDGETS))
def test_chart_is_valid_small_and_described(key: str) -> None:
    widget = WIDGETS[key]
    spec = widget.chart().to_dict()  # Altair validates against the Vega-Lite schema here
    assert len(json.dumps(spec)) < 60_000, "the HTML page embeds this spec: keep its data small"
    assert widget.description and spec["description"] == widget.description
    bound = {param["name"] for param in spec["params"] if "bind" in param}
    assert bound == {widget.param_name(control.name) for control in widget.controls}


@pytest.mark.parametrize("key", list(WIDGETS))
def test_default_lines_are_one_per_readout(key: str) -> None:
    widget = WIDGETS[key]
    lines = widget.lines()
    assert len(lines) == len(widget.readouts)
    assert all(line.startswith(readout.label + ": ") for line, readout in zip(lines, widget.readouts, strict=True))


def test_precision_lines_format_the_python_result() -> None:
    result = uncertainty.precision_for_events(390, 0.8)
    lines = WIDGETS["precision"].lines(events=390, true_hr=0.8)
    assert lines[1] == f"95% CI, upper limit / lower limit: {result.ci_ratio:.2f}"
    assert lines[2] == f"95% CI if the trial observed the true HR: {result.lower:.2f} to {result.upper:.2f}"
    assert lines[4] == f"Power (two-sided 5% test): {result.power:.1%}"


def test_reading_the_ci_uses_the_published_interval() -> None:
    se = tierney_from_ci(1.11, 0.87, 1.42).se
    assert WIDGETS["ci"].values(benefit_hr=0.8) == {
        name: getattr(uncertainty.check_benefit(1.11, se, 0.8), name)
        for name in ("inside_ci", "p_value", "relative_likelihood")
    }
    assert WIDGETS["ci"].lines(benefit_hr=0.95)[0].endswith(": yes")
    assert WIDGETS["ci"].lines(benefit_hr=0.7)[0].endswith(": no")


def test_bayesian_presets_ignore_the_custom_sliders_and_custom_uses_them() -> None:
    widget = WIDGETS["bayes"]
    assert widget.values(prior="sceptical", prior_median=0.6) == widget.values(prior="sceptical", prior_median=1.4)
    custom = widget.values(prior="custom", prior_median=0.6, prior_sd=0.1)
    se = tierney_from_ci(1.11, 0.87, 1.42).se
    expected = uncertainty.normal_posterior(uncertainty.NormalPrior(0.6, 0.1), 1.11, se)
    assert custom["median_hr"] == expected.median_hr


def test_subgroup_count_comes_from_the_simulated_forest() -> None:
    values = WIDGETS["subgroups"].values(n_subgroups=20, true_hr=0.7, draw=4)
    draws = uncertainty.forest_draws(widgets.FOREST_DRAWS, widgets.MAX_SUBGROUPS, seed=widgets.FOREST_SEED)
    forest = uncertainty.simulated_forest(20, 0.7, 266, draws, 4)
    assert values["n_significant"] == int(forest["significant"].sum())


def test_sampling_readouts_come_from_the_precomputed_summary() -> None:
    _, summary = uncertainty.load_sampling()
    row = uncertainty.sampling_row(summary, 1.0)
    assert WIDGETS["sampling"].values(true_hr=1.0)["share_at_least_published"] == row["share_at_least_published"]


def test_live_widget_recomputes_when_a_control_moves() -> None:
    widget = WIDGETS["cp"]
    box = widget.live()
    slider = next(child for child in box.children if isinstance(child, ipywidgets.FloatSlider))
    output = box.children[-1]
    assert output.value == "<br>".join(widget.lines(assumed_hr=0.75))
    slider.value = 0.6
    assert output.value == "<br>".join(widget.lines(assumed_hr=0.6))
    assert output.value != "<br>".join(widget.lines(assumed_hr=0.75))


def test_live_widget_uses_the_right_control_kinds() -> None:
    children = WIDGETS["bayes"].live().children
    assert isinstance(children[1], ipywidgets.Dropdown)
    assert isinstance(WIDGETS["subgroups"].live().children[1], ipywidgets.IntSlider)


def test_readout_quotes_are_escaped_for_vega() -> None:
    readout = widgets.Readout("Patient's HR", ("x",), ("1",), ".2f")
    assert readout.vega(lambda text: text) == "'Patient\\'s HR: ' + format(1, '.2f')"
    assert readout.text({"x": 1.234}) == "Patient's HR: 1.23"


def test_chart_renders_with_the_book_renderer() -> None:
    from alexandra import plots

    plots.setup()
    bundle = alt.renderers.get()(WIDGETS["precision"].chart().to_dict())
    assert "precision_events" in bundle["text/html"]


def test_live_custom_prior_slider_selects_the_custom_prior() -> None:
    widget = WIDGETS["bayes"]
    box = widget.live()
    prior = next(child for child in box.children if isinstance(child, ipywidgets.Dropdown))
    median = next(child for child in box.children if getattr(child, "description", "") == "Custom prior: median HR")
    assert prior.value == "sceptical"
    median.value = 0.8
    assert prior.value == "custom"
    assert box.children[-1].value == "<br>".join(widget.lines(prior="custom", prior_median=0.8))


def test_chart_tells_the_page_script_how_to_wrap_and_select() -> None:
    spec = WIDGETS["bayes"].chart().to_dict()
    meta = spec["usermeta"]["alexandra"]
    assert meta["selects"] == {
        "bayes_prior_median": ["bayes_prior", "custom"],
        "bayes_prior_sd": ["bayes_prior", "custom"],
    }
    assert meta["textWidth"] in {param["name"] for param in spec["params"]}
    readouts = spec["vconcat"][1]
    assert readouts["name"] + "_marks" == meta["textMark"]
    assert readouts["mark"]["lineBreak"] == "\n"
    assert meta["textWidth"] in readouts["transform"][0]["calculate"]  # the lines wrap to that width


@pytest.mark.parametrize("key", list(WIDGETS))
def test_charts_have_no_side_legend(key: str) -> None:
    """A legend beside the plot cannot shrink on a phone; above or inside it can."""
    spec = json.dumps(WIDGETS[key].chart().to_dict())
    assert '"orient": "right"' not in spec and '"orient": "left"' not in spec
