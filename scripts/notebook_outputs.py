"""Committed notebook outputs: compare them with the build's, and save the build's into book/.

The book build (``make book``) executes every chapter inline and writes each
executed notebook to ``_build/jupyter_execute/`` (with every prose expression's
result in its markdown cell's ``user_expressions``, see ``_ext/inline_numbers.py``).
The regression test (``tests/test_notebooks.py``) compares those outputs with
the ones committed in ``book/``, so each notebook runs once per ``make test``;
``make nb`` copies the build's outputs into ``book/`` to accept a change on
purpose.

Numbers are compared as the reader sees them, not bit for bit:

- a number in the prose (``{eval}`glued["key:.2f"]` ``) is compared as the page
  prints it: the expression's result stored in its markdown cell;
- every number in a code cell's output is compared to a relative 1e-9: far below any precision
  the book prints, far above the last-bit differences between processors
  (numpy's AVX2 and AVX-512 code paths are not bit-identical);
- fields that change from run to run are dropped (:data:`VOLATILE`) or masked
  (:data:`VOLATILE_TEXT`), each for a stated reason.

Usage (``make nb``)::

    python scripts/notebook_outputs.py save [book/NAME.ipynb ...]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"
SOURCES_STAMP = ROOT / "_build" / "sources.sha256"
"""Written by ``make book``: the hash of src/ and data/ that the build executed with."""

VOLATILE: dict[str, str] = {
    "/metadata": "the Python patch release and widget state of whoever ran it",
    "/cells/*/metadata": "execution timestamps (tags are compared with the cells' sources)",
    "/cells/*/execution_count": "depends on how often a cell was run",
    "/cells/*/outputs/*/execution_count": "the same",
    "/cells/*/outputs/*/data/image/png": "PNG bytes differ with library builds; alt text and captions are still compared",
    "/cells/*/outputs/*/data/application/vnd.jupyter.widget-view+json": "random widget model ids",
}
"""Notebook fields left out of the comparison (pytest-notebook diff paths), and why."""
DIFF_IGNORE = tuple(VOLATILE)

VOLATILE_TEXT: tuple[tuple[str, str, str], ...] = (
    (r"time fit was run = [^\n]*", "time fit was run = <removed>", "lifelines prints the clock time of a fit"),
    (r"time fit was run</td>\s*<td>[^<]*<", "time fit was run</td><td><removed><", "the same, as HTML"),
    (r'"\$schema": ?"[^"]*"', '"$schema": "<vega-lite schema>"', "the schema URL changes with Altair patch releases"),
    (r"data-[0-9a-f]{32}", "data-<hash>", "Altair names a chart's data by a hash of every value's last bit"),
    (r"vega-[0-9a-f]{12}", "vega-<id>", "the chart's element id is a hash of its spec"),
    (r"\bT_[0-9a-f]{5}(?=[_\"])", "T_<id>", "pandas' Styler names each styled table with a random id"),
    (r" at 0x[0-9a-f]+>", " at 0x<address>>", "an object's default repr names its memory address"),
)
"""Text masked before the comparison: (pattern, replacement, why)."""

NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
RELATIVE_TOLERANCE = 1e-9
NOTEBOOK_METADATA_KEPT = ("kernelspec",)
"""Notebook metadata a committed notebook keeps (``language_info`` names the Python patch release of whoever ran it)."""


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def same_cells(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two versions of a notebook have the same cells (sources, in order), whatever their outputs."""
    return [_text(c["source"]) for c in one["cells"]] == [_text(c["source"]) for c in other["cells"]]


def _masked(text: str) -> str:
    for pattern, replacement, _ in VOLATILE_TEXT:
        text = re.sub(pattern, replacement, text)
    return text


def _field_text(value: Any) -> str:
    """An output field as text: strings and lists of lines joined, JSON (a Vega-Lite spec) dumped."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(value)
    return json.dumps(value, sort_keys=True)


def snapped(committed: dict[str, Any], executed: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``executed`` in which every output field equal as displayed takes the committed text.

    What is left differs in a way a reader could see; pytest-notebook's diff then reports it.
    """
    result = copy.deepcopy(executed)
    for old_cell, new_cell in zip(committed["cells"], result["cells"], strict=True):
        # Outputs pair up in order; any left over in either notebook is a difference the diff reports.
        for old, new in zip(old_cell.get("outputs", []), new_cell.get("outputs", []), strict=False):
            if old.get("output_type") != new.get("output_type"):
                continue
            if (
                "text" in old
                and "text" in new
                and _same_text(_masked(_field_text(old["text"])), _masked(_field_text(new["text"])))
            ):
                new["text"] = old["text"]
            for mime, value in old.get("data", {}).items():
                if mime in new.get("data", {}) and _same_text(
                    _masked(_field_text(value)), _masked(_field_text(new["data"][mime]))
                ):
                    new["data"][mime] = value
    return result


def _same_text(committed: str, executed: str) -> bool:
    """Equal outside numbers; numbers equal to a relative 1e-9."""
    if committed == executed:
        return True
    words = [NUMBER.split(committed), NUMBER.split(executed)]
    numbers = [NUMBER.findall(committed), NUMBER.findall(executed)]
    if words[0] != words[1] or len(numbers[0]) != len(numbers[1]):
        return False
    return all(
        a == b or math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
        for a, b in zip(*numbers, strict=True)
    )


def coalesced_streams(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy in which consecutive outputs of one stream (stdout, stderr) are one output, as the page shows them.

    How a cell's printed lines are cut into stream outputs depends on when the kernel flushed them.

    >>> cell = {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout", "text": "a\\n"},
    ...                                          {"output_type": "stream", "name": "stdout", "text": ["b\\n"]}]}
    >>> coalesced_streams({"cells": [cell]})["cells"][0]["outputs"]
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'a\\nb\\n'}]
    """
    result = copy.deepcopy(notebook)
    for cell in result["cells"]:
        merged: list[dict[str, Any]] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and output.get("output_type") == previous.get("output_type") == "stream"
                and output.get("name") == previous.get("name")
            ):
                previous["text"] = _text(previous["text"]) + _text(output["text"])
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    return result


def prose_differences(committed: dict[str, Any], executed: dict[str, Any]) -> list[str]:
    """The prose's numbers that print differently: one line per expression whose stored result changed."""
    found = []
    for index, (old, new) in enumerate(zip(committed["cells"], executed["cells"], strict=True)):
        shown = [
            [
                (e["expression"], _text(e["result"].get("data", {}).get("text/plain", "")))
                for e in cell.get("metadata", {}).get("user_expressions", [])
            ]
            for cell in (old, new)
        ]
        if shown[0] != shown[1]:
            found.append(f"cell {index}: the prose prints {shown[0]}, now {shown[1]}")
    return found


def differences(committed: dict[str, Any], executed: dict[str, Any]) -> str:
    """What a reader would see differ, in the prose and in pytest-notebook's diff of the outputs; empty when they agree."""
    import nbformat
    from pytest_notebook.diffing import diff_notebooks, diff_to_string, filter_diff

    if not same_cells(committed, executed):
        return "the cells differ: the build executed another version of this notebook (run `make book`)"
    prose = prose_differences(committed, executed)
    committed, executed = coalesced_streams(committed), coalesced_streams(executed)
    # nbformat.reads joins multi-line strings, so that a list of lines and its text compare equal.
    before, after = (nbformat.reads(json.dumps(nb), as_version=4) for nb in (committed, snapped(committed, executed)))
    diff = filter_diff(diff_notebooks(before, after), list(DIFF_IGNORE))
    outputs = diff_to_string(before, diff, use_color=False) if diff else ""
    return "\n".join([*prose, outputs] if outputs else prose)


SOURCES = ("src/alexandra", "data", "requirements.txt")
"""What a chapter's outputs depend on besides its own cells: the package, the data and the pinned versions."""


def sources_hash() -> str:
    """SHA-256 of every file under :data:`SOURCES` (names and contents), in a stable order."""
    digest = hashlib.sha256()
    for source in SOURCES:
        path = ROOT / source
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def build_is_current() -> str | None:
    """None when the build executed the current package and data; otherwise what is wrong."""
    if not SOURCES_STAMP.is_file():
        return f"{SOURCES_STAMP} not found: run `make book` (the build writes it)"
    if SOURCES_STAMP.read_text().strip() != sources_hash():
        return "src/, data/ or requirements.txt changed since the book was built: run `make book`"
    return None


def executed(notebook: Path) -> dict[str, Any]:
    """``notebook`` as the last build executed it (outputs and the prose's expression results).

    Raises
    ------
    LookupError
        No build, or the build did not execute this notebook.
    """
    built = EXECUTED / notebook.resolve().relative_to(ROOT)
    if not built.is_file():
        raise LookupError(f"{built} not found: run `make book`")
    result: dict[str, Any] = json.loads(built.read_text(encoding="utf-8"))
    return result


def cleaned(notebook: dict[str, Any]) -> dict[str, Any]:
    """A notebook as it is committed: no execution timestamps, no Python patch version, no widget state."""
    for cell in notebook["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    notebook["metadata"] = {
        key: notebook["metadata"][key] for key in NOTEBOOK_METADATA_KEPT if key in notebook["metadata"]
    }
    return notebook


def save(notebook: Path) -> None:
    """Copy the build's outputs of ``notebook`` into it (cells must match), cleaned for committing."""
    stale = build_is_current()
    if stale:
        raise SystemExit(f"error: {stale}")
    try:
        built = executed(notebook)
    except LookupError as error:
        raise SystemExit(f"error: {error}") from None
    committed = json.loads(notebook.read_text(encoding="utf-8"))
    if not same_cells(committed, built):
        raise SystemExit(f"error: {notebook}: its cells changed since the book was built: run `make book`")
    for cell, run in zip(committed["cells"], built["cells"], strict=True):
        if cell["cell_type"] == "code":
            cell["outputs"] = run.get("outputs", [])
            cell["execution_count"] = run.get("execution_count")
        elif "user_expressions" in run.get("metadata", {}):
            cell.setdefault("metadata", {})["user_expressions"] = run["metadata"]["user_expressions"]
        else:
            cell.get("metadata", {}).pop("user_expressions", None)
    notebook.write_text(json.dumps(cleaned(committed), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def toc_notebooks() -> list[Path]:
    """The notebooks listed in ``_toc.yml``, in its order: exactly what the book executes."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "action",
        choices=["save", "clean", "hash"],
        help="save: copy the build's outputs; clean: strip timestamps only; hash: print the sources' hash",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook of _toc.yml")
    arguments = parser.parse_args(argv)
    if arguments.action == "hash":
        print(sources_hash())
        return
    notebooks = arguments.notebooks or toc_notebooks()
    for notebook in notebooks:
        if arguments.action == "save":
            save(notebook)
        else:
            data = json.loads(notebook.read_text(encoding="utf-8"))
            notebook.write_text(json.dumps(cleaned(data), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{notebook}: {arguments.action} done", file=sys.stderr)


if __name__ == "__main__":
    main()
