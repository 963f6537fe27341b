"""The plan chooser of the chapter *Stopping early* in a real browser, offline, on a 360-px phone.

The test picks spending functions and futility rules in the built page's drop-downs and reads
the readout lines the chart draws; they must be :func:`alexandra.widgets.monitoring_readout_lines`
for the same choice, character for character, and the chart must fit the phone's width.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from alexandra import widgets
from conftest import OfflinePage

pytestmark = pytest.mark.browser

PAGE = "book/03-stopping-early.html"
CHOICES = [
    ("obrien-fleming", "HR > 1", "non-binding"),
    ("pocock", "CP < 10%, design HR", "binding"),
    ("obrien-fleming", "PP < 10%, sceptical prior", "non-binding"),
    ("pocock", "none", "non-binding"),
]


def readouts(page: Any) -> list[str]:
    first = widgets.monitoring_readout_lines(*CHOICES[0])[0].split(":")[0]
    texts = page.evaluate("() => [...document.querySelectorAll('.alexandra-vega svg text')].map(t => t.textContent)")
    start = next(index for index, text in enumerate(texts) if text.startswith(first))
    return texts[start : start + len(widgets.monitoring_readout_lines(*CHOICES[0]))]


@pytest.mark.parametrize("width", [360, 1000])
def test_the_browser_shows_the_python_numbers(offline_page: OfflinePage, book_url: str, width: int) -> None:
    page = offline_page.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{book_url}/{PAGE}", wait_until="load")
    chart = page.locator(".alexandra-vega").first
    chart.scroll_into_view_if_needed()  # a chart is drawn when it comes near the screen
    page.wait_for_function("() => document.querySelector('.alexandra-vega svg')")
    for spending, rule, binding in CHOICES:
        selects = chart.locator("select")
        selects.nth(0).select_option(spending)
        selects.nth(1).select_option(rule)
        selects.nth(2).select_option(binding)
        expected = widgets.monitoring_readout_lines(spending, rule, binding)
        deadline = time.monotonic() + 5
        while readouts(page) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readouts(page) == expected, f"{(spending, rule, binding)}: the browser and Python disagree"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert offline_page.blocked == [] and offline_page.console_errors == []
