"""The whole book as one PDF (``make pdf``, scripts/build_pdf.py), read back with pypdf.

Every page of the table of contents is in it, under its own title and bookmark, in
reading order; every chart carries the line that points to its interactive
version; no formula is left as raw TeX (an undefined macro such as ``\\HR`` is
printed by MathJax as its own name); and the HTML book links to the same file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html import unescape
from pathlib import Path

import pytest

from build_pdf import CHART_NOTE, toc_pages
from conftest import BOOK_HTML, ROOT

pytestmark = pytest.mark.browser

PDF = ROOT / "_build" / "pdf" / "book.pdf"
#: TeX commands the chapters use; any of them in the PDF's text is a formula MathJax did not typeset.
RAW_TEX = re.compile(r"\\(HR|frac|ln|exp|sqrt|mathrm|widehat|hat|text|left|right|alpha|beta|theta|Phi|times|qquad)\b")


def page_title(html_file: Path) -> str:
    """The H1 of a built page, as text (tags, entities and the permalink sign removed)."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html_file.read_text(), re.S)
    assert found, f"{html_file} has no H1"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("#", "").split())


@cache
def pdf() -> tuple[list[str], list[tuple[str, int]]]:
    """The text of each PDF page, and the top-level bookmarks with their page index."""
    from pypdf import PdfReader

    if not PDF.is_file():
        pytest.fail(f"{PDF} not found: `make pdf` builds it (make test does so after the book).")
    reader = PdfReader(PDF)
    pages = [page.extract_text() or "" for page in reader.pages]
    marks = [
        (item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)
    ]
    return pages, marks


def flat(text: str) -> str:
    """Whitespace collapsed and ligatures (the "ﬁ" of the PDF's fonts) spelled out."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_every_page_is_in_the_pdf_in_reading_order() -> None:
    pages, marks = pdf()
    titles = [page_title(BOOK_HTML / path) for path in toc_pages()]
    assert len(marks) == len(titles), "one bookmark per page of the table of contents"
    starts = [start for _, start in marks]
    assert starts == sorted(starts) and starts[0] == 0
    for title, start, end in zip(titles, starts, starts[1:] + [len(pages)], strict=True):
        assert end > start, f"{title}: no PDF page"
        assert flat(title) in flat(pages[start]), f"{title!r} does not open its bookmarked PDF page {start + 1}"


def test_page_count_is_sane() -> None:
    pages, _ = pdf()
    assert len(toc_pages()) * 2 <= len(pages) <= 600, f"{len(pages)} PDF pages for {len(toc_pages())} HTML pages"
    assert sum(map(len, pages)) > 100_000, "the PDF has the book's text, not blank pages"


def test_no_formula_is_left_as_raw_tex() -> None:
    raw = sorted({(command, number + 1) for number, text in enumerate(pdf()[0]) for command in RAW_TEX.findall(text)})
    assert raw == [], f"TeX commands printed as text, with their PDF page (MathJax errors): {raw}"


def test_every_chart_says_where_its_interactive_version_is() -> None:
    text = "\n".join(pdf()[0])
    charts = sum(
        path.read_text().count('class="alexandra-vega"')
        for path in BOOK_HTML.rglob("*.html")
        if not path.relative_to(BOOK_HTML).as_posix().startswith("_")
    )
    note = flat(CHART_NOTE.split("(")[0])
    assert charts > 0
    assert flat(text).count(note) == charts, f"{charts} charts, each with the note {note!r}"


def test_the_html_book_links_to_the_pdf() -> None:
    intro = (BOOK_HTML / "book" / "intro.html").read_text()
    assert 'href="../book.pdf"' in intro
    assert (BOOK_HTML / "book.pdf").read_bytes() == PDF.read_bytes()
