"""_ext/self_check.py: the {self-check} directive, built by Sphinx on a tiny MyST project.

A well-formed question becomes radio buttons (or a number field) with the right
option marked and one explanation per option; a malformed one is a build error,
so that `jupyter-book build -W` stops on it.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sphinx.application import Sphinx

from conftest import ROOT
from test_secondary_badges import glued_pairs

GOOD = """# Page

:::{admonition} Which is *right*?
:class: self-check dropdown
:answer: 2

- First.

  Why the first is wrong.
- Second.

  Why the second is right.
:::

:::{admonition} Two and a bit?
:class: self-check dropdown
:number: 2.5
:tolerance: 4%

Because.
:::
"""


def build(tmp_path: Path, page: str) -> tuple[str, str]:
    source = tmp_path / "src"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'self_check']\nmyst_enable_extensions = ['colon_fence', 'dollarmath']\n"
    )
    (source / "index.md").write_text(page)
    out = tmp_path / "out"
    warnings = tmp_path / "warnings.txt"
    with warnings.open("w") as stream:
        Sphinx(
            str(source), str(source), str(out), str(tmp_path / "doctrees"), "html", warning=stream, freshenv=True
        ).build()
    return (out / "index.html").read_text(), warnings.read_text()


def test_a_question_becomes_a_form_with_one_right_option(tmp_path: Path) -> None:
    html, warnings = build(tmp_path, GOOD)
    assert warnings == ""
    assert html.count('type="radio"') == 2
    assert html.count('data-correct="true"') == 1
    assert html.index('data-correct="false"') < html.index('data-correct="true"'), "the second option is right"
    assert html.count('class="self-check-explanation" hidden') == 3
    assert 'data-answer="2.5"' in html and 'data-tolerance="0.1"' in html  # 4% of 2.5
    assert 'role="status"' in html
    assert "self-check.js" in html and "self-check.css" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (":answer: 3\n\n- Only.\n\n  Why.\n", ":answer: must name one of the 1 options"),
        (":answer: 1\n\n- No explanation.\n", "needs its text, a blank line, then a one-line explanation"),
        (":answer: 1\n\nNo list at all.\n", "end the question with one list of options"),
        (":number: no_such_key\n\nWhy.\n", "neither a number nor a glue key"),
    ],
)
def test_a_malformed_question_fails_the_build(tmp_path: Path, body: str, message: str) -> None:
    _, warnings = build(tmp_path, f"# Page\n\n:::{{admonition}} A question?\n:class: self-check\n{body}:::\n")
    assert message in warnings


def test_an_admonition_without_the_class_stays_an_admonition(tmp_path: Path) -> None:
    html, warnings = build(tmp_path, "# Page\n\n:::{admonition} A note\n:class: tip\n\nText.\n:::\n")
    assert "index.md" not in warnings  # no warning about the page (Sphinx may warn about its own setup)
    assert '<div class="tip admonition"' in html and "self-check" not in html
    _, warnings = build(tmp_path / "b", "# Page\n\n:::{admonition} A note\n:answer: 1\n\n- A.\n\n  Why.\n:::\n")
    assert "answer need(s) the class self-check" in warnings


# Every question of the book, read from its source: one test per page, no Sphinx build, so a wrong
# key or a missing explanation is caught by `make check` before a browser ever answers it.

OPENING = re.compile(r"^(?P<fence>:{3,}|`{3,})\{admonition\}(?P<question>.*)$")
OPTION_LINE = re.compile(r"^:(?P<name>[a-z]+):(?P<value>.*)$")
CHAPTER = re.compile(r"^\d\d-")


@dataclass
class Question:
    page: str
    line: int
    question: str
    options: dict[str, list[str]]
    body: list[str]

    def where(self) -> str:
        return f"{self.page}, line {self.line}: {self.question.strip()[:70]!r}"


def book_pages() -> list[Path]:
    """Every page of the book that can hold a question: notebooks and markdown, chapters and appendices."""
    book = ROOT / "book"
    return sorted(
        [*book.glob("*.ipynb"), *book.glob("appendix/*.ipynb"), *book.glob("*.md"), *book.glob("appendix/*.md")]
    )


def markdown_of(page: Path) -> list[tuple[str, int]]:
    """The markdown text of a page, one piece per notebook cell, with the piece's label."""
    if page.suffix == ".md":
        return [(page.read_text(encoding="utf-8"), 0)]
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    return [("".join(cell["source"]), number) for number, cell in enumerate(cells) if cell["cell_type"] == "markdown"]


def glue_keys(page: Path) -> re.Pattern[str]:
    """The glue keys a notebook's code cells define, as one pattern (a markdown page has none)."""
    if page.suffix != ".ipynb":
        return re.compile(r"(?!)")
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    patterns = [pattern for pattern, _ in glued_pairs(ast.parse(code))]
    return re.compile("|".join(patterns) or r"(?!)")


def questions_of(page: Path) -> list[Question]:
    found = []
    name = str(page.relative_to(ROOT))
    for text, cell in markdown_of(page):
        lines = text.split("\n")
        index = 0
        while index < len(lines):
            opening = OPENING.match(lines[index])
            if not opening:
                index += 1
                continue
            fence = opening["fence"]
            end = next((k for k in range(index + 1, len(lines)) if lines[k].rstrip() == fence), None)
            where = f"{name}" + (f", cell {cell}" if page.suffix == ".ipynb" else "")
            assert end is not None, f"{where}, line {index + 1}: the self-check block is never closed with {fence}"
            block = lines[index + 1 : end]
            options: dict[str, list[str]] = {}
            position = 0
            while position < len(block) and (option := OPTION_LINE.match(block[position])):
                options.setdefault(option["name"], []).append(option["value"].strip())
                position += 1
            if "self-check" in " ".join(options.get("class", [])).split():
                found.append(Question(where, index + 1, opening["question"], options, block[position:]))
            index = end + 1
    return found


def choice_items(question: Question) -> list[list[str]]:
    """The options of a multiple-choice question: each a list of its lines, the leading '- ' removed."""
    items: list[list[str]] = []
    for line in question.body:
        if line.startswith("- "):
            items.append([line[2:]])
        elif items:
            items[-1].append(line)
        else:
            assert not line.strip(), f"{question.where()}: text before the options ({line!r}) belongs in the question"
    return items


PAGES_WITH_QUESTIONS = [page for page in book_pages() if questions_of(page)]


def test_every_chapter_has_at_least_three_questions() -> None:
    chapters = [page for page in book_pages() if CHAPTER.match(page.name)]
    assert chapters, "no chapter notebooks found"
    for chapter in chapters:
        assert len(questions_of(chapter)) >= 3, f"{chapter.name} has fewer than three self-check questions"


@pytest.mark.parametrize("page", PAGES_WITH_QUESTIONS, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_question_of_the_page_is_well_formed(page: Path) -> None:
    keys = glue_keys(page)
    for question in questions_of(page):
        assert question.question.strip(), f"{question.where()}: the question has no text"
        known = {"class", "answer", "number", "tolerance"}
        assert set(question.options) <= known, f"{question.where()}: unknown option(s) {set(question.options) - known}"
        for name, values in question.options.items():
            assert len(values) == 1, f"{question.where()}: :{name}: is given {len(values)} times"
        if "number" in question.options:
            assert "answer" not in question.options, f"{question.where()}: a number question takes no :answer:"
            assert "tolerance" in question.options, f"{question.where()}: :number: needs a :tolerance:"
            number = question.options["number"][0]
            try:
                float(number)
            except ValueError:
                assert keys.fullmatch(number), (
                    f"{question.where()}: :number: {number!r} is neither a number nor a glue key of the page"
                )
            tolerance = question.options["tolerance"][0]
            assert re.fullmatch(r"\d+(\.\d+)?%?", tolerance), (
                f"{question.where()}: :tolerance: {tolerance!r} is not a number"
            )
            assert any(line.strip() for line in question.body), (
                f"{question.where()}: the number question has no explanation"
            )
            continue
        assert "answer" in question.options, (
            f"{question.where()}: a multiple-choice question needs exactly one :answer:"
        )
        assert "tolerance" not in question.options, f"{question.where()}: :tolerance: belongs to a number question"
        answer = question.options["answer"][0]
        assert answer.isdigit(), f"{question.where()}: :answer: {answer!r} is not a whole number"
        items = choice_items(question)
        assert len(items) >= 2, f"{question.where()}: a multiple-choice question needs at least two options"
        assert 1 <= int(answer) <= len(items), (
            f"{question.where()}: :answer: {answer} names none of the {len(items)} options"
        )
        for number, item in enumerate(items, start=1):
            assert item[0].strip(), f"{question.where()}: option {number} has no text"
            blank = next((k for k, line in enumerate(item) if not line.strip()), None)
            explanation = [line for line in item[blank:] if line.strip()] if blank is not None else []
            assert explanation, f"{question.where()}: option {number} has no explanation (text, a blank line, then one)"
            assert all(line.startswith("  ") for line in explanation), (
                f"{question.where()}: option {number}'s explanation must be indented under its option"
            )
