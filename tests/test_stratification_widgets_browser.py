"""The stratification widget of the reconstruction chapter in a real browser, offline.

The test moves the two sliders of the built page and reads the readout lines the chart draws; they
must be :meth:`alexandra.widgets.BookWidget.lines` of :func:`alexandra.widgets.stratification` for
the same positions, character for character (the browser filters the embedded table, Python reads it).
"""

from __future__ import annotations

from typing import Any

import pytest

from alexandra import widgets
from browser import wait_until_drawn
from conftest import OfflinePage
from test_widgets_browser import chart_of, set_controls, wait_for_lines

pytestmark = pytest.mark.browser

PAGE = "book/05-reconstruction.html"
WIDGET = widgets.stratification()
POSITIONS = [
    {"true_hr": 0.6, "strength": 1.0},
    {"true_hr": 0.7, "strength": 4.0},
    {"true_hr": 1.0, "strength": 2.5},
    {"true_hr": 1.1, "strength": 1.5},
]


def open_page(offline: OfflinePage, book_url: str) -> Any:
    page = offline.page
    page.goto(f"{book_url}/{PAGE}", wait_until="load")
    wait_until_drawn(page, timeout=20_000)  # charts are drawn when scrolled near; this draws them all
    return page


def test_browser_shows_the_python_numbers(offline_page: OfflinePage, book_url: str) -> None:
    page = open_page(offline_page, book_url)
    chart = chart_of(page, WIDGET)
    assert chart.count() == 1, "no chart with the stratification widget's controls"
    shown, expected = wait_for_lines(chart, WIDGET, {})
    assert shown == expected
    for position in POSITIONS:
        set_controls(chart, WIDGET, position)
        shown, expected = wait_for_lines(chart, WIDGET, position)
        assert shown == expected, f"at {position}: the browser and Python disagree"
    assert offline_page.blocked == [] and offline_page.console_errors == []
