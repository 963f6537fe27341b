"""Checks of arguments and input data, with one message format for every :class:`~alexandra.errors.DataError`.

Every message says *where* the problem is, then *what* is wrong::

    <source>[, row <row>][, field <field>]: <problem>

``<source>`` is a file (``data/published/alexandra.csv``) or an argument, written as the call
that received it: ``function(argument=value)`` for one value, ``function(argument)`` for one
value per patient (the offending ``row`` then follows, counted from 0). :func:`place` builds
that prefix and :func:`fail` raises with it; the other functions check one kind of value and
return it converted (a float, an int, a 1-D array), so a caller writes
``n = checks.whole("simulate_trial", "n_per_arm", n_per_arm, minimum=1)``.

>>> place("data/published/alexandra.csv", row="idfs_events/atezolizumab", field="value")
'data/published/alexandra.csv, row idfs_events/atezolizumab, field value'
>>> place(call("kaplan_meier", "time"), row=3)
'kaplan_meier(time), row 3'
>>> number("schoenfeld_events", "power", 1.5, low=0, high=1, inclusive=False)
Traceback (most recent call last):
...
alexandra.errors.DataError: schoenfeld_events(power=1.5): power must be a number strictly between 0 and 1
>>> positive("tierney_from_p", "hr", -1.0)
Traceback (most recent call last):
...
alexandra.errors.DataError: tierney_from_p(hr=-1.0): hr must be a number greater than 0
>>> whole("simulate_trial", "n_per_arm", 2.5, minimum=1)
Traceback (most recent call last):
...
alexandra.errors.DataError: simulate_trial(n_per_arm=2.5): n_per_arm must be a whole number, 1 or more
>>> level("kaplan_meier", 95)
Traceback (most recent call last):
...
alexandra.errors.DataError: kaplan_meier(level=95): level must be a number strictly between 0 and 1 (0.95 for a 95% interval)
>>> one_of("risk_difference", "method", "exact", ("newcombe", "wald"))
Traceback (most recent call last):
...
alexandra.errors.DataError: risk_difference(method='exact'): method must be one of 'newcombe', 'wald'
>>> values("guyot", "km_time", [0.0, 1.5, float("nan")])
Traceback (most recent call last):
...
alexandra.errors.DataError: guyot(km_time), row 2: the value is missing
>>> paired("guyot", ("km_time", "km_survival"), [0.0, 1.0], [1.0])
Traceback (most recent call last):
...
alexandra.errors.DataError: guyot(km_time, km_survival): 2 values in km_time but 1 in km_survival; give one per row
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence, Sized
from typing import Any, NoReturn, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra.errors import DataError

__all__ = [
    "patients",
    "call",
    "fail",
    "level",
    "number",
    "one_dimensional",
    "one_of",
    "paired",
    "place",
    "positive",
    "probability",
    "values",
    "whole",
]

T = TypeVar("T")

_NO_VALUE = object()


def call(function: str, argument: str, value: object = _NO_VALUE) -> str:
    """The source of a message about an argument: ``function(argument=value)``, or ``function(argument)``.

    >>> call("wilson_interval", "events", 11), call("logrank_test", "time")
    ('wilson_interval(events=11)', 'logrank_test(time)')
    """
    return f"{function}({argument})" if value is _NO_VALUE else f"{function}({argument}={_plain(value)!r})"


def place(source: str, *, row: object = None, field: str | None = None) -> str:
    """Where a problem is: ``source``, then the row and the field when known."""
    return source + (f", row {row}" if row is not None else "") + (f", field {field}" if field is not None else "")


def fail(source: str, problem: str, *, row: object = None, field: str | None = None) -> NoReturn:
    """Raise the :class:`DataError` ``"<source>[, row <row>][, field <field>]: <problem>"``.

    >>> fail("data/simulated/sampling_summary.csv", "missing; run `make data`")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: data/simulated/sampling_summary.csv: missing; run `make data`
    """
    raise DataError(f"{place(source, row=row, field=field)}: {problem}")


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, so that messages print ``2.5``, not ``np.float64(2.5)``."""
    return value.item() if isinstance(value, np.generic) else value


def _finite(value: object) -> float | None:
    """``value`` as a float if it is a finite real number (not a bool, not text), else None."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_) and math.isfinite(value):
        return float(value)
    return None


def number(
    function: str,
    name: str,
    value: object,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    inclusive: bool = True,
    hint: str = "",
) -> float:
    """``value`` as a finite float within ``low``–``high`` (ends included unless ``inclusive=False``).

    ``hint`` is appended to the message (for example "(0.95 for a 95% interval)").

    >>> number("risk_table", "every", 3, low=0, inclusive=False)
    3.0
    >>> number("counts_from_percent", "percent", "54", low=0, high=100)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: counts_from_percent(percent='54'): percent must be a number between 0 and 100
    """
    x = _finite(value)
    if x is None or not ((low <= x <= high) if inclusive else (low < x < high)):
        fail(call(function, name, value), f"{name} must be {_range(low, high, inclusive)}{' ' + hint if hint else ''}")
    return x


def _range(low: float, high: float, inclusive: bool) -> str:
    if math.isinf(low) and math.isinf(high):
        return "a finite number"
    if math.isinf(high):
        return f"a number {'of at least' if inclusive else 'greater than'} {low:g}"
    if math.isinf(low):
        return f"a number {'of at most' if inclusive else 'less than'} {high:g}"
    return f"a number {'between' if inclusive else 'strictly between'} {low:g} and {high:g}"


def positive(function: str, name: str, value: object) -> float:
    """A finite number greater than 0 (a hazard ratio, a standard error, a time span)."""
    return number(function, name, value, low=0, inclusive=False)


def probability(function: str, name: str, value: object, *, hint: str = "") -> float:
    """A number strictly between 0 and 1 (a power, a significance level, a tail probability).

    >>> probability("schoenfeld_events", "alpha", 0.05)
    0.05
    """
    return number(function, name, value, low=0, high=1, inclusive=False, hint=hint)


def level(function: str, value: object, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1: the package's ``level=0.95`` convention (as in R)."""
    return probability(function, name, value, hint="(0.95 for a 95% interval)")


def whole(function: str, name: str, value: object, *, minimum: int = 0) -> int:
    """A whole number, ``minimum`` or more; whole floats (2199.0 from a table) are accepted.

    >>> whole("counts_from_percent", "denominator", 1101.0, minimum=1)
    1101
    """
    x = _finite(value)
    if x is None or not x.is_integer() or x < minimum:
        fail(call(function, name, value), f"{name} must be a whole number, {minimum} or more")
    return int(x)


def one_of(function: str, name: str, value: T, choices: Iterable[T]) -> T:
    """``value`` if it is one of ``choices``."""
    options = list(choices)
    if value not in options:
        fail(call(function, name, value), f"{name} must be one of {', '.join(map(repr, options))}")
    return value


def one_dimensional(function: str, name: str, given: Any) -> npt.NDArray[Any]:
    """``given`` as a 1-D array with at least one value (numbers or labels, one per row).

    >>> one_dimensional("logrank_test", "group", [["a", "b"]])
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: logrank_test(group): expected one value per row (a 1-D sequence), got shape (1, 2)
    """
    try:
        array = np.asarray(given)
    except ValueError:  # ragged nested sequences: let the shape check below name them
        array = np.asarray(given, dtype=object)
    if array.ndim != 1:
        fail(call(function, name), f"expected one value per row (a 1-D sequence), got shape {array.shape}")
    if array.size == 0:
        fail(call(function, name), "no values; at least one is needed")
    return array


def values(function: str, name: str, given: Any, *, minimum: float = -math.inf) -> npt.NDArray[np.float64]:
    """One finite number per row (a 1-D array, not empty), each ``minimum`` or more.

    The message names the first offending row:

    >>> values("kaplan_meier", "at", [1.0, -1.0], minimum=0)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: kaplan_meier(at), row 1: -1.0 is negative
    """
    source = call(function, name)
    array = one_dimensional(function, name, given)
    parsed = pd.to_numeric(pd.Series(array), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(parsed) | (parsed < minimum))
    if bad.size:
        row = int(bad[0])
        value = _plain(array[row])
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
            fail(source, "the value is missing", row=row)
        if np.isnan(parsed[row]) or isinstance(value, bool):
            fail(source, f"{value!r} is not a number", row=row)
        if not np.isfinite(parsed[row]):
            fail(source, f"{value!r} is not a finite number", row=row)
        below = "negative" if minimum == 0 else f"below {minimum:g}"
        fail(source, f"{float(parsed[row])!r} is {below}", row=row)
    return np.asarray(parsed, dtype=np.float64)


def paired(function: str, names: Sequence[str], first: Sized, second: Sized) -> None:
    """Two per-row inputs of the same length (times and survival values, times and numbers at risk)."""
    if len(first) != len(second):
        fail(
            f"{function}({', '.join(names)})",
            f"{len(first)} values in {names[0]} but {len(second)} in {names[1]}; give one per row",
        )


def patients(data: pd.DataFrame, where: str) -> pd.DataFrame:
    """Patient-level data checked to have ``time``, ``event`` and ``arm`` (as text), for ``where``.

    Values are checked by the analyses themselves (:mod:`alexandra.survival`);
    this checks the shape, so that a wrong table fails with a message that
    names ``where`` instead of a pandas ``AttributeError``.

    Examples
    --------
    >>> import pandas as pd
    >>> patients(pd.DataFrame({"time": [1.0], "event": [1], "arm": ["chemotherapy"]}), "example").arm.tolist()
    ['chemotherapy']
    >>> patients(pd.DataFrame({"time": [1.0]}), "example")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: example: missing column 'event'; need time, event and arm
    """
    if not isinstance(data, pd.DataFrame):
        fail(where, f"expected a pandas DataFrame of patients, got {type(data).__name__}")
    missing = [column for column in ("time", "event", "arm") if column not in data.columns]
    if missing:
        fail(where, f"missing column {missing[0]!r}; need time, event and arm")
    return data.assign(arm=data.arm.astype(str))
