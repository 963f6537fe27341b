"""_ext/inline_numbers.py: a chapter executed inline keeps its prose's results, runs hidden cells
before the prose that needs them, and writes each printed line once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from conftest import ROOT


def build_notebook(tmp_path: Path, cells: list) -> tuple[dict, str]:
    """Build one notebook the way the book does (inline execution); the executed notebook and the warnings."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_nb', 'inline_numbers']\nnb_execution_mode = 'inline'\n"
        'nb_merge_streams = True\nnb_eval_name_regex = r\'^glued\\["[^"]+"\\]$\'\n'
    )
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, source / "index.ipynb")
    warnings = tmp_path / "warnings.txt"
    # In its own process: myst-nb registers parsers and directives globally, which other tests' builds would inherit.
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-w", str(warnings), str(source), str(tmp_path / "out")],
        check=True,
    )
    # myst-nb writes the executed notebook beside the output folder, in jupyter_execute/.
    executed = json.loads((tmp_path / "jupyter_execute" / "index.ipynb").read_text())
    return executed, warnings.read_text()


def test_prose_results_are_stored_hidden_cells_run_first_and_prints_are_written_once(tmp_path: Path) -> None:
    code, markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    hidden = code("from alexandra.glue import glue_numbers, glued\nglue_numbers(hr=1.1101)")
    hidden.metadata["tags"] = ["remove-cell"]
    executed, warnings = build_notebook(
        tmp_path,
        [
            markdown("# Page"),
            hidden,
            markdown('The hazard ratio was {eval}`glued["hr:.2f"]`.'),
            # Two prints a moment apart reach the client as two stream messages.
            code('import time\nprint("first", flush=True)\ntime.sleep(0.5)\nprint("second")'),
        ],
    )
    assert "index.ipynb" not in warnings
    stored = executed["cells"][2]["metadata"]["user_expressions"]
    assert [(e["expression"], e["result"]["data"]["text/plain"]) for e in stored] == [('glued["hr:.2f"]', "1.11")]
    printed = "".join("".join(o["text"]) for o in executed["cells"][3]["outputs"] if o["output_type"] == "stream")
    assert printed == "first\nsecond\n"
