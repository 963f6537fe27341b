"""The built HTML book in a real browser, with every non-local request blocked.

Covers every page: nothing is loaded from outside the book, no console error,
formulas typeset by MathJax, every Altair chart drawn, alt text on every image,
no serious or critical axe-core violation. Then the reader features: the
client-side slider changes what the page shows, search finds pages, dark mode
keeps figures on a light background.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from conftest import ROOT, OfflinePage

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def book_pages() -> list[str]:
    html_root = ROOT / "_build" / "html"
    pages = sorted(p.relative_to(html_root).as_posix() for p in html_root.rglob("*.html"))
    # The build must exist before collection; an empty list would silently test nothing.
    assert pages, "no HTML pages found: run `make book` first"
    return [p for p in pages if not p.startswith("_")]


def open_page(offline: OfflinePage, url: str) -> None:
    page = offline.page
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    if page.locator(".alexandra-vega").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.alexandra-vega')]"
            ".every(div => div.querySelector('svg, canvas'))",
            timeout=15_000,
        )


@pytest.mark.parametrize("page_path", book_pages())
def test_page_works_offline(offline_page: OfflinePage, book_url: str, page_path: str) -> None:
    open_page(offline_page, f"{book_url}/{page_path}")
    page = offline_page.page

    assert offline_page.blocked == [], f"{page_path} requested outside the book"
    assert offline_page.console_errors == [], f"{page_path} logged errors"

    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('.math')]"
        ".filter(el => !el.querySelector('mjx-container')).length"
    )
    assert untypeset == 0, f"{page_path}: {untypeset} formulas not rendered by MathJax"

    images_without_alt = page.evaluate(
        "() => [...document.querySelectorAll('img')]"
        ".filter(img => !(img.getAttribute('alt') || '').trim()).map(img => img.src)"
    )
    assert images_without_alt == [], f"{page_path}: images without alt text"

    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert serious == [], f"{page_path}: accessibility violations"


def chart_text(page: object) -> str:
    return page.locator(".alexandra-vega svg").first.inner_text()  # type: ignore[attr-defined]


def test_altair_slider_changes_the_page(offline_page: OfflinePage, book_url: str) -> None:
    open_page(offline_page, f"{book_url}/book/demo.html")
    page = offline_page.page
    slider = page.locator(".alexandra-vega input[type=range]").first
    before = page.locator(".alexandra-vega svg text", has_text="5-year").first.text_content()

    slider.fill("0.75")
    slider.dispatch_event("input")
    after = page.locator(".alexandra-vega svg text", has_text="5-year").first.text_content()

    assert after != before
    # The page computes S(60) = exp(-lambda * HR * 60) with lambda = -ln(0.86)/36, as the notebook does.
    expected = math.exp(math.log(0.86) / 36 * 0.75 * 60)
    assert after.strip().endswith(f"{expected:.1%}")
    assert offline_page.console_errors == []


def test_search_finds_pages(offline_page: OfflinePage, book_url: str) -> None:
    page = offline_page.page
    page.goto(f"{book_url}/search.html?q=hazard", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=15_000)
    assert page.locator("#search-results li").count() >= 1
    assert offline_page.blocked == []


def test_dark_mode_keeps_figures_readable(offline_page: OfflinePage, book_url: str) -> None:
    page = offline_page.page
    page.add_init_script("localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark');")
    open_page(offline_page, f"{book_url}/book/demo.html")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    backgrounds = page.evaluate(
        "() => [...document.querySelectorAll('.cell_output img, .alexandra-vega')]"
        ".map(el => getComputedStyle(el).backgroundColor)"
    )
    assert backgrounds and set(backgrounds) == {"rgb(255, 255, 255)"}


def test_reader_features_are_on_every_chapter(offline_page: OfflinePage, book_url: str) -> None:
    open_page(offline_page, f"{book_url}/book/demo.html")
    page = offline_page.page
    hrefs = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert any("mybinder.org" in h for h in hrefs), "Binder launch button"
    assert any("colab.research.google.com" in h for h in hrefs), "Colab launch button"
    assert any(h.endswith("_sources/book/demo.ipynb") for h in hrefs), "download as .ipynb"
    assert any("github.com/alexandra-book" in h for h in hrefs), "repository button"
    assert page.locator(".theme-switch-button").count() >= 1, "light/dark switch"
