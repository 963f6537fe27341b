"""The package's folders are its architecture: layers, one face per subpackage, one path per name, no cycles.

Layers, lowest first (a module imports only from a lower layer, or from its own package):
errors → checks → stats_common → published, survival, glue → plots → design → inference, reconstruction
→ trial → widgets; ``__main__`` modules are commands, above everything. Deferred imports (inside a
function) count like any other; ``if TYPE_CHECKING:`` imports, which never run, do not.
"""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
from pathlib import Path

import pytest

import alexandra

SRC = Path(alexandra.__file__).parent

LAYERS = {
    "errors": 0,
    "checks": 1,
    "stats_common": 2,
    "published": 3,
    "survival": 3,
    "glue": 3,
    "plots": 4,
    "design": 5,
    "inference": 6,
    "reconstruction": 6,
    "trial": 7,
    "widgets": 8,
}
COMMAND_LAYER = 9

FACES = ("published", "survival", "design", "inference", "reconstruction", "widgets")
INTERNAL = {"alexandra.reconstruction._calibration"}  # the optimiser behind from_aggregates: no public names


@functools.cache
def modules() -> dict[str, Path]:
    found = {"alexandra": SRC / "__init__.py"}
    for info in pkgutil.walk_packages([str(SRC)], "alexandra."):
        path = SRC.joinpath(*info.name.split(".")[1:])
        found[info.name] = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def imports(path: Path) -> set[str]:
    """The alexandra modules ``path`` imports, anywhere in the file (``from alexandra import x`` → alexandra.x)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_lines(tree)
    known = modules()
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("alexandra"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("alexandra"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known)
    return {name for name in found if name != "alexandra"}


def layer(module: str) -> int:
    if module.endswith("__main__"):
        return COMMAND_LAYER
    return LAYERS[module.split(".")[1]]


def test_every_module_has_a_layer() -> None:
    for name in modules():
        if name != "alexandra":
            assert name.split(".")[1] in LAYERS, f"{name}: give its folder a layer in tests/test_architecture.py"


@pytest.mark.parametrize("module", sorted(set(modules()) - {"alexandra"}))
def test_a_module_imports_only_from_below_or_from_its_own_package(module: str) -> None:
    own_package = module.split(".")[1]
    for target in imports(modules()[module]):
        if target.split(".")[1] == own_package:
            continue
        assert layer(target) < layer(module), f"{module} (layer {layer(module)}) imports {target} ({layer(target)})"


def test_no_import_cycle_even_through_deferred_imports() -> None:
    """Packages import their faces' modules: the graph includes ``package → its submodules`` edges."""
    graph = {name: imports(path) for name, path in modules().items()}
    for name in graph:
        parent = name.rsplit(".", 1)[0]
        if parent in graph and parent != "alexandra":
            graph[name].add(parent)  # importing alexandra.x.y runs alexandra.x/__init__ first
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if target == node or (node.startswith(target + ".")):  # a module and its own package's face
                continue
            if state.get(target) == "open":
                cycle = path[path.index(target) :] + [target]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def test_a_lower_layer_breaking_the_rules_is_seen(tmp_path: Path) -> None:
    """The checks above can fail: a survival module importing the trial is flagged."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from alexandra import trial\n    return trial\n")
    assert "alexandra.trial" in imports(bad)
    assert layer("alexandra.trial") > layer("alexandra.survival._curves")


def public_modules() -> list[str]:
    return [name for name in modules() if not any(part.startswith("_") for part in name.split("."))]


def test_every_public_name_has_one_path() -> None:
    paths: dict[str, list[str]] = {}
    for name in public_modules():
        for public in getattr(importlib.import_module(name), "__all__", ()):
            paths.setdefault(public, []).append(name)
    twice = {name: where for name, where in paths.items() if len(where) > 1}
    assert not twice, f"names with two public paths: {twice}"


@pytest.mark.parametrize("face", FACES)
def test_a_face_gathers_exactly_what_its_modules_define(face: str) -> None:
    package = importlib.import_module(f"alexandra.{face}")
    inner = [
        name
        for name in modules()
        if name.startswith(f"alexandra.{face}._") and name not in INTERNAL and not name.endswith("__main__")
    ]
    gathered = set()
    for name in inner:
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            assert getattr(value, "__module__", name) in (name, None) or not callable(value) or public.isupper(), (
                f"{name} lists {public}, defined in {value.__module__}: a module lists only its own names"
            )
            assert getattr(package, public) is value, f"alexandra.{face}.{public} is not {name}.{public}"
            gathered.add(public)
    assert set(package.__all__) == gathered
