"""Tests of alexandra.widgets: one widget, drawn as a Vega chart and as live ipywidgets.

The kit is exercised on the chapter's own widgets (alexandra.widgets) and on small ones built here.
"""

from __future__ import annotations

import altair as alt
import ipywidgets
import pytest

from alexandra import widgets
from alexandra.survival import tierney_from_ci

WIDGETS = widgets.all_widgets()


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


def test_chart_renders_with_the_book_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    from alexandra import plots

    monkeypatch.setenv(plots.BOOK_BUILD_VARIABLE, "1")
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


def test_readouts_can_read_one_table_only() -> None:
    def table(widget: widgets.BookWidget) -> alt.Chart:
        return alt.Chart(alt.Data(values=[{"x": 1}]))

    widget = widgets.BookWidget(
        key="two",
        title="Two tables",
        description="Readouts over two tables.",
        controls=(widgets.Control("x", "x", default=0.5),),
        compute=lambda x: {"x": x},
        readouts=(
            widgets.Readout("First", ("x",), ("datum.x",), ".2f", source="first"),
            widgets.Readout("Second", ("x",), ("datum.x",), ".2f", source="second"),
        ),
        plot=table,
        readout_bases={"first": table, "second": table},
    )
    with pytest.raises(ValueError, match="one data source"):
        widget.chart()


def test_the_widgets_start_from_the_published_numbers() -> None:
    hr, se = widgets.published_hr()
    assert hr == 1.11
    assert se == tierney_from_ci(1.11, 0.87, 1.42).se
    assert widgets.total_events() == 266
