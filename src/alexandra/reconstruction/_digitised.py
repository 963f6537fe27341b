"""A digitised Kaplan–Meier curve and its numbers at risk, cleaned as a careful analyst would.

A digitiser's reading of a published figure is never clean: the first click
lands a little left of the axis (a time just below 0) or above the top
(survival just above 1), survival is given in percent, a vertical drop traced
point by point wobbles up and down, a point is clicked twice, the curve does
not start at (0, 1), and the table of numbers at risk may run past the end of
the curve. :func:`clean_curve` and :func:`clean_risk_table` fix what a careful
analyst would fix, and report every change as a :class:`Change` (what, where,
how much). Only what no cleaning can fix is refused with a
:class:`~alexandra.errors.DataError` naming the argument (or file), row and
field: numbers at risk that rise, a table that lies outside the curve, times
far out of order.

The rules, each stated once here:

* **percent**: survival values above 1.5 with none above 102 are percentages,
  divided by 100;
* **range**: times down to ``-TIME_SLACK`` × the curve's last time become 0,
  survival within ``SURVIVAL_SLACK`` of [0, 1] is clipped into it; beyond
  either, an error;
* **order**: points are sorted by time;
* **upward steps**: survival may not rise; it is replaced by the closest
  non-increasing sequence in least squares (isotonic regression by
  pool-adjacent-violators), which keeps the level of a flat stretch that
  noise made wobble, where a running minimum would drag it down. A point
  whose survival is more than ``SURVIVAL_SLACK`` above a point more than
  ``OUT_OF_ORDER`` × the last time before it is not a wobble but a time far
  out of order: an error;
* **duplicates**: points with the same time keep one, the lowest survival
  (a vertical drop read point by point);
* **start**: a curve read at time 0 within ``SURVIVAL_SLACK`` below 1 starts at 1
  (unless (0, 1) was read too: then the lower point is a drop at the start);
  otherwise (0, 1) is added when the curve does not start there;
* **table**: a row less than ``TIME_SLACK`` × the last time after the end of
  the curve extends the curve flat to it (the end read a little early); rows
  further after the end are dropped (they carry no information about the
  curve), and so are curve points after a row with nobody at risk.

>>> curve = clean_curve([-0.05, 2, 1, 4], [101, 80, 90, 81])
>>> curve.time.tolist(), curve.survival.round(3).tolist()
([0.0, 1.0, 2.0, 4.0], [1.0, 0.9, 0.805, 0.805])
>>> [change.what for change in curve.changes]
['percent', 'negative time', 'survival above 1', 'order', 'upward step']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import isotonic_regression

from alexandra.errors import DataError

__all__ = [
    "OUT_OF_ORDER",
    "SURVIVAL_SLACK",
    "TIME_SLACK",
    "Change",
    "CleanCurve",
    "CleaningWarning",
    "clean_curve",
    "clean_risk_table",
    "read_curve_csv",
    "read_risk_csv",
    "warn_changes",
]

SURVIVAL_SLACK = 0.02
"""How far (as a proportion) survival may overshoot [0, 1], or rise, and still be read error."""

TIME_SLACK = 0.02
"""How far (as a share of the curve's last time) a time may be off and still be read error."""

OUT_OF_ORDER = 0.1
"""A point above the curve's level at a time more than this share of the last time before its own is misplaced."""

_PERCENT_ABOVE = 1.5
_PERCENT_MAX = 100 * (1 + SURVIVAL_SLACK)


class CleaningWarning(UserWarning):
    """Input was changed by the cleaning rules of :mod:`alexandra.reconstruction`."""


@dataclass(frozen=True)
class Change:
    """One change the cleaning made: ``what`` rule, ``where`` (argument and rows), ``how_much``."""

    what: str
    where: str
    how_much: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what} ({self.how_much})"


@dataclass(frozen=True)
class CleanCurve:
    """A cleaned curve: ``time`` increasing from 0, ``survival`` non-increasing from 1, and the changes."""

    time: npt.NDArray[np.float64]
    survival: npt.NDArray[np.float64]
    changes: tuple[Change, ...]


def _rows(rows: npt.NDArray[np.intp], limit: int = 5) -> str:
    shown = ", ".join(str(int(row)) for row in rows[:limit])
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}" + (", …" if len(rows) > limit else "")


def as_numbers(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """A one-dimensional array of finite numbers, or a DataError naming ``name`` and the row."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{name}: values must be numbers") from None
    if array.ndim != 1:
        raise DataError(f"{name}: expected a one-dimensional sequence, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise DataError(f"{name}, row {bad[0]}: {array[bad[0]]} is not a finite number")
    return array


def clean_curve(
    time: npt.ArrayLike, survival: npt.ArrayLike, names: tuple[str, str] = ("km_time", "km_surv")
) -> CleanCurve:
    """Clean one arm's digitised curve by the rules of this module; ``names`` label errors and changes.

    Rows in errors and changes count from 0 in the order given.

    >>> clean_curve([0, 1, 2], [1.0, 0.9, 0.91]).survival.round(3).tolist()
    [1.0, 0.905, 0.905]
    >>> clean_curve([0, 1, 30, 3], [1.0, 0.9, 0.8, 0.7])
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: km_time, row 2: time 30 is far out of order: its survival 0.8 belongs before time 3
    """
    time_name, survival_name = names
    times, values = as_numbers(time, time_name), as_numbers(survival, survival_name)
    if len(times) != len(values):
        raise DataError(f"{time_name}, {survival_name}: {len(times)} times but {len(values)} survival values")
    if len(times) == 0:
        raise DataError(f"{time_name}: the curve has no points")
    changes: list[Change] = []
    if values.max() > _PERCENT_ABOVE and values.max() <= _PERCENT_MAX:
        values = values / 100
        changes.append(Change("percent", f"{survival_name}, all rows", "read as percentages: divided by 100"))
    end = max(float(times.max()), 1e-12)
    negative = np.flatnonzero(times < 0)
    if negative.size:
        worst = negative[np.argmin(times[negative])]
        if times[worst] < -TIME_SLACK * end:
            raise DataError(
                f"{time_name}, row {worst}: time {times[worst]:g} is negative, beyond reading error "
                f"({TIME_SLACK:.0%} of the last time {end:g})"
            )
        changes.append(
            Change("negative time", f"{time_name}, {_rows(negative)}", f"set to 0, by up to {-times[worst]:.3g}")
        )
        times = np.maximum(times, 0.0)
    outside = np.flatnonzero((values < -SURVIVAL_SLACK) | (values > 1 + SURVIVAL_SLACK))
    if outside.size:
        row = outside[0]
        raise DataError(
            f"{survival_name}, row {row}: survival {values[row]:g} is outside [0, 1] "
            "(give a proportion, or a percentage from 0 to 100)"
        )
    for label, mask, bound in (("survival above 1", values > 1, 1.0), ("survival below 0", values < 0, 0.0)):
        rows = np.flatnonzero(mask)
        if rows.size:
            how_much = f"set to {bound:g}, by up to {np.max(np.abs(values[rows] - bound)):.3g}"
            changes.append(Change(label, f"{survival_name}, {_rows(rows)}", how_much))
    values = np.clip(values, 0.0, 1.0)
    order = np.argsort(times, kind="stable")
    if np.any(np.diff(order) < 0):
        moved = np.flatnonzero(order != np.arange(len(order)))
        changes.append(
            Change("order", f"{time_name}, {_rows(np.sort(order[moved]))}", f"{len(moved)} rows sorted by time")
        )
    times, values, rows = times[order], values[order], order
    _refuse_far_out_of_order(times, values, rows, end, time_name)
    fitted = isotonic_regression(values, increasing=False).x
    moved = np.flatnonzero(np.abs(fitted - values) > 1e-12)
    if moved.size:
        how_much = f"{len(moved)} points moved by up to {np.max(np.abs(fitted - values)):.3g} (isotonic regression)"
        changes.append(Change("upward step", f"{survival_name}, {_rows(np.sort(rows[moved]))}", how_much))
    values = fitted
    # An origin clicked at (0, 1) makes a lower point at time 0 a drop at the very start, not a misread start.
    has_origin = bool(np.any((times == 0) & (values >= 1)))
    last_of_time = np.append(times[1:] != times[:-1], True)
    if not last_of_time.all():
        dropped = np.sort(rows[~last_of_time])
        changes.append(Change("duplicate time", f"{time_name}, {_rows(dropped)}", f"{len(dropped)} points dropped"))
        # Survival does not increase, so the last point of each time is its lowest.
        times, values, rows = times[last_of_time], values[last_of_time], rows[last_of_time]
    if times[0] == 0 and 1 - SURVIVAL_SLACK <= values[0] < 1 and not has_origin:
        changes.append(
            Change("start", f"{time_name}, row {rows[0]}", f"survival at time 0 set to 1, from {values[0]:.3g}")
        )
        values = np.concatenate(([1.0], values[1:]))
    elif not (times[0] == 0 and values[0] == 1):
        changes.append(Change("start", f"{time_name}, before row 0", "(0, 1) added"))
        times, values = np.insert(times, 0, 0.0), np.insert(values, 0, 1.0)
    return CleanCurve(times, values, tuple(changes))


def _refuse_far_out_of_order(
    times: npt.NDArray[np.float64], values: npt.NDArray[np.float64], rows: npt.NDArray[np.intp], end: float, name: str
) -> None:
    """A point above the curve's level far before its own time was put at the wrong time."""
    running_min = np.minimum.accumulate(values)
    rise = values[1:] - running_min[:-1]
    for index in np.flatnonzero(rise > SURVIVAL_SLACK) + 1:
        # The first earlier point already below this one's survival: where the point belongs.
        first_below = int(np.argmax(running_min < values[index] - SURVIVAL_SLACK))
        if times[index] - times[first_below] > OUT_OF_ORDER * end:
            raise DataError(
                f"{name}, row {rows[index]}: time {times[index]:g} is far out of order: its survival "
                f"{values[index]:g} belongs before time {times[first_below]:g}"
            )


def clean_risk_table(
    risk_time: npt.ArrayLike,
    n_risk: npt.ArrayLike,
    curve: CleanCurve,
    names: tuple[str, str] = ("risk_time", "n_risk"),
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], CleanCurve]:
    """Check the numbers-at-risk table against the cleaned curve; drop what lies beyond it.

    Returns the table's times and numbers, and the curve (points after a row
    with nobody at risk removed), with the changes added to the curve's.

    >>> table_time, table_n, _ = clean_risk_table([0, 5, 10, 15], [20, 12, 6, 2], clean_curve([0, 5, 11], [1, 0.7, 0.5]))
    >>> table_time.tolist(), table_n.tolist()
    ([0.0, 5.0, 10.0], [20, 12, 6])
    """
    time_name, n_name = names
    times, numbers = as_numbers(risk_time, time_name), as_numbers(n_risk, n_name)
    if len(times) != len(numbers):
        raise DataError(f"{time_name}, {n_name}: {len(times)} times but {len(numbers)} numbers at risk")
    if len(times) == 0:
        raise DataError(f"{n_name}: the table is empty; give at least the arm size at time 0")
    if times[0] != 0:
        raise DataError(f"{time_name}, row 0: time {times[0]:g}; the table must start at time 0 with the arm size")
    not_whole = np.flatnonzero((numbers != np.round(numbers)) | (numbers < 0))
    if not_whole.size:
        row = not_whole[0]
        raise DataError(f"{n_name}, row {row}: {numbers[row]:g}; numbers at risk are whole numbers, 0 or more")
    if numbers[0] == 0:
        raise DataError(f"{n_name}, row 0: 0; the arm has no patients")
    not_later = np.flatnonzero(np.diff(times) <= 0)
    if not_later.size:
        row = not_later[0] + 1
        raise DataError(
            f"{time_name}, row {row}: time {times[row]:g} is not later than row {row - 1} ({times[row - 1]:g})"
        )
    rising = np.flatnonzero(np.diff(numbers) > 0)
    if rising.size:
        row = rising[0] + 1
        raise DataError(
            f"{n_name}, row {row}: {numbers[row]:g} is more than row {row - 1} ({numbers[row - 1]:g}); "
            "the number at risk cannot increase"
        )
    changes = list(curve.changes)
    curve_time, curve_survival = curve.time, curve.survival
    # A row just after the last point is where the curve ends, read a little early: extend the curve to it.
    just_after = np.flatnonzero((times > curve_time[-1]) & (times <= curve_time[-1] * (1 + TIME_SLACK)))
    if just_after.size:
        end = float(times[just_after[-1]])
        changes.append(
            Change(
                "end of the curve",
                f"{time_name}, {_rows(just_after)}",
                f"curve extended flat from {curve_time[-1]:g} to {end:g}",
            )
        )
        curve_time, curve_survival = np.append(curve_time, end), np.append(curve_survival, curve_survival[-1])
    beyond = np.flatnonzero(times > curve_time[-1])
    if len(times) > 2 and len(beyond) > len(times) / 2:
        raise DataError(
            f"{time_name}, rows {beyond[0]}–{len(times) - 1}: most of the table lies after the end of the curve "
            f"(time {curve_time[-1]:g}); are the curve and the table in the same unit?"
        )
    if beyond.size:
        changes.append(Change("after the curve", f"{time_name}, {_rows(beyond)}", f"{len(beyond)} rows dropped"))
        times, numbers = times[: beyond[0]], numbers[: beyond[0]]
    empty = np.flatnonzero(numbers == 0)
    if empty.size:
        after = curve_time > times[empty[0]]
        if after.any():
            changes.append(
                Change(
                    "after nobody is at risk",
                    f"curve, after time {times[empty[0]]:g}",
                    f"{int(after.sum())} points dropped",
                )
            )
            curve_time, curve_survival = curve_time[~after], curve_survival[~after]
    return times, numbers.astype(np.int64), CleanCurve(curve_time, curve_survival, tuple(changes))


def warn_changes(changes: Sequence[Change], label: str) -> None:
    """Show the changes as one :class:`CleaningWarning` (nothing when there are none)."""
    if changes:
        lines = "\n".join(f"  - {change}" for change in changes)
        warnings.warn(f"{label} changed what it was given:\n{lines}", CleaningWarning, stacklevel=3)


# -- files ---------------------------------------------------------------------------------------


def _read_columns(path: str | Path, columns: tuple[str, str]) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, comment="#")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; the columns must be {', '.join(columns)}")
    for column in columns:
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = np.flatnonzero(numbers.isna().to_numpy())
        if bad.size:
            raise DataError(f"{path}, row {bad[0] + 1}, field {column}: {table[column].iloc[bad[0]]!r} is not a number")
        table[column] = numbers
    return table[list(columns)]


def read_curve_csv(path: str | Path) -> pd.DataFrame:
    """A digitised curve file: columns ``time`` and ``survival`` (proportion or percent).

    Rows in errors count data lines from 1 (the header is line 0).
    """
    return _read_columns(path, ("time", "survival"))


def read_risk_csv(path: str | Path) -> pd.DataFrame:
    """A numbers-at-risk file: columns ``time`` and ``n_risk``."""
    return _read_columns(path, ("time", "n_risk"))
