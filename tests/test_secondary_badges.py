"""Every glued number from a secondary source carries the book's ``secondary`` badge.

The data-provenance page promises that a number printed elsewhere than the JAMA paper (tier
``secondary`` in ``data/published/alexandra.csv``) is marked wherever the book uses it. The mark
is one MyST role, ``{bdg-warning}`secondary```, which renders in the HTML book and in JupyterLab.

The check is static, so it needs no kernel: it reads each notebook's code cells, finds which
glued values carry a secondary number, and requires the badge in the same paragraph (or list
item, or table row) of every markdown cell that shows one of them.

A glued value *carries* a secondary number when its expression is ``published.get(key, ...)``
for a secondary key, or a name assigned from one, possibly through arithmetic, rounding, sums,
attribute access or an f-string. A value the book computes from a secondary number with one of
its own functions (the hazard ratio 390 events detect, say) is the book's derivation, not a
number from the source, and needs no badge.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_notebooks import NOTEBOOKS

BADGE = "{bdg-warning}`secondary`"
#: Calls that pass a number through unchanged in kind: rounding, conversion, summing.
PASS_THROUGH = {"float", "int", "round", "sum", "abs", "min", "max", "str", "Timestamp", "ceil", "floor"}
#: Modules whose functions compute something new from their arguments (besides the book's own).
DERIVING = {
    "np",
    "numpy",
    "math",
    "stats",
    "scipy",
    "design",
    "uncertainty",
    "survival",
    "reconstruct",
    "safety",
    "comparison",
    "endpoints",
    "simulate",
    "widgets",
}
GLUED = re.compile(r'\{eval\}`glued\["([^":]+)(?::[^"]*)?"\]`')


def secondary_keys() -> set[str]:
    from alexandra import published

    table = published.load()
    return set(table.loc[table.tier == "secondary", "key"])


class Carriers:
    """Which expressions of one notebook carry a secondary number."""

    def __init__(self, tree: ast.Module, keys: set[str]) -> None:
        self.keys = keys
        self.names: set[str] = set()
        self.deriving = set(DERIVING)
        for node in ast.walk(tree):  # the book's analysis modules and functions, as imported here
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alexandra"):
                self.deriving |= {alias.asname or alias.name for alias in node.names} - {"published"}
        assignments = [
            node for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For))
        ]
        changed = True
        while changed:  # names assigned from names assigned from ... a secondary number
            changed = False
            for node in assignments:
                value = node.iter if isinstance(node, ast.For) else node.value
                targets = [node.target] if not isinstance(node, ast.Assign) else node.targets
                if value is not None and self.carries(value):
                    for target in targets:
                        for name in ast.walk(target):
                            if isinstance(name, ast.Name) and name.id not in self.names:
                                self.names.add(name.id)
                                changed = True

    def carries(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Call):
            function = node.func
            if (
                isinstance(function, ast.Attribute)
                and function.attr == "get"
                and isinstance(function.value, ast.Name)
                and function.value.id == "published"
            ):
                first = node.args[0] if node.args else None
                return isinstance(first, ast.Constant) and first.value in self.keys
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            owner = (
                function.value.id
                if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
                else ""
            )
            if name not in PASS_THROUGH and (owner in self.deriving or name in self.deriving):
                return False  # the book's own computation (a model, a formula): a derived number
            if isinstance(function, ast.Attribute) and self.carries(function.value):
                return True  # a method of a secondary value: .text(), .strftime()
            return any(self.carries(arg) for arg in [*node.args, *(k.value for k in node.keywords)])
        if isinstance(node, ast.Name):
            return node.id in self.names
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self.carries(node.value)
        if isinstance(node, ast.BinOp):
            return self.carries(node.left) or self.carries(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.carries(node.operand)
        if isinstance(node, ast.JoinedStr):
            return any(self.carries(part.value) for part in node.values if isinstance(part, ast.FormattedValue))
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            return self.carries(node.elt) or any(self.carries(g.iter) for g in node.generators)
        return False


def _key_pattern(node: ast.AST) -> str | None:
    """A glue key as a regular expression (an f-string key matches any word in its fields)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(re.escape(p.value) if isinstance(p, ast.Constant) else r"\w+" for p in node.values)
    return None


def glued_pairs(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """(key pattern, value expression) of every glue call, including keyword and dict forms."""
    pairs = []
    looped: dict[str, list[tuple[str, ast.AST]]] = {}  # for key, value in {"k": v, ...}.items(): glue(key, value)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Tuple)
            and len(node.target.elts) == 2
            and isinstance(node.target.elts[0], ast.Name)
            and isinstance(node.iter, ast.Call)
            and isinstance(node.iter.func, ast.Attribute)
            and node.iter.func.attr == "items"
            and isinstance(node.iter.func.value, ast.Dict)
        ):
            entries = zip(node.iter.func.value.keys, node.iter.func.value.values, strict=True)
            looped.setdefault(node.target.elts[0].id, []).extend(
                [(p, v) for k, v in entries if k is not None and (p := _key_pattern(k))]
            )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if "glue" not in name:
            continue
        if len(node.args) >= 2 and (pattern := _key_pattern(node.args[0])):
            pairs.append((pattern, node.args[1]))
        elif node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in looped:
            pairs += looped[node.args[0].id]
        pairs += [(re.escape(k.arg), k.value) for k in node.keywords if k.arg and k.arg != "display"]
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                pairs += [
                    (p, v)
                    for key, v in zip(arg.keys, arg.values, strict=True)
                    if key is not None and (p := _key_pattern(key))
                ]
    return pairs


def secondary_glue_keys(cells: list[dict], keys: set[str]) -> list[str]:
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    tree = ast.parse(code)
    carriers = Carriers(tree, keys)
    return [pattern for pattern, value in glued_pairs(tree) if carriers.carries(value)]


def blocks(markdown: str) -> list[str]:
    """Paragraphs, list items and table rows: the units a badge must share with its number."""
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        current: list[str] = []
        for line in paragraph.splitlines():
            if re.match(r"\s*([-*+]|\d+\.)\s|\s*\|", line) and current:
                units.append("\n".join(current))
                current = []
            current.append(line)
        if current:
            units.append("\n".join(current))
    return units


def unbadged(cells: list[dict], patterns: list[str]) -> list[tuple[int, str]]:
    secondary = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    missing = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or secondary is None:
            continue
        for unit in blocks("".join(cell["source"])):
            shown = list(dict.fromkeys(key for key in GLUED.findall(unit) if secondary.fullmatch(key)))
            if shown and BADGE not in unit:
                missing += [(index, key) for key in shown]
    return missing


def test_no_page_uses_a_substitution_that_jupyterlab_cannot_render() -> None:
    """The badge is a role, not a ``{{ substitution }}``: jupyterlab-myst renders roles only."""
    prose = {page.name: page.read_text(encoding="utf-8") for page in (ROOT / "book").rglob("*.md")}
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        prose[notebook.name] = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    used = [name for name, text in prose.items() if "{{" in text]
    assert used == []
    assert "myst_substitutions" not in yaml.safe_load((ROOT / "_config.yml").read_text())["parse"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_glued_secondary_numbers_carry_the_badge(notebook: Path) -> None:
    cells = json.loads(notebook.read_text())["cells"]
    missing = unbadged(cells, secondary_glue_keys(cells, secondary_keys()))
    assert missing == [], f"{notebook.name}: secondary numbers without {BADGE} (cell index, glue key)"


def _cell(kind: str, source: str) -> dict:
    return {"cell_type": kind, "source": source.splitlines(keepends=True), "metadata": {}}


def test_the_check_catches_a_missing_badge() -> None:
    """Not vacuous: a secondary number glued through a name and a sum fails without the badge."""
    keys = secondary_keys()
    assert {"idfs_events_planned", "interim_idfs_events"} <= keys
    cells = [
        _cell(
            "code",
            'planned = published.get("idfs_events_planned").number\n'
            'interim = sum(published.get("interim_idfs_events", arm=a).number for a in ARMS)\n'
            'glue("planned", float(planned))\n'
            'glue("share", 100 * interim / planned)\n'
            'glue("detectable", design.detectable_hazard_ratio(planned))\n'
            'glue("final", published.get("idfs_hr_stratified").number)\n',
        ),
        _cell(
            "markdown",
            'The design planned {eval}`glued["planned:.0f"]` events.\n\n'
            'The interim came at {eval}`glued["share:.0f"]`% {bdg-warning}`secondary`.\n\n'
            'They detect {eval}`glued["detectable:.2f"]`; the paper found {eval}`glued["final:.2f"]`.\n',
        ),
    ]
    assert sorted(secondary_glue_keys(cells, keys)) == ["planned", "share"]
    assert unbadged(cells, secondary_glue_keys(cells, keys)) == [(1, "planned")]
