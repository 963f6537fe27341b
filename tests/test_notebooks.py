"""Every chapter re-executed and compared with its committed outputs (pytest-notebook).

A changed number, table or text output fails the test. Only volatile fields are
ignored, each for a stated reason (see ``VOLATILE``). To accept new outputs on
purpose, re-execute a notebook with ``make nb NB=book/<name>.ipynb`` (or every
notebook with ``make nb``) and commit it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

#: Output fields that legitimately change between runs, and why they may be ignored.
VOLATILE: dict[str, str] = {
    "/metadata/language_info": "Python patch version of the machine that ran it",
    "/metadata/widgets": "ipywidgets model ids are random per run",
    "/cells/*/execution_count": "depends on how often a cell was run",
    "/cells/*/outputs/*/execution_count": "same",
    "/cells/*/metadata/execution": "timestamps",
    "/cells/*/outputs/*/data/image/png": "PNG bytes differ with library builds; alt text and captions are still compared",
    "/cells/*/outputs/*/data/application/vnd.jupyter.widget-view+json": "random widget model ids",
}
#: Volatile text inside otherwise compared outputs: (path, regex, replacement).
VOLATILE_TEXT: tuple[tuple[str, str, str], ...] = (
    ("/cells/*/outputs/*/text", r"time fit was run = [^\n]*", "time fit was run = <removed>"),
    ("/cells/*/outputs/*/data/text/html", r"time fit was run</td>\s*<td>[^<]*<", "time fit was run</td><td><removed><"),
)


def chapter_notebooks() -> list[Path]:
    """Notebooks listed in ``_toc.yml`` — exactly what the book executes."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    notebooks = [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]
    assert notebooks, "no chapter notebooks found in _toc.yml"
    return notebooks


NOTEBOOKS = chapter_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_outputs_match_committed(notebook: Path, request: pytest.FixtureRequest) -> None:
    from pytest_notebook.nb_regression import NBRegressionFixture

    fixture = NBRegressionFixture(
        exec_timeout=120,
        exec_cwd=str(notebook.parent),
        diff_ignore=tuple(VOLATILE),
        diff_replace=VOLATILE_TEXT,
        diff_color_words=False,
        diff_use_color=False,
        force_regen=bool(request.config.getoption("--nb-force-regen", default=False)),
    )
    fixture.check(str(notebook))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_outputs_are_committed(notebook: Path) -> None:
    """A notebook without outputs would make the regression test vacuous."""
    cells = json.loads(notebook.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])]
    assert code, f"{notebook.name} has no code"
    assert any(c["outputs"] for c in code), f"{notebook.name}: outputs not committed (run make nb)"


def test_a_changed_number_fails_the_regression(tmp_path: Path) -> None:
    """The comparison is not vacuous: alter one glued number and the check must fail."""
    from pytest_notebook.nb_regression import NBRegressionError, NBRegressionFixture

    notebook = json.loads((ROOT / "book" / "demo.ipynb").read_text())
    glued = [
        output
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "demo_monthly_hazard" in json.dumps(output.get("metadata", {}))
    ]
    assert glued, "demo.ipynb no longer glues demo_monthly_hazard"
    glued[0]["data"]["text/plain"] = "0.5"
    altered = tmp_path / "demo.ipynb"
    altered.write_text(json.dumps(notebook))

    fixture = NBRegressionFixture(
        exec_timeout=120,
        exec_cwd=str(ROOT / "book"),
        diff_ignore=tuple(VOLATILE),
        diff_replace=VOLATILE_TEXT,
        diff_use_color=False,
    )
    with pytest.raises(NBRegressionError, match="text/plain"):
        fixture.check(str(altered))


def colab_cell_source() -> str:
    """The Colab install cell, as CONTRIBUTING.md prescribes it (the one source of truth)."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    return "\n".join(line[2:] if line.startswith("  ") else line for line in block.splitlines()).strip()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_first_code_cell_installs_the_book_on_colab(notebook: Path) -> None:
    cells = json.loads(notebook.read_text())["cells"]
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "".join(first_code["source"]).strip() == colab_cell_source()
    assert "remove-cell" in first_code["metadata"].get("tags", [])


#: Distinctive published numbers that must reach the prose through glue, never typed.
TYPED_NUMBER = re.compile(r"(?<![\w.`])(1\.11|0\.87|1\.42|141|125|1101|1098|2199|32\.3|31\.9|22\.3|41\.3|22\.5|41\.2|165)(?![\w.]*`)(?!\d)")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_published_numbers_are_glued_not_typed(notebook: Path) -> None:
    cells = json.loads(notebook.read_text())["cells"]
    typed = [
        (index, match.group(0))
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
        for match in TYPED_NUMBER.finditer(re.sub(r"\$[^$]*\$", "", "".join(cell["source"])))
    ]
    assert typed == [], f"{notebook.name}: published numbers typed into markdown cells (cell index, number)"
