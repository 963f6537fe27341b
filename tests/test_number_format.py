"""One number format across the book: a number from 1,000 upward is printed with thousands separators.

Read over the built HTML (``make book``): every whole number of four or more digits in the text a reader
reads must have its separators ("2,199", "10,000"), except a year (1900–2100), a number inside code,
a formula, a reference or a link address (DOI, URL), or part of an identifier or a date (NCT03498716,
2018-06-01, 333:1150-1160). Prose (Markdown cells, glue format specs such as ``{glue:text}`key:,.0f```)
and tables and other outputs of code cells are checked on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import BOOK_HTML

pytestmark = pytest.mark.browser  # it reads the built book, as the browser tests do (`make test`)

#: Four or more digits in a row, not part of a word, a decimal, a path, a date or a page range.
BARE_NUMBER = re.compile(r"(?<![\w.,/:\-–])\d{4,}(?![\w/]|[.,]\d|[-–]\d)")
#: What a reader does not read as a number of the text.
NOT_PROSE = (
    "script, style, pre, code, kbd, samp, .math, mjx-container, .cell_input, div.highlight,"
    " .citation, .bibliography, .footnote, .headerlink"
)


def is_year(text: str) -> bool:
    return len(text) == 4 and 1900 <= int(text) <= 2100


def bare_numbers(text: str) -> list[str]:
    """The numbers of 1,000 or more printed without separators, each with a little of its context."""
    return [
        text[max(0, m.start() - 40) : m.end() + 10].replace("\n", " ")
        for m in BARE_NUMBER.finditer(text)
        if not is_year(m.group())
    ]


def reader_text(page: Path) -> tuple[str, str]:
    """The page's prose and the text of its code-cell outputs, without code, formulas and references."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    if article is None:
        return "", ""
    for element in article.select(NOT_PROSE):
        element.decompose()
    outputs = []
    for output in article.select(".cell_output"):
        outputs.append(output.get_text(" "))
        output.decompose()
    return article.get_text(" "), " ".join(outputs)


def content_pages() -> list[str]:
    pages = sorted(p.relative_to(BOOK_HTML).as_posix() for p in BOOK_HTML.rglob("*.html"))
    return [p for p in pages if not p.startswith("_") and p not in ("genindex.html", "search.html")] or ["(no build)"]


def test_bare_numbers_are_found() -> None:
    assert len(bare_numbers("2199 patients (1101 and 1098) in 2018, 10000 trials")) == 4
    assert bare_numbers("2,199 of 2,300; 0.1234; NCT03498716; 2018-06-01; 333:1150-1160; 10.1001/jama") == []


@pytest.mark.parametrize("page_path", content_pages())
def test_prose_numbers_have_separators(book_html: Path, page_path: str) -> None:
    prose, _ = reader_text(book_html / page_path)
    assert bare_numbers(prose) == [], f"{page_path}: numbers >= 1000 without thousands separators"


@pytest.mark.parametrize("page_path", content_pages())
def test_output_numbers_have_separators(book_html: Path, page_path: str) -> None:
    _, outputs = reader_text(book_html / page_path)
    assert bare_numbers(outputs) == [], f"{page_path}: code-cell outputs print numbers >= 1000 without separators"
