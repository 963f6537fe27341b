"""Tests of alexandra.widgets without a browser: readouts, specs and the live (ipywidgets) version.

The browser half — Vega computing the same readouts as Python — is tests/test_widgets_browser.py.
"""

from __future__ import annotations

import json

import pytest

from alexandra import inference, widgets
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
    result = inference.precision_for_events(390, 0.8)
    lines = WIDGETS["precision"].lines(events=390, true_hr=0.8)
    assert lines[1] == f"95% CI, upper limit / lower limit: {result.ci_ratio:.2f}"
    assert lines[2] == f"95% CI if the trial observed the true HR: {result.lower:.2f} to {result.upper:.2f}"
    assert lines[4] == f"Power (two-sided 5% test): {result.power:.1%}"


def test_reading_the_ci_uses_the_published_interval() -> None:
    se = tierney_from_ci(1.11, 0.87, 1.42).se
    assert WIDGETS["ci"].values(benefit_hr=0.8) == {
        name: getattr(inference.check_benefit(1.11, se, 0.8), name)
        for name in ("inside_ci", "p_value", "relative_likelihood")
    }
    assert WIDGETS["ci"].lines(benefit_hr=0.95)[0].endswith(": yes")
    assert WIDGETS["ci"].lines(benefit_hr=0.7)[0].endswith(": no")


def test_bayesian_presets_ignore_the_custom_sliders_and_custom_uses_them() -> None:
    widget = WIDGETS["bayes"]
    assert widget.values(prior="sceptical", prior_median=0.6) == widget.values(prior="sceptical", prior_median=1.4)
    custom = widget.values(prior="custom", prior_median=0.6, prior_sd=0.1)
    se = tierney_from_ci(1.11, 0.87, 1.42).se
    expected = inference.normal_posterior(inference.NormalPrior(0.6, 0.1), 1.11, se)
    assert custom["median_hr"] == expected.median_hr


@pytest.mark.parametrize("key", list(WIDGETS))
def test_charts_have_no_side_legend(key: str) -> None:
    """A legend beside the plot cannot shrink on a phone; above or inside it can."""
    spec = json.dumps(WIDGETS[key].chart().to_dict())
    assert '"orient": "right"' not in spec and '"orient": "left"' not in spec
