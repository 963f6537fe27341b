"""Every chapter's outputs, as the book build executed them, compared with the committed ones.

``make book`` executes each notebook once, inline, and writes it to ``_build/jupyter_execute``;
the regression test compares those outputs with the ones committed in ``book/`` at the precision the book prints them (see
``scripts/notebook_outputs.py``). A changed number, table or text fails it; a
changed last bit does not. To accept new outputs on purpose: ``make nb``
(every notebook) or ``make nb NB=book/<name>.ipynb``, then commit.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import notebook_outputs  # scripts/ is on the path (tests/conftest.py)
from conftest import ROOT
from inline_numbers import EVAL_ROLE  # _ext/ is on the path (tests/conftest.py)


def chapter_notebooks() -> list[Path]:
    """Notebooks listed in ``_toc.yml`` — exactly what the book executes."""
    notebooks = notebook_outputs.toc_notebooks()
    assert notebooks, "no chapter notebooks found in _toc.yml"
    return notebooks


NOTEBOOKS = chapter_notebooks()
IDS = [notebook.relative_to(ROOT).as_posix() for notebook in NOTEBOOKS]


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_outputs_match_committed(notebook: Path) -> None:
    stale = notebook_outputs.build_is_current()
    assert stale is None, stale
    try:
        built = notebook_outputs.executed(notebook)
    except LookupError as error:
        pytest.fail(str(error))
    found = notebook_outputs.differences(read(notebook), built)
    assert not found, f"{notebook.name}: outputs differ from the committed ones (accept with make nb):\n{found[:4000]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_outputs_are_committed(notebook: Path) -> None:
    """A notebook without outputs would make the regression test vacuous."""
    cells = read(notebook)["cells"]
    code = [c for c in cells if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])]
    assert code, f"{notebook.name} has no code"
    assert any(c["outputs"] for c in code), f"{notebook.name}: outputs not committed (run make nb)"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_committed_notebooks_carry_no_timestamps_or_machine_details(notebook: Path) -> None:
    data = read(notebook)
    timed = [index for index, cell in enumerate(data["cells"]) if "execution" in cell.get("metadata", {})]
    assert timed == [], f"{notebook.name}: cells with metadata.execution (run make nb, or notebook_outputs.py clean)"
    assert set(data["metadata"]) <= set(notebook_outputs.NOTEBOOK_METADATA_KEPT), data["metadata"].keys()


# -- the comparison is neither vacuous nor fragile ----------------------------------------------------


def demo() -> dict:
    return read(ROOT / "book" / "demo.ipynb")


def outputs_where(notebook: dict, predicate) -> list[dict]:
    return [output for cell in notebook["cells"] for output in cell.get("outputs", []) if predicate(output)]


def test_a_changed_number_in_the_prose_fails() -> None:
    committed = demo()
    changed = copy.deepcopy(committed)
    shown = [
        e
        for cell in changed["cells"]
        for e in cell["metadata"].get("user_expressions", [])
        if "demo_monthly_hazard" in e["expression"]
    ]
    assert shown, "demo.ipynb no longer shows demo_monthly_hazard in its prose"
    shown[0]["result"]["data"]["text/plain"] = "0.5"
    assert "demo_monthly_hazard" in notebook_outputs.differences(committed, changed)


def test_a_number_in_the_prose_is_compared_as_the_page_prints_it() -> None:
    def notebook(printed: str) -> dict:
        expression = {"expression": 'glued["hr:.2f"]', "result": {"status": "ok", "data": {"text/plain": printed}}}
        cell = {
            "cell_type": "markdown",
            "id": "a",
            "metadata": {"user_expressions": [expression]},
            "source": 'HR {eval}`glued["hr:.2f"]`',
        }
        return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}

    assert notebook_outputs.differences(notebook("1.11"), notebook("1.11")) == ""
    assert "1.10" in notebook_outputs.differences(notebook("1.11"), notebook("1.10"))


def test_a_changed_table_number_fails() -> None:
    committed = read(ROOT / "book" / "05-reconstruction.ipynb")
    changed = copy.deepcopy(committed)
    tables = outputs_where(changed, lambda o: "<table" in "".join(o.get("data", {}).get("text/html", "")))
    assert tables, "chapter 4 shows no table"
    html = "".join(tables[0]["data"]["text/html"])
    cell = re.search(r"<td>(-?\d+\.\d+)</td>", html)
    assert cell, "no number in the first table"
    digits = cell.group(1)
    altered = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    tables[0]["data"]["text/html"] = html.replace(f"<td>{digits}</td>", f"<td>{altered}</td>", 1)
    found = notebook_outputs.differences(committed, changed)
    assert "text/html" in found and altered in found


def test_a_changed_last_bit_or_schema_url_passes() -> None:
    committed = read(ROOT / "book" / "06-uncertainty.ipynb")
    changed = copy.deepcopy(committed)
    charts = outputs_where(changed, lambda o: any("vegalite" in mime for mime in o.get("data", {})))
    assert charts, "chapter 5 draws no Vega-Lite chart"
    for output in charts:
        mime = next(m for m in output["data"] if "vegalite" in m)
        output["data"][mime]["$schema"] = "https://vega.github.io/schema/vega-lite/v6.99.0.json"
        html = "".join(output["data"]["text/html"]).replace("vega-lite/v6.", "vega-lite/v6.99.")
        # One more unit in the last place of every long float of the spec: what another processor may give.
        output["data"]["text/html"] = re.sub(
            r"(\d\.\d{12,})(\d)", lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10), html
        )
    assert notebook_outputs.differences(committed, changed) == ""


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


def test_the_colab_cell_names_the_repository_of_the_configuration() -> None:
    """One setting: the URL the Colab cell clones is repository.url of _config.yml (scripts/set_repository.py)."""
    import yaml

    configured = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"] or ""
    assert re.search(r'REPOSITORY = "([^"]*)"', colab_cell_source())[1] == configured


def test_setting_the_repository_writes_the_configuration_and_every_colab_cell(tmp_path: Path) -> None:
    import shutil

    import set_repository

    for name in ("_config.yml", "CONTRIBUTING.md", "book/06-uncertainty.ipynb", "book/appendix/accuracy-study.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    url = "https://github.com/owner/book"
    changed = set_repository.set_repository(url, "trunk", root=tmp_path)
    assert len(changed) == 4
    config = (tmp_path / "_config.yml").read_text()
    assert f'url: "{url}"' in config and "branch: trunk" in config
    for notebook in ("book/06-uncertainty.ipynb", "book/appendix/accuracy-study.ipynb"):
        first = next(c for c in read(tmp_path / notebook)["cells"] if c["cell_type"] == "code")
        assert f'REPOSITORY = "{url}"' in "".join(first["source"])
    assert f'REPOSITORY = "{url}"' in (tmp_path / "CONTRIBUTING.md").read_text()
    with pytest.raises(SystemExit, match="not an https:// URL"):
        set_repository.set_repository("github.com/owner/book", root=tmp_path)


#: Distinctive published numbers that must reach the prose through glue, never typed.
TYPED_NUMBER = re.compile(
    r"(?<![\w.`])(1\.11|0\.87|1\.42|141|125|1101|1098|2199|32\.3|31\.9|22\.3|41\.3|22\.5|41\.2|165)(?![\w.]*`)(?!\d)"
)


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


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_prose_expressions_carry_their_committed_results(notebook: Path) -> None:
    """Each markdown cell stores the printed result of every {eval} expression it shows, in order: JupyterLab
    shows them before the chapter runs, and the regression test compares them."""
    cells = read(notebook)["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        stored = cell["metadata"].get("user_expressions", [])
        assert [e["expression"] for e in stored] == EVAL_ROLE.findall(source), (
            f"{notebook.name}, cell {index}: stored expression results do not match the prose (run make book, make nb)"
        )
        for entry in stored:
            assert entry["result"]["status"] == "ok" and "".join(entry["result"]["data"]["text/plain"]).strip(), (
                f"{notebook.name}, cell {index}: {entry['expression']} has no printed result"
            )


def test_the_build_stamp_changes_with_the_package_the_data_and_the_pins(tmp_path: Path, monkeypatch) -> None:
    """What keeps `make nb` from saving outputs computed with an older package or data."""
    for name, text in {
        "src/alexandra/constants.py": "LEVEL = 0.95\n",
        "data/published/a.csv": "key,value\n",
        "requirements.txt": "numpy==2.4.6\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(notebook_outputs, "ROOT", tmp_path)
    monkeypatch.setattr(notebook_outputs, "SOURCES_STAMP", tmp_path / "_build" / "sources.sha256")
    assert "run `make book`" in (notebook_outputs.build_is_current() or "")
    (tmp_path / "_build").mkdir()
    notebook_outputs.SOURCES_STAMP.write_text(notebook_outputs.sources_hash() + "\n")
    assert notebook_outputs.build_is_current() is None
    for name in ("src/alexandra/constants.py", "data/published/a.csv", "requirements.txt"):
        before = notebook_outputs.sources_hash()
        (tmp_path / name).write_text((tmp_path / name).read_text() + "# changed\n")
        assert notebook_outputs.sources_hash() != before, name
    assert "changed since the book was built" in (notebook_outputs.build_is_current() or "")


def one_cell_notebook(outputs: list[dict]) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": "a",
                "metadata": {},
                "execution_count": 1,
                "source": "show()",
                "outputs": outputs,
            }
        ],
    }


def test_printed_lines_cut_into_other_stream_chunks_pass() -> None:
    """How printed lines are split into stream outputs depends on when the kernel flushed them."""
    one = one_cell_notebook([{"output_type": "stream", "name": "stdout", "text": "block 2: 1\nblock 8: 4\n"}])
    two = one_cell_notebook(
        [
            {"output_type": "stream", "name": "stdout", "text": "block 2: 1\n"},
            {"output_type": "stream", "name": "stdout", "text": "block 8: 4\n"},
        ]
    )
    assert notebook_outputs.differences(one, two) == ""
    changed = one_cell_notebook(
        [
            {"output_type": "stream", "name": "stdout", "text": "block 2: 1\n"},
            {"output_type": "stream", "name": "stdout", "text": "block 8: 5\n"},
        ]
    )
    assert "block 8: 5" in notebook_outputs.differences(one, changed)


def test_a_memory_address_in_a_repr_passes() -> None:
    def styler(address: str) -> dict:
        return one_cell_notebook(
            [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/plain": f"<pandas.io.formats.style.Styler at {address}>"},
                }
            ]
        )

    assert notebook_outputs.differences(styler("0x7f69da629f50"), styler("0x7f3147ddd250")) == ""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_every_cell_has_a_stable_id(notebook: Path) -> None:
    """A cell without an id gets a random one each time it is executed, and the regression test then fails."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    missing = [index for index, cell in enumerate(cells) if not cell.get("id")]
    assert not missing, f"{notebook.name}: cells {missing} have no id"
