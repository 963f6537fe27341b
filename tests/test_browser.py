"""The built HTML book in a real browser, with every non-local request blocked.

Covers every page: nothing is loaded from outside the book, no console error,
every formula typeset by MathJax without an error (an undefined macro is drawn
red, a TeX error becomes an ``mjx-merror``), every Altair chart drawn, alt text
on every image, no serious or critical axe-core violation, a first visit within
the page-weight budget (a text page 500 KB, any page 1.5 MB). On a 390-px phone,
every page with charts: no chart wider than the screen, and every slider and
drop-down changes what the chart shows. Then the reader features: the
client-side slider changes what the page shows, search finds pages, dark mode
keeps figures on a light background.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from browser import FIRST_VISIT_BYTES, page_budget, wait_until_drawn
from browser import book_pages as built_pages
from conftest import BOOK_HTML, ROOT, OfflinePage

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}

#: What MathJax draws when a formula fails: a parse error, or an undefined macro in red
#: (in the assistive MathML as ``mathcolor="red"``, in the visible output as a red text node).
MATHJAX_ERRORS = """() => [...document.querySelectorAll('mjx-container')]
    .filter(el => el.querySelector('mjx-merror, [mathcolor="red"], [data-mjx-error]'))
    .map(el => el.querySelector('mjx-assistive-mml')?.textContent || el.textContent)"""


NO_BUILD = "(no built book: run `make book`)"
"""The one page listed before a build: `make check` collects these tests without running them, and
a test run on it fails through the ``book_html`` fixture instead of silently testing nothing."""


def book_pages(html_root: Path = BOOK_HTML) -> list[str]:
    return built_pages(html_root) or [NO_BUILD]


def chart_pages() -> list[str]:
    if book_pages() == [NO_BUILD]:
        return [NO_BUILD]
    pages = [p for p in book_pages() if 'class="alexandra-vega"' in (BOOK_HTML / p).read_text(encoding="utf-8")]
    assert pages, "no page with an Altair chart"
    return pages


def open_page(offline: OfflinePage, url: str) -> None:
    offline.page.goto(url, wait_until="load")
    wait_until_drawn(offline.page)


@pytest.mark.parametrize("page_path", book_pages())
def test_page_works_offline(offline_page: OfflinePage, book_url: str, page_path: str) -> None:
    open_page(offline_page, f"{book_url}/{page_path}")
    page = offline_page.page

    assert offline_page.blocked == [], f"{page_path} requested outside the book"
    assert offline_page.console_errors == [], f"{page_path} logged errors"

    untypeset = page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter(el => !el.querySelector('mjx-container')).length"
    )
    assert untypeset == 0, f"{page_path}: {untypeset} formulas not rendered by MathJax"
    assert page.evaluate(MATHJAX_ERRORS) == [], f"{page_path}: formulas MathJax could not typeset"

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


@pytest.mark.parametrize("page_path", book_pages())
def test_first_visit_is_within_budget(offline_page: OfflinePage, book_url: str, page_path: str) -> None:
    page = offline_page.page  # a fresh browser context: nothing cached
    page.goto(f"{book_url}/{page_path}", wait_until="load")
    wait_until_drawn(page)
    transferred = page.evaluate(FIRST_VISIT_BYTES)
    target = page.url.removeprefix(book_url + "/").split("#")[0]  # index.html redirects
    budget = page_budget((BOOK_HTML / target).read_text(encoding="utf-8"))
    assert transferred <= budget, (
        f"{page_path}: {transferred / 1e3:.0f} KB on a first visit, budget {budget / 1e3:.0f} KB"
    )


def other_value(control: Any) -> str:
    """Another option of a drop-down, or the end of a slider's range farther from its value."""
    current = control.input_value()
    if control.evaluate("element => element.tagName") == "SELECT":
        options = control.locator("option").evaluate_all("options => options.map(option => option.value)")
        return next(option for option in options if option != current)
    low, high = (float(control.get_attribute(key)) for key in ("min", "max"))
    return str(low if float(current) > (low + high) / 2 else high)


def set_control(control: Any, value: str) -> None:
    if control.evaluate("element => element.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)
        control.dispatch_event("input")


@pytest.mark.parametrize("page_path", chart_pages())
def test_charts_fit_a_phone_and_every_control_acts(offline_page: OfflinePage, book_url: str, page_path: str) -> None:
    page = offline_page.page
    page.set_viewport_size(PHONE)
    open_page(offline_page, f"{book_url}/{page_path}")

    overflowing = page.evaluate(
        "() => [...document.querySelectorAll('.alexandra-vega')].map(div => {"
        " const box = div.querySelector('svg').getBoundingClientRect();"
        " return [div.id, Math.round(box.left), Math.round(box.right)]; })"
        ".filter(([, left, right]) => left < 0 || right > window.innerWidth)"
    )
    assert overflowing == [], f"{page_path}: charts wider than a {PHONE['width']}-px screen (id, left, right)"
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page_path} scrolls sideways on a phone ({scroll_width} px)"

    charts = page.locator(".alexandra-vega")
    inert = []
    for index in range(charts.count()):
        chart = charts.nth(index)
        controls = chart.locator(".vega-bindings input[type=range], .vega-bindings select")
        for number in range(controls.count()):
            # Each control alone, from the chart's first state: moved, compared, put back.
            control = controls.nth(number)
            before = chart.locator("svg").inner_html()
            original = control.input_value()
            set_control(control, other_value(control))
            try:
                page.wait_for_function(
                    "([div, before]) => div.querySelector('svg').innerHTML !== before",
                    arg=[chart.element_handle(), before],
                    timeout=3_000,
                )
            except Exception:  # noqa: BLE001 - the assertion below names the control
                inert.append(f"chart {index + 1} ({control.get_attribute('name')})")
            set_control(control, original)
    assert inert == [], f"{page_path}: controls that do not change their chart"
    assert offline_page.console_errors == []


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


#: TeX as MathJax reads it from a page: a delimiter (\( \[) or a command (\alpha, \mathrm).
TEX = r"\\[(\[)\]]|\\[a-zA-Z]+"


def search_excerpts(page: Any, url: str) -> list[str]:
    """The excerpts of the search results at ``url``, once every result has fetched its page."""
    page.goto(url, wait_until="load")
    page.wait_for_selector("#search-results li p.context", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li').length ==="
        " document.querySelectorAll('#search-results li p.context').length",
        timeout=15_000,
    )
    page.wait_for_load_state("networkidle")
    return page.locator("#search-results li p.context").all_inner_texts()


def test_search_excerpts_show_formulas_as_text(offline_page: OfflinePage, book_url: str) -> None:
    """Search shows each result with an excerpt of its page: a formula there reads as text, not as TeX."""
    page = offline_page.page
    excerpts = search_excerpts(page, f"{book_url}/search.html?q=Schoenfeld")
    assert len(excerpts) >= 3
    with_tex = [excerpt for excerpt in excerpts if re.search(TEX, excerpt)]
    assert with_tex == [], "search excerpts show TeX"
    titles = page.locator("#search-results li > a").all_inner_texts()
    assert not [title for title in titles if re.search(TEX, title)], titles
    plain = page.evaluate("tex => window.alexandraPlainTeX(tex)", r"\(z_{1-\alpha/2} = 1.96,\ \sqrt{4/D}\)")
    assert plain == "z_(1−α/2) = 1.96, √(4/D)"
    assert offline_page.console_errors == [] and offline_page.blocked == []


def test_bibliography_labels_are_the_citations(offline_page: OfflinePage, book_url: str) -> None:
    """Each bibliography entry is labelled as the text cites it ("Ignatiadis et al., 2025", not "[IBM+25]")."""
    page = offline_page.page
    page.goto(f"{book_url}/book/appendix/bibliography.html", wait_until="load")
    labels = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('div.citation')].map(entry =>"
        " [entry.id, entry.querySelector('.label').textContent.replace(/^\\[|\\]$/g, '').trim()]))"
    )
    assert len(labels) >= 40
    cited = 0
    for page_path in [p for p in book_pages() if p.startswith("book/") and "bibliography" not in p]:
        page.goto(f"{book_url}/{page_path}", wait_until="load")
        citations = page.evaluate(
            "() => [...document.querySelectorAll('a[href*=\"bibliography.html#\"]')]"
            ".map(a => [a.hash.slice(1), a.textContent.replace(/\\s+/g, ' ').trim()])"
        )
        for target, text in citations:
            assert labels[target] == text, f"{page_path}: cited as {text!r}, labelled {labels[target]!r}"
        cited += len(citations)
    assert cited >= 50


def test_first_visit_fetches_only_what_the_first_screen_draws(offline_page: OfflinePage, book_url: str) -> None:
    """The icons come from the book's small subset of the icon font (never the theme's three 300-KB fonts), on
    every page; figures load lazily and keep their aspect ratio (_ext/page_speed.py)."""
    page = offline_page.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for page_path in [path for path in book_pages() if path != "index.html"]:  # index.html redirects
        fetched.clear()
        page.goto(f"{book_url}/{page_path}", wait_until="load")
        page.evaluate("() => document.fonts.ready")
        page.wait_for_load_state("networkidle")
        fonts = [url.rsplit("/", 1)[-1] for url in fetched if "/webfonts/" in url]
        assert fonts == ["fa-solid-900-book.woff"], f"{page_path} fetched the icon fonts {fonts}"
        icons_drawn = page.evaluate(
            "() => [...document.fonts].some(face => face.family.includes('Font Awesome') && face.status === 'loaded')"
        )
        assert icons_drawn, f"{page_path}: no icon font loaded"
    page.set_viewport_size(PHONE)
    page.goto(f"{book_url}/book/02-design.html", wait_until="load")
    figures = page.locator(".bd-content img")
    assert figures.count() >= 3
    assert all(
        figure.get_attribute("loading") == "lazy" and figure.get_attribute("width") and figure.get_attribute("height")
        for figure in figures.all()
    ), "figures load lazily, with their size"
    for figure in figures.all():
        figure.scroll_into_view_if_needed()
        figure.evaluate("image => image.decode()")
        box, natural = figure.evaluate(
            "image => [image.getBoundingClientRect().width / image.getBoundingClientRect().height,"
            " image.naturalWidth / image.naturalHeight]"
        )
        assert abs(box - natural) < 0.02, f"a figure drawn at {box:.3f}:1, its image is {natural:.3f}:1"


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
    assert any(h.endswith("_sources/book/demo.ipynb") for h in hrefs), "download as .ipynb"
    # repository.url is empty in _config.yml until the repository exists: no button may lead nowhere.
    assert not any("github.com/alexandra-book" in h for h in hrefs), "a button to a repository that does not exist"
    assert not any("mybinder.org" in h or "colab.research.google.com" in h for h in hrefs), (
        "launch without a repository"
    )
    assert page.locator(".theme-switch-button").count() >= 1, "light/dark switch"
