"""The checks every row of the table of published numbers must pass.

:mod:`alexandra.published` reads ``data/published/alexandra.csv`` and hands its rows to
:class:`_Checker`, with the keys declared in ``published.QUANTITIES``: a declared key, a known
arm and tier, a value of the key's unit within the unit's range (:data:`UNITS`), a complete
interval that contains the value, a source in the bibliography, a location, no duplicate row,
every declared key present, and the bounds one key sets on another. The checker collects every
problem, so one run names them all, each with its file, line, row and field.

>>> UNITS["count"].rule, UNITS["percent"].rule
('a whole number, 0 or more', 'between 0 and 100')
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeAlias

from alexandra import checks
from alexandra.errors import DataError
from alexandra.published._estimate import ARMS, COLUMNS, PRIMARY_SOURCE, TIERS, Estimate, Quantity

__all__ = ["UNITS"]


@dataclass(frozen=True)
class _Range:
    """The values a numeric unit allows, and how to say so."""

    low: float
    high: float
    rule: str
    whole: bool = False
    low_excluded: bool = False

    def allows(self, number: float) -> bool:
        above_low = number > self.low if self.low_excluded else number >= self.low
        return above_low and number <= self.high and (not self.whole or number.is_integer())


_Report: TypeAlias = Callable[[str, str], None]
"""Records a problem in one field (first argument) of the row being read."""

_NONNEGATIVE = _Range(0, math.inf, "0 or more")
_POSITIVE = _Range(0, math.inf, "greater than 0", low_excluded=True)
_PROPORTION = _Range(0, 1, "between 0 and 1")
UNITS: dict[str, _Range | None] = {
    "count": _Range(0, math.inf, "a whole number, 0 or more", whole=True),
    "percent": _Range(0, 100, "between 0 and 100"),
    "fraction": _PROPORTION,
    "p-value": _PROPORTION,
    "ratio": _POSITIVE,
    "years": _NONNEGATIVE,
    "months": _NONNEGATIVE,
    "weeks": _NONNEGATIVE,
    "mg": _POSITIVE,
    "mg/m2": _POSITIVE,
    # Calendar values carry no range: an ISO date (2018-08-02), or a month (2023-02)
    # when the source gives only the month; a month is stored as its first day.
    "date": None,
    "year-month": None,
}
"""Allowed units. Numbers must lie in the unit's range; dates have no interval."""


def _label(key: str, arm: str) -> str:
    """How a row of the table is named in messages: ``key/arm``, or ``key`` for a whole-trial number."""
    return f"{key}/{arm}" if arm else key or "?"


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_header(table: Path, header: Sequence[str]) -> None:
    missing = [column for column in COLUMNS if column not in header]
    unexpected = [column for column in header if column not in COLUMNS]
    wrong = [f"missing column {name!r}" for name in missing] + [f"unexpected column {name!r}" for name in unexpected]
    if wrong:
        checks.fail(str(table), f"{'; '.join(wrong)}; the columns are {', '.join(COLUMNS)}", row="header (line 1)")


class _Checker:
    """Collects every problem of a table, so one run shows them all.

    ``quantities`` are the keys the table may use (``published.QUANTITIES``).
    """

    def __init__(self, table: Path, sources: set[str], quantities: Mapping[str, Quantity]) -> None:
        self.table = table
        self.sources = sources
        self.quantities = quantities
        self.problems: list[str] = []

    def check(self, rows: list[tuple[int, dict[str | None, str | list[str] | None]]]) -> tuple[Estimate, ...]:
        """The rows as Estimates; a DataError listing every problem if there is any.

        ``rows`` are csv.DictReader rows with their line numbers: a short row has
        None for its last fields, a long one a list of extra fields under None.
        """
        if not rows:
            raise DataError(f"{self.table}: the table has a header but no rows")
        parsed: dict[tuple[str, str | None], tuple[int, Estimate]] = {}
        cleaned: list[tuple[int, dict[str, str]]] = []
        for line, raw in rows:
            extra = raw.pop(None, None)
            if extra:
                self._problem(
                    line,
                    _label(str(raw.get("key") or ""), str(raw.get("arm") or "")),
                    None,
                    f"{len(extra)} more field(s) than the header has columns; put a field that contains a comma in double quotes",
                )
            cleaned.append((line, {str(name): str(text or "").strip() for name, text in raw.items()}))
        written = {(row["key"], row["arm"] or None) for _, row in cleaned}
        for line, row in cleaned:
            estimate = self._row(line, row)
            if estimate is None:
                continue
            cell = (estimate.key, estimate.arm)
            if cell in parsed:
                self._problem(line, estimate._label(), "key", f"duplicate of line {parsed[cell][0]} (same key and arm)")
                continue
            parsed[cell] = (line, estimate)
        self._bounds(parsed)
        self._completeness(written)
        if self.problems:
            count = f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}"
            raise DataError(f"{self.table}: {count} in the table of published numbers:\n" + "\n".join(self.problems))
        return tuple(estimate for _, estimate in parsed.values())

    def _problem(self, line: int, label: str, field: str | None, what: str) -> None:
        self.problems.append(f"{checks.place(str(self.table), row=f'{label} (line {line})', field=field)}: {what}")

    def _row(self, line: int, row: dict[str, str]) -> Estimate | None:
        """The row as an Estimate, or None after recording why it cannot be one."""
        key, arm = row["key"], row["arm"]
        label = _label(key, arm)
        before = len(self.problems)

        def problem(field: str, what: str) -> None:
            self._problem(line, label, field, what)

        quantity = self.quantities.get(key)
        if quantity is None:
            problem(
                "key",
                f"unknown key {key!r}{_did_you_mean(key, self.quantities)}; declare new keys in "
                "QUANTITIES in src/alexandra/published/_published.py",
            )
        if arm and arm not in ARMS:
            problem("arm", f"unknown arm {arm!r}; use {' or '.join(ARMS)}, or leave it empty for a whole-trial number")
        elif quantity is not None and quantity.per_arm and not arm:
            problem("arm", f"{key} is given per arm: write one row for each of {', '.join(ARMS)}")
        elif quantity is not None and not quantity.per_arm and arm:
            problem("arm", f"{key} is a whole-trial number: leave arm empty")
        if row["tier"] not in TIERS:
            problem("tier", f"unknown tier {row['tier']!r}; use {' or '.join(TIERS)}")
        source = row["source"]
        if not source:
            problem("source", "missing: every number needs the citation key of its source")
        elif source not in self.sources:
            problem("source", f"{source!r} is not a key of the bibliography{_did_you_mean(source, self.sources)}")
        elif row["tier"] == "primary" and source != PRIMARY_SOURCE:
            problem("source", f"a primary number must come from the JAMA paper ({PRIMARY_SOURCE}), not {source!r}")
        if not row["location"]:
            problem("location", "missing: say where in the source the number is printed")
        unit = row["unit"]
        if unit not in UNITS:
            problem("unit", f"unknown unit {unit!r}; units are {', '.join(UNITS)}")
            return None
        if quantity is not None and unit != quantity.unit:
            problem("unit", f"{unit!r}, but {key} is measured in {quantity.unit!r}")
        value = self._value(row, unit, problem)
        lower, upper = self._interval(row, unit, value, problem)
        if len(self.problems) > before or value is None:
            return None
        return Estimate(
            key=key,
            arm=arm or None,
            value=value,
            lower=lower,
            upper=upper,
            interval=row["interval"] or None,
            unit=unit,
            tier=row["tier"],
            source=source,
            location=row["location"],
            note=row["note"],
        )

    @staticmethod
    def _value(row: dict[str, str], unit: str, problem: _Report) -> float | date | None:
        text = row["value"]
        allowed = UNITS[unit]
        if allowed is None:
            return _calendar(text, unit, problem)
        return _number(text, "value", allowed, unit, problem)

    @staticmethod
    def _interval(
        row: dict[str, str], unit: str, value: float | date | None, problem: _Report
    ) -> tuple[float | None, float | None]:
        allowed = UNITS[unit]
        given = [name for name in ("lower", "upper", "interval") if row[name]]
        if allowed is None or not given:
            if given:
                problem(given[0], f"a {unit} has no interval: leave lower, upper and interval empty")
            return None, None
        if len(given) < 3:
            absent = [name for name in ("lower", "upper", "interval") if not row[name]]
            problem(absent[0], "missing: an interval needs lower, upper and interval (e.g. '95% CI' or 'IQR')")
            return None, None
        lower = _number(row["lower"], "lower", allowed, unit, problem)
        upper = _number(row["upper"], "upper", allowed, unit, problem)
        if lower is None or upper is None:
            return None, None
        if lower > upper:
            problem("lower", f"lower {lower:g} is greater than upper {upper:g}")
        elif isinstance(value, float) and not lower <= value <= upper:
            problem("value", f"the {row['interval']} {lower:g}–{upper:g} does not contain the estimate {value:g}")
        return lower, upper

    def _bounds(self, parsed: dict[tuple[str, str | None], tuple[int, Estimate]]) -> None:
        for (key, arm), (line, estimate) in parsed.items():
            bound_key = self.quantities[key].at_most
            if bound_key is None or (bound_key, arm) not in parsed:
                continue
            bound_line, bound = parsed[(bound_key, arm)]
            if estimate.number > bound.number:
                where = " in the same arm" if arm else ""
                self._problem(
                    line,
                    estimate._label(),
                    "value",
                    f"{estimate.number:g} {self.quantities[key].description} is more than the "
                    f"{bound.number:g} {self.quantities[bound_key].description}{where} ({bound_key}, line {bound_line})",
                )

    def _completeness(self, written: set[tuple[str, str | None]]) -> None:
        """Every declared key needs its rows; rows written but broken are reported where they are."""
        for key, quantity in self.quantities.items():
            expected: tuple[str | None, ...] = ARMS if quantity.per_arm else (None,)
            missing = [arm for arm in expected if (key, arm) not in written]
            if missing:
                which = f" for arm {', '.join(str(arm) for arm in missing)}" if quantity.per_arm else ""
                self.problems.append(f"{self.table}: no row for key {key!r}{which} ({quantity.description})")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _calendar(text: str, unit: str, problem: _Report) -> date | None:
    try:
        if unit == "date" and _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        month = _ISO_MONTH.fullmatch(text)
        if unit == "year-month" and month:
            return date(int(month[1]), int(month[2]), 1)
    except ValueError:
        pass
    shape = "YYYY-MM-DD, e.g. 2018-08-02" if unit == "date" else "YYYY-MM, e.g. 2023-02"
    problem("value", f"{text!r} is not a valid {unit}: write {shape}")
    return None


def _number(text: str, field: str, allowed: _Range, unit: str, problem: _Report) -> float | None:
    if not text:
        problem(field, "missing")
        return None
    try:
        number = float(text)
    except ValueError:
        problem(field, f"{text!r} is not a number")
        return None
    if not math.isfinite(number):
        problem(field, f"{text!r} is not a finite number")
        return None
    if not allowed.allows(number):
        problem(field, f"{text} is not a valid {unit}: it must be {allowed.rule}")
        return None
    return number
