"""Three readers' journeys through the built book, each as one test (offline Chromium, one browser per session).

* The phone reader (390x844, touch): opens the chapter menu with a tap, goes to chapter 5, opens the
  on-page contents and jumps to a section, switches to dark mode with the theme's switch, finds every
  chart inside its card, moves a slider by touch and by keyboard, and answers a self-check question
  wrong, is asked to try again, then right.
* The PDF reader (``make pdf``): every link is inside the PDF or to an external http(s) site (none to
  the local server that printed it), every page has its number, no "Show code cell source" toggle, no
  control, and every self-check question's answer is printed.
* The offline reader (``make dist``): the zip, unzipped and opened from file://, finds pages by search
  with an excerpt of each, formulas in it written as text.

And three things a phone reader meets on the way: every chapter's title in at most three lines, a
solution's link back to its exercise that leaves the solution open, and search excerpts without TeX.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from browser import wait_until_drawn
from conftest import BOOK_HTML, ROOT

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
PDF = ROOT / "_build" / "pdf" / "book.pdf"

#: How far (px) each chart's drawing reaches past the inside of its card (0 or less: it fits).
CHART_OVERFLOW = """() => [...document.querySelectorAll('.alexandra-vega')].map(div => {
  const drawing = div.querySelector('svg, canvas').getBoundingClientRect();
  const card = div.getBoundingClientRect(), style = getComputedStyle(div);
  const inside = card.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
  return Math.round(drawing.right - inside); })"""
SIDEBAR_LEFT = "() => Math.round(document.querySelector('.bd-sidebar-primary').getBoundingClientRect().left)"


@pytest.fixture
def phone(browser: Any, book_url: str) -> Any:
    """A touch phone's page that only reaches the local book server."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []
    local = urlparse(book_url).netloc
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlparse(route.request.url).netloc == local or route.request.url.startswith(("data:", "blob:"))
            else (blocked.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.blocked, page.errors = blocked, errors
    yield page
    context.close()


def tap_visible(page: Any, selector: str) -> None:
    buttons = page.locator(selector).filter(visible=True)
    assert buttons.count() == 1, f"one visible {selector}, found {buttons.count()}"
    buttons.first.tap()
    page.wait_for_timeout(500)  # the sidebars slide in


def test_phone_reader(phone: Any, book_url: str) -> None:
    page = phone
    page.goto(f"{book_url}/book/intro.html")
    wait_until_drawn(page)

    # The chapter menu: off-screen, then on screen after one tap on ☰.
    assert page.evaluate(SIDEBAR_LEFT) < 0, "the menu starts off-screen on a phone"
    tap_visible(page, ".primary-toggle")
    assert page.evaluate(SIDEBAR_LEFT) == 0, "a tap on ☰ brings the chapter menu on screen"
    page.locator(".bd-sidebar-primary a[href*='05-reconstruction']").first.tap()
    page.wait_for_url("**/book/05-reconstruction.html")
    wait_until_drawn(page)

    # The on-page contents: a tap opens it, a tap on a section scrolls there.
    tap_visible(page, ".secondary-toggle")
    contents = page.locator(".bd-sidebar-secondary")
    box = contents.bounding_box()
    assert box and 0 <= box["x"] < 390 and box["x"] + box["width"] <= 391, f"contents on screen: {box}"
    entry = contents.locator("a.nav-link[href^='#']").nth(2)
    target = (entry.get_attribute("href") or "#")[1:]
    entry.tap()
    # The page scrolls smoothly to the section, and the drawer closes so that the reader sees it.
    page.wait_for_function(
        "id => { const top = document.getElementById(id).getBoundingClientRect().top; return top >= 0 && top < 200; }",
        arg=target,
        timeout=5_000,
    )
    page.wait_for_function(
        "() => document.querySelector('.bd-sidebar-secondary').getBoundingClientRect().left >= innerWidth - 1"
    )

    # A wide figure shrinks to the phone's width; a tap opens the image itself, full size, to zoom.
    figure = page.locator("a.figure-full-size img").first
    figure.scroll_into_view_if_needed()
    source = figure.get_attribute("src") or ""
    figure.tap()
    page.wait_for_url(f"**/{source.split('/')[-1]}")
    width = page.evaluate("() => document.images[0].naturalWidth")
    assert width > 390, f"the full-size figure is {width} px wide, wider than the phone"
    page.go_back()
    wait_until_drawn(page)

    # Dark mode with the theme's own switch (it cycles through the modes): every chart fits its card.
    page.goto(f"{book_url}/book/06-uncertainty.html")
    wait_until_drawn(page)
    for _ in range(3):
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        page.locator(".theme-switch-button").filter(visible=True).first.tap()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    page.wait_for_function(
        "() => [...document.querySelectorAll('.alexandra-vega')].every(div => {"
        " const s = getComputedStyle(div); return Math.abs(Number(div.dataset.drawnWidth) -"
        " (div.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight))) <= 1; })",
        timeout=10_000,
    )
    overflow = page.evaluate(CHART_OVERFLOW)
    assert overflow and max(overflow) <= 1, f"charts reach past their dark card by {overflow} px"

    # A slider: big enough to touch, moved by touch and by keyboard; the chart and the readout follow.
    chart = page.locator(".alexandra-vega").first
    slider = chart.locator(".vega-bind input[type=range]").first
    slider.scroll_into_view_if_needed()
    size = slider.bounding_box()
    assert size and size["height"] >= 44 and size["width"] >= 300, f"slider {size}"
    status = page.locator(".alexandra-vega-status").first
    before = chart.locator("svg").inner_html()
    value = slider.input_value()
    slider.tap(position={"x": size["width"] - 4, "y": size["height"] / 2})  # touch near the right end
    page.wait_for_function(
        "([div, before]) => div.querySelector('svg').innerHTML !== before", arg=[chart.element_handle(), before]
    )
    touched = slider.input_value()
    assert touched != value, "a tap moved the slider"
    slider.focus()
    slider.press("ArrowLeft")
    assert slider.input_value() != touched, "the arrow key moved the slider"
    page.wait_for_function(
        "([el, v]) => el.textContent.endsWith(v)", arg=[status.element_handle(), slider.input_value()]
    )

    # A self-check question: wrong, asked to try again, then right.
    question = page.locator("fieldset.self-check[data-kind=choice]").first
    question.scroll_into_view_if_needed()
    feedback = question.locator(".self-check-feedback")
    question.locator("input[data-correct=false]").first.locator("xpath=following-sibling::label").tap()
    assert feedback.inner_text() == "", "choosing an option grades nothing"
    question.locator(".self-check-check").tap()
    assert feedback.inner_text().startswith("Not quite — try again.")
    question.locator("input[data-correct=true]").locator("xpath=following-sibling::label").tap()
    question.locator(".self-check-check").tap()
    assert feedback.inner_text().startswith("Right.")
    assert page.blocked == [] and page.errors == []


@pytest.fixture(scope="module")
def pdf_reader() -> Any:
    from pypdf import PdfReader

    if not PDF.is_file():
        pytest.fail(f"{PDF} not found: `make pdf` builds it.")
    return PdfReader(PDF)


def test_pdf_reader(pdf_reader: Any, book_html: Path) -> None:
    pages = [page.extract_text() or "" for page in pdf_reader.pages]
    total = len(pages)

    links = [
        annotation.get_object()
        for page in pdf_reader.pages
        for annotation in (page.get("/Annots") or [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    internal = external = 0
    for link in links:
        action = link.get("/A")
        action = action.get_object() if action is not None else {}
        if "/Dest" in link or action.get("/S") == "/GoTo":
            internal += 1
            continue
        uri = str(action.get("/URI", ""))
        host = urlparse(uri).hostname or ""
        assert urlparse(uri).scheme in ("http", "https", "mailto"), f"link to {uri!r}"
        assert host not in ("localhost", "127.0.0.1") and not host.startswith("127."), (
            f"link to the print server: {uri}"
        )
        external += 1
    assert internal > 100 and external > 0, f"{internal} links inside the PDF, {external} external"

    for number, text in enumerate(pages, start=1):
        assert f"{number} / {total}" in text, f"PDF page {number} has no page number"

    book = "\n".join(pages)
    assert "Show code cell source" not in book and "Hide code cell source" not in book
    assert "Show answer" not in book and "Check\n" not in book, "self-check buttons are printed"

    questions = sum(
        html.read_text(encoding="utf-8").count('<fieldset class="self-check')
        for html in (book_html / "book").rglob("*.html")
    )
    assert questions >= 20
    assert len(re.findall(r"Answer:", book)) == questions, "each self-check question's answer is printed"


@pytest.fixture(scope="module")
def unzipped_book(book_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip of ``make dist``, unzipped: its ``index.html`` and ``search.html`` open from file://."""
    from make_dist import TOP_FOLDER, make_zip

    folder = tmp_path_factory.mktemp("dist")
    with zipfile.ZipFile(make_zip(book_html, folder / "book.zip")) as archive:
        archive.extractall(folder)
    return folder / TOP_FOLDER


def test_offline_zip_reader(browser: Any, unzipped_book: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlparse(route.request.url).scheme in ("file", "data", "blob")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.goto((unzipped_book / "search.html").as_uri() + "?q=hazard+ratio", wait_until="load")
    page.wait_for_selector("#search-results li p.context", timeout=15_000)
    excerpts = page.locator("#search-results li p.context").all_inner_texts()
    assert len(excerpts) >= 3 and all(excerpt.strip() for excerpt in excerpts[:3]), excerpts[:3]
    assert any("hazard" in excerpt.lower() for excerpt in excerpts), "excerpts show the words searched for"

    # A formula in an excerpt reads as text ("z_(1−α/2)"), as over http (test_browser.py), not as TeX.
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((unzipped_book / "search.html").as_uri() + "?q=Schoenfeld", wait_until="load")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li p.context').length >= 3"
        " && document.querySelectorAll('#search-results li').length ==="
        " document.querySelectorAll('#search-results li p.context').length",
        timeout=15_000,
    )
    page.wait_for_timeout(300)  # the last results' excerpts
    excerpts = page.locator("#search-results li p.context").all_inner_texts()
    assert [excerpt for excerpt in excerpts if re.search(r"\\[(\[)\]]|\\[a-zA-Z]+", excerpt)] == []
    assert any("α" in excerpt for excerpt in excerpts), "the excerpt with a formula shows it as text"
    assert outside == [] and errors == []
    context.close()


def test_chapter_titles_fit_three_lines_on_a_phone(phone: Any, book_url: str, book_html: Path) -> None:
    """On a 390-px phone every page's title (its h1) takes at most three lines, in a type of at least 1.5rem."""
    too_long = {}
    for path in sorted(p.relative_to(book_html).as_posix() for p in (book_html / "book").rglob("*.html")):
        phone.goto(f"{book_url}/{path}", wait_until="load")
        size, lines = phone.evaluate(
            "() => { const h1 = document.querySelector('.bd-article h1'), style = getComputedStyle(h1);"
            " return [parseFloat(style.fontSize),"
            " Math.round(h1.getBoundingClientRect().height / parseFloat(style.lineHeight))]; }"
        )
        assert size >= 24, f"{path}: a {size}-px title is smaller than 1.5rem"
        if lines > 3:
            too_long[path] = lines
    assert too_long == {}, "titles longer than three lines on a phone"


def test_exercise_link_in_a_solution_keeps_it_open(phone: Any, book_url: str) -> None:
    """A solution's title says which exercise it solves, as a link: tapping it shows the exercise, and the
    solution stays open (the title around the link opens and closes the solution)."""
    page = phone
    page.goto(f"{book_url}/book/02-design.html", wait_until="load")
    wait_until_drawn(page)
    solution = page.locator(".solution").filter(has=page.locator(".admonition-title a[href^='#']")).first
    link = solution.locator(".admonition-title a[href^='#']").first
    exercise_id = (link.get_attribute("href") or "#")[1:]
    solution.scroll_into_view_if_needed()
    solution.locator(".toggle-button").tap()  # open the solution
    page.wait_for_timeout(300)
    assert "toggle-hidden" not in (solution.get_attribute("class") or ""), "the solution opens"
    solution.evaluate("element => element.scrollIntoView({block: 'start', behavior: 'instant'})")  # exercise off screen
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", exercise_id)
    assert top < 0, "the exercise starts above the screen"
    url = page.url

    link.tap()
    page.wait_for_function(
        "id => { const top = document.getElementById(id).getBoundingClientRect().top; return top >= 0 && top < 150; }",
        arg=exercise_id,
        timeout=5_000,
    )
    assert "toggle-hidden" not in (solution.get_attribute("class") or ""), "the solution stays open"
    assert page.url == url, "the link scrolls to the exercise instead of leaving the page's address"
    assert page.errors == [] and page.blocked == []


def test_repository_buttons_follow_one_setting() -> None:
    """No button leads to a repository that does not exist; a URL in _config.yml turns them all on."""
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from repository_buttons import repository_options

    launch = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}
    off = repository_options({"repository_url": "", "launch_buttons": launch})
    assert (off["use_repository_button"], off["use_issues_button"], off["launch_buttons"]) == (False, False, {})
    on = repository_options({"repository_url": "https://github.com/o/r", "launch_buttons": launch})
    assert on["use_repository_button"] and on["use_issues_button"] and on["launch_buttons"] == launch
    built = (BOOK_HTML / "book" / "02-design.html").read_text(encoding="utf-8")
    assert "alexandra-book/alexandra-book" not in built and "mybinder.org" not in built


def test_the_pdf_build_imports_no_test_module() -> None:
    for script in ("scripts/build_pdf.py", "benchmarks/run.py"):
        source = (ROOT / script).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (conftest|test_\w+)", source, re.M), f"{script} imports a test"
