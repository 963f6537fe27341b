"""The offline copy (`make dist`): the zip, unzipped and opened from disk (file://) in Chromium.

Every page renders with nothing requested outside the unzipped folder and no request failing,
formulas are typeset, charts draw and answer a slider, and search finds a page.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from browser import draw_all_charts
from conftest import BOOK_HTML, OfflinePage
from make_dist import TOP_FOLDER, make_zip
from test_browser import MATHJAX_ERRORS, NO_BUILD, book_pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unzipped(book_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    archive = make_zip(book_html, folder / "alexandra-book.zip")
    with zipfile.ZipFile(archive) as opened:
        assert all(name.startswith(TOP_FOLDER + "/") for name in opened.namelist())
        opened.extractall(folder)
    return folder / TOP_FOLDER


@dataclass
class DiskPage(OfflinePage):
    failed: list[str] = field(default_factory=list)


@pytest.fixture
def disk_page(browser: Any) -> Iterator[DiskPage]:
    """A page that may read files and nothing else: every other request is blocked and recorded."""
    context = browser.new_context()
    page = context.new_page()
    result = DiskPage(page=page)

    def route(route: Any) -> None:
        if urlparse(route.request.url).scheme in ("file", "data", "blob"):
            route.continue_()
        else:
            result.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: result.failed.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(msg.text))
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    yield result
    context.close()


def open_from_disk(disk: DiskPage, path: Path) -> Any:
    page = disk.page
    page.goto(path.as_uri(), wait_until="load")
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
        page.evaluate("() => MathJax.startup.promise")
    if page.locator(".alexandra-vega").count():
        draw_all_charts(page, timeout=15_000)  # the page draws a chart only when it comes near the screen
        page.wait_for_function(
            "() => [...document.querySelectorAll('.alexandra-vega')].every(div => div.dataset.drawnWidth)",
            timeout=15_000,
        )
    return page


def content_pages() -> list[str]:
    """Every page but the redirect at the top (``test_index_opens_the_book``)."""
    pages = book_pages()
    if pages == [NO_BUILD]:
        return pages
    return [p for p in pages if 'http-equiv="refresh"' not in (BOOK_HTML / p).read_text(encoding="utf-8").lower()]


@pytest.mark.parametrize("page_path", content_pages())
def test_every_page_renders_from_disk(disk_page: DiskPage, unzipped: Path, page_path: str) -> None:
    page = open_from_disk(disk_page, unzipped / page_path)
    assert disk_page.blocked == [], f"{page_path} requested outside the unzipped book"
    assert disk_page.failed == [], f"{page_path}: requests failed from disk"
    assert disk_page.console_errors == [], f"{page_path} logged errors"
    assert page.locator("main h1, main h2").count() > 0, f"{page_path} shows no heading"
    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter(el => !el.querySelector('mjx-container')).length"
    )
    assert untypeset == 0
    assert page.evaluate(MATHJAX_ERRORS) == []


def test_index_opens_the_book(disk_page: DiskPage, unzipped: Path) -> None:
    page = disk_page.page
    page.goto((unzipped / "index.html").as_uri())
    page.wait_for_url("**/book/intro.html")
    assert disk_page.blocked == [] and disk_page.failed == []


def test_a_chart_draws_and_its_slider_acts_from_disk(disk_page: DiskPage, unzipped: Path) -> None:
    page = open_from_disk(disk_page, unzipped / "book" / "06-uncertainty.html")
    chart = page.locator(".alexandra-vega").first
    assert chart.locator("svg .mark-line").count() > 0, "the first chart has no line drawn"
    before = chart.locator("svg").inner_html()
    slider = chart.locator("input[type=range]").first
    slider.fill(slider.get_attribute("max") or "1")
    slider.dispatch_event("input")
    page.wait_for_function(
        "([div, before]) => div.querySelector('svg').innerHTML !== before", arg=[chart.element_handle(), before]
    )
    assert disk_page.blocked == [] and disk_page.failed == [] and disk_page.console_errors == []


def test_search_finds_a_page_from_disk(disk_page: DiskPage, unzipped: Path) -> None:
    page = disk_page.page
    page.goto((unzipped / "search.html").as_uri() + "?q=hazard", wait_until="load")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    first = page.locator("#search-results li a").first.get_attribute("href") or ""
    assert (unzipped / first.split("#")[0].split("?")[0]).is_file(), (
        f"search links to {first!r}, not a file of the book"
    )
    assert disk_page.blocked == []
