"""_ext/self_check.py: the {self-check} directive, built by Sphinx on a tiny MyST project.

A well-formed question becomes radio buttons (or a number field) with the right
option marked and one explanation per option; a malformed one is a build error,
so that `jupyter-book build -W` stops on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.application import Sphinx

from conftest import ROOT

GOOD = """# Page

:::{self-check} Which is *right*?
:answer: 2

- First.

  Why the first is wrong.
- Second.

  Why the second is right.
:::

:::{self-check} Two and a bit?
:number: 2.5
:tolerance: 4%

Because.
:::
"""


def build(tmp_path: Path, page: str) -> tuple[str, str]:
    source = tmp_path / "src"
    source.mkdir()
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
    _, warnings = build(tmp_path, f"# Page\n\n:::{{self-check}} A question?\n{body}:::\n")
    assert message in warnings
