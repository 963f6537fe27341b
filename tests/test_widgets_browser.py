"""Chapter 5's client-side widgets in a real browser: Vega must show what Python computes.

For each widget the test moves its sliders and drop-downs on the built page (offline, every
non-local request blocked), reads the readout lines the chart draws (SVG text, wrapped to the
width of the page) and compares them with ``BookWidget.lines`` — the Python functions of
alexandra.inference — at the same control values, character for character (both round with
the same format specs). It also checks the page's size budget, that a slider answers at once,
and that a custom-prior slider selects the custom prior.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from alexandra import widgets
from browser import draw_all_charts
from conftest import OfflinePage

pytestmark = pytest.mark.browser

PAGE = "book/06-uncertainty.html"
PAGE_BUDGET_BYTES = 3_000_000
WIDGETS = widgets.all_widgets()

#: Control values to visit, per widget: ends of the ranges, the defaults and edge cases.
POSITIONS: dict[str, list[dict[str, Any]]] = {
    "precision": [
        {"events": 50, "true_hr": 0.5},
        {"events": 266, "true_hr": 0.75},
        {"events": 390, "true_hr": 1.0},
        {"events": 1000, "true_hr": 1.3},
    ],
    # 0.86 is just outside the 95% CI and 0.87 just inside (lower limit 0.8687).
    "ci": [{"benefit_hr": value} for value in (0.6, 0.8, 0.86, 0.87, 0.9, 1.0)],
    "bayes": [
        {"prior": "non-informative"},
        {"prior": "sceptical"},
        {"prior": "enthusiastic"},
        {"prior": "custom", "prior_median": 0.75, "prior_sd": 0.1},
        {"prior": "custom", "prior_median": 1.2, "prior_sd": 0.5},
    ],
    "cp": [{"assumed_hr": value} for value in (0.5, 0.75, 1.0, 1.11, 1.3)],
    "sampling": [{"true_hr": value} for value in (0.7, 0.85, 1.0, 1.3)],
    "subgroups": [
        {"n_subgroups": 1, "true_hr": 1.0, "draw": 1},
        {"n_subgroups": 10, "true_hr": 1.0, "draw": 3},
        {"n_subgroups": 20, "true_hr": 0.7, "draw": 10},
        {"n_subgroups": 5, "true_hr": 1.3, "draw": 7},
    ],
}


def open_chapter(offline: OfflinePage, book_url: str) -> Any:
    page = offline.page
    page.goto(f"{book_url}/{PAGE}", wait_until="load")
    draw_all_charts(page)  # the page draws a chart only when it comes near the screen
    page.wait_for_function(
        "() => { const charts = [...document.querySelectorAll('.alexandra-vega')];"
        " return charts.length > 0 && charts.every(div => div.dataset.drawnWidth && div.querySelector('svg')); }",
        timeout=20_000,
    )
    return page


def chart_of(page: Any, widget: widgets.BookWidget) -> Any:
    """The chart div holding this widget's first control."""
    first = widget.param_name(widget.controls[0].name)
    return page.locator(".alexandra-vega", has=page.locator(f'[name="{first}"]'))


def set_controls(chart: Any, widget: widgets.BookWidget, values: dict[str, Any]) -> None:
    """Sliders first, drop-downs last: a slider may select a drop-down value (Control.selects)."""
    for control in sorted(widget.controls, key=lambda control: bool(control.options)):
        if control.name in values:
            set_control(chart, widget, control.name, values[control.name])


def set_control(chart: Any, widget: widgets.BookWidget, name: str, value: Any) -> None:
    element = chart.locator(f'[name="{widget.param_name(name)}"]')
    control = next(control for control in widget.controls if control.name == name)
    if control.options:
        element.select_option(str(value))
    else:
        element.fill(str(value))
        element.dispatch_event("input")


def shown_text(chart: Any, widget: widgets.BookWidget) -> str:
    """The readouts as drawn: one text mark whose lines (tspans, wrapped at spaces) are joined by spaces."""
    text = chart.locator(f"g.{widget.param_name('readouts')}_marks text")
    lines = text.locator("tspan").all_text_contents() or text.all_text_contents()
    return " ".join(line.strip() for line in lines)


def wait_for_lines(chart: Any, widget: widgets.BookWidget, position: dict[str, Any]) -> tuple[str, str]:
    """What the chart shows once it has caught up (or after 5 s), and what Python says."""
    expected = " ".join(widget.lines(**position))
    deadline = time.monotonic() + 5
    while True:
        shown = shown_text(chart, widget)
        if shown == expected or time.monotonic() > deadline:
            return shown, expected
        time.sleep(0.05)


def test_chapter_page_is_within_budget_and_offline(book_html: Any, offline_page: OfflinePage, book_url: str) -> None:
    size = (book_html / PAGE).stat().st_size
    assert size < PAGE_BUDGET_BYTES, f"{PAGE} is {size / 1e6:.2f} MB"
    page = open_chapter(offline_page, book_url)
    assert page.locator(".alexandra-vega").count() == len(WIDGETS)
    assert offline_page.blocked == []
    assert offline_page.console_errors == []


@pytest.mark.parametrize("key", list(WIDGETS))
def test_browser_shows_the_python_numbers(offline_page: OfflinePage, book_url: str, key: str) -> None:
    widget = WIDGETS[key]
    page = open_chapter(offline_page, book_url)
    chart = chart_of(page, widget)
    assert chart.count() == 1, f"no chart with the controls of widget {key!r}"

    # Before any move the chart shows the defaults.
    shown, expected = wait_for_lines(chart, widget, {})
    assert shown == expected

    for position in POSITIONS[key]:
        full = {control.name: control.default for control in widget.controls} | position
        set_controls(chart, widget, full)
        shown, expected = wait_for_lines(chart, widget, full)
        assert shown == expected, f"{key} at {full}: the browser and Python disagree"
    assert offline_page.console_errors == []


@pytest.mark.parametrize("slider", ["prior_median", "prior_sd"])
def test_a_custom_prior_slider_selects_the_custom_prior(offline_page: OfflinePage, book_url: str, slider: str) -> None:
    widget = WIDGETS["bayes"]
    page = open_chapter(offline_page, book_url)
    chart = chart_of(page, widget)
    prior = chart.locator(f'[name="{widget.param_name("prior")}"]')
    assert prior.input_value() == "sceptical"
    value = {"prior_median": 0.8, "prior_sd": 0.5}[slider]
    set_control(chart, widget, slider, value)
    shown, expected = wait_for_lines(chart, widget, {"prior": "custom", slider: value})
    assert prior.input_value() == "custom"
    assert shown == expected
    assert expected != " ".join(widget.lines(prior="sceptical"))


def test_a_slider_answers_at_once(offline_page: OfflinePage, book_url: str) -> None:
    widget = WIDGETS["precision"]
    page = open_chapter(offline_page, book_url)
    chart = chart_of(page, widget)
    expected = " ".join(widget.lines(events=700))
    started = time.monotonic()
    set_control(chart, widget, "events", 700)
    while shown_text(chart, widget) != expected and time.monotonic() - started < 2:
        time.sleep(0.02)
    assert shown_text(chart, widget) == expected
    assert time.monotonic() - started < 1.0


def test_a_chart_refits_when_the_window_widens_and_keeps_its_controls(offline_page: OfflinePage, book_url: str) -> None:
    widget = WIDGETS["precision"]
    page = offline_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    chart = chart_of(open_chapter(offline_page, book_url), widget)
    page.wait_for_function("div => div.dataset.drawnWidth", arg=chart.element_handle())
    narrow = chart.locator("svg").bounding_box()["width"]
    set_control(chart, widget, "events", 50)
    shown, expected = wait_for_lines(chart, widget, {"events": 50})
    assert shown == expected

    page.set_viewport_size({"width": 1200, "height": 900})
    page.wait_for_function("div => Number(div.dataset.drawnWidth) > 600", arg=chart.element_handle(), timeout=5_000)
    assert chart.locator("svg").bounding_box()["width"] > narrow
    assert chart.locator(f'[name="{widget.param_name("events")}"]').input_value() == "50"
    shown, expected = wait_for_lines(chart, widget, {"events": 50})
    assert shown == expected, "the redrawn chart lost the slider's value"
