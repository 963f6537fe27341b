"""Tests of alexandra.checks: one message format for bad input, and the package's argument conventions."""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil

import numpy as np
import pandas as pd
import pytest

import alexandra
from alexandra import checks
from alexandra.errors import DataError


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: checks.number("f", "x", "1.5"), r"^f\(x='1.5'\): x must be a finite number$"),
        (lambda: checks.number("f", "x", True), r"^f\(x=True\): x must be a finite number$"),
        (lambda: checks.number("f", "x", math.inf), r"^f\(x=inf\): x must be a finite number$"),
        (lambda: checks.number("f", "x", 5, high=4), r"^f\(x=5\): x must be a number of at most 4$"),
        (lambda: checks.positive("f", "x", 0), r"^f\(x=0\): x must be a number greater than 0$"),
        (lambda: checks.positive("f", "x", np.float64(-2.5)), r"^f\(x=-2.5\): x must be a number greater than 0$"),
        (lambda: checks.probability("f", "p", 1), r"^f\(p=1\): p must be a number strictly between 0 and 1$"),
        (lambda: checks.level("f", 0), r"^f\(level=0\): level must be .* \(0.95 for a 95% interval\)$"),
        (lambda: checks.whole("f", "n", 2.5), r"^f\(n=2.5\): n must be a whole number, 0 or more$"),
        (lambda: checks.whole("f", "n", np.int64(0), minimum=1), r"^f\(n=0\): n must be a whole number, 1 or more$"),
        (
            lambda: checks.one_of("f", "arm", "placebo", ["a", "b"]),
            r"^f\(arm='placebo'\): arm must be one of 'a', 'b'$",
        ),
        (lambda: checks.values("f", "t", [1.0, None]), r"^f\(t\), row 1: the value is missing$"),
        (lambda: checks.values("f", "t", ["1", "soon"]), r"^f\(t\), row 1: 'soon' is not a number$"),
        (lambda: checks.values("f", "t", [1.0, math.inf]), r"^f\(t\), row 1: inf is not a finite number$"),
        (lambda: checks.values("f", "t", [3.0, 1.0], minimum=2), r"^f\(t\), row 1: 1.0 is below 2$"),
        (lambda: checks.values("f", "t", []), r"^f\(t\): no values; at least one is needed$"),
        (
            lambda: checks.paired("f", ("a", "b"), [1, 2, 3], [1]),
            r"^f\(a, b\): 3 values in a but 1 in b; give one per row$",
        ),
        (lambda: checks.fail("data/x.csv", "bad", row=4, field="value"), r"^data/x.csv, row 4, field value: bad$"),
    ],
)
def test_every_message_names_the_place_first(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=message):
        call()


def test_good_values_come_back_converted() -> None:
    assert checks.number("f", "x", np.int32(3)) == 3.0 and isinstance(checks.number("f", "x", np.int32(3)), float)
    assert checks.whole("f", "n", 2199.0) == 2199 and isinstance(checks.whole("f", "n", 2199.0), int)
    assert checks.probability("f", "p", 0.05) == 0.05
    assert checks.number("f", "x", 0, low=0) == 0.0  # ends included by default
    with pytest.raises(DataError):
        checks.number("f", "x", 0, low=0, inclusive=False)
    parsed = checks.values("f", "t", pd.Series(["1.5", 2, np.float32(3)]))
    assert parsed.dtype == np.float64 and parsed.tolist() == [1.5, 2.0, 3.0]


# ---------------------------------------------------------------- conventions across the package


def _public_functions() -> list[tuple[str, inspect.Signature]]:
    found = []
    for module_info in pkgutil.walk_packages(alexandra.__path__, "alexandra."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            candidates = [value] if inspect.isfunction(value) else []
            if inspect.isclass(value):
                candidates = [member for member in vars(value).values() if inspect.isfunction(member)]
            found += [
                (f"{module.__name__}.{function.__qualname__}", inspect.signature(function)) for function in candidates
            ]
    return found


def test_a_confidence_level_is_always_called_level() -> None:
    """R's convention, ``level=0.95``; ``alpha`` stays only where it is a test's significance level."""
    functions = _public_functions()
    assert len(functions) > 50
    for name, signature in functions:
        assert "confidence" not in signature.parameters, name
        if "level" in signature.parameters and signature.parameters["level"].default is not inspect.Parameter.empty:
            assert signature.parameters["level"].default == 0.95, name
        if "alpha" in signature.parameters:
            assert "level" not in signature.parameters, f"{name}: both alpha and level"
