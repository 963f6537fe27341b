"""The book's own Sphinx extensions (``_ext/``): their docstring examples run (``make check`` collects only
``tests/`` and ``src/alexandra``, so they are run from here)."""

from __future__ import annotations

import doctest
import importlib
import sys

import pytest

from conftest import ROOT

EXTENSIONS = sorted(path.stem for path in (ROOT / "_ext").glob("*.py"))


@pytest.mark.parametrize("name", EXTENSIONS)
def test_extension_examples(name: str) -> None:
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        module = importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0, f"_ext/{name}.py: {failed} docstring examples failed (see above)"
