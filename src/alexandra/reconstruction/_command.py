"""The command ``python -m alexandra.reconstruction``: a reader's own trial rebuilt from CSV files.

:func:`command` reads each arm's digitised curve and numbers at risk, rebuilds the
patients with :func:`~alexandra.reconstruction.guyot`, prints what it did and the
hazard ratio, and can draw a journal-style figure (:func:`km_figure`). The data
*reproduce* what was published; they do not recover the real patients.

>>> patients = guyot([0, 2, 4, 6, 8, 10], [1, 0.9, 0.8, 0.7, 0.6, 0.5], risk_time=[0, 5], n_risk=[100, 68])
>>> len(patients), int(patients.event.sum())
(100, 40)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from alexandra import survival
from alexandra.errors import DataError
from alexandra.reconstruction._guyot import guyot
from alexandra.reconstruction._reading import READING_ERROR, ReadingError, ReadingUncertainty, reading_uncertainty

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "command",
    "km_figure",
]


# -- the command ---------------------------------------------------------------------------------

_DEFAULT_REREADS = 200

_HELP = """\
Rebuild patient-level data from the Kaplan–Meier figure of a published trial (Guyot et al., 2012).

For each arm give two CSV files, made by reading the figure with a digitiser:
  CURVE.csv  columns `time` and `survival`: points clicked along the arm's curve, in any order;
             survival as a proportion (0-1) or a percentage (0-100). Small reading errors
             (a time just below 0, survival just above 1 or 100, a curve that rises a little,
             points clicked twice) are cleaned, and every change is printed.
  RISK.csv   columns `time` and `n_risk`: the numbers at risk printed under the figure, starting
             with the arm size at time 0. Only the arm size (one row) works too, but less well.
Times are in the figure's unit (months, say). The output has one row per rebuilt patient
(`arm`, `time`, `event`: 1 event, 0 censored): reconstructed data, not the trial's patients.
With two arms, the hazard ratio of the second arm against the first is printed; with
--rereads (or --reading-error), also how much it moves when the figure is read again: the SD of
the log hazard ratio over re-reads and the confidence interval widened by it."""


def command(argv: list[str] | None = None) -> int:
    """``python -m alexandra.reconstruction``: rebuild a trial from CSV files (``--help`` explains them).

    Returns the exit status: 0, or 2 with a one-line message for bad input.
    """
    import argparse
    import sys

    from alexandra.reconstruction._digitised import read_curve_csv, read_risk_csv

    parser = argparse.ArgumentParser(
        prog="python -m alexandra.reconstruction",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--arm",
        nargs=3,
        action="append",
        required=True,
        metavar=("NAME", "CURVE.csv", "RISK.csv"),
        help="an arm: its name, its digitised curve, its numbers at risk (repeat for each arm; "
        "the first is the reference of the hazard ratio)",
    )
    parser.add_argument(
        "--total-events",
        action="append",
        default=[],
        metavar="NAME=N",
        help="the arm's total number of events, when the paper gives it (repeat per arm)",
    )
    parser.add_argument(
        "--reading-error",
        type=float,
        metavar="SHARE",
        help="SD of a click's error as a share of each axis (e.g. 0.005); with two arms, the figure is re-read "
        "with it and the spread of the log hazard ratio printed (default with --rereads: the error measured "
        "between two real readings of one figure)",
    )
    parser.add_argument(
        "--rereads",
        type=int,
        metavar="N",
        help="how many re-reads for the reading's uncertainty (default 200 when --reading-error is given)",
    )
    parser.add_argument("--out", required=True, help="CSV file to write: one row per patient (arm, time, event)")
    parser.add_argument("--figure", help="PNG file for a journal-style Kaplan–Meier figure labelled 'Reconstructed'")
    arguments = parser.parse_args(argv)
    try:
        rereads = _rereads(arguments.reading_error, arguments.rereads)
        totals = _parse_totals(arguments.total_events, [name for name, _, _ in arguments.arm])
        arms, curve_end = [], 0.0
        curves, tables = {}, {}
        for name, curve_path, risk_path in arguments.arm:
            curve, table = read_curve_csv(curve_path), read_risk_csv(risk_path)
            curves[name], tables[name] = curve, table
            curve_end = max(curve_end, float(curve.time.max()))
            try:
                patients = guyot(curve.time, curve.survival, table.time, table.n_risk, totals.get(name), warn=False)
            except DataError as error:
                raise DataError(f"arm {name!r} ({curve_path}, {risk_path}): {error}") from None
            _print_arm(name, patients)
            arms.append(patients.assign(arm=name)[["arm", "time", "event"]])
        data = pd.concat(arms, ignore_index=True)
        if len(arms) == 2:
            _print_comparison(data, [name for name, _, _ in arguments.arm])
            if rereads:
                size = READING_ERROR if arguments.reading_error is None else ReadingError.of(arguments.reading_error)
                _print_reading(reading_uncertainty(curves, tables, totals, size, n_rereads=rereads), size)
        data.to_csv(arguments.out, index=False)
        print(f"wrote {len(data)} patients to {arguments.out}")
        if arguments.figure:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            figure = km_figure(data, [name for name, _, _ in arguments.arm], curve_end)
            figure.savefig(arguments.figure)
            plt.close(figure)
            print(f"wrote the figure to {arguments.figure}")
    except (DataError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _rereads(reading_error: float | None, rereads: int | None) -> int:
    """How many re-reads the options ask for (0: none)."""
    if reading_error is not None and not (reading_error >= 0 and reading_error < 1):
        raise DataError(f"--reading-error {reading_error:g}: give a share of the axis from 0 to below 1 (e.g. 0.005)")
    if rereads is not None and rereads < 2:
        raise DataError(f"--rereads {rereads}: give 2 or more re-reads")
    if rereads is None:
        return 0 if reading_error is None else _DEFAULT_REREADS
    return rereads


def _print_reading(result: ReadingUncertainty, error: ReadingError) -> None:
    level = f"{result.level:.0%}"
    print(
        f"reading: {len(result.log_hr_rereads)} re-reads (clicks off by SD {error.time:.3g} of the time axis and "
        f"{error.survival:.3g} in survival, shift SD {error.shift:.3g}): SD of the log hazard ratio "
        f"{result.sd_log_hr:.3f}; {level} CI widened by it {result.lower:.3f} to {result.upper:.3f}"
    )


def _parse_totals(given: list[str], names: list[str]) -> dict[str, int]:
    totals = {}
    for item in given:
        name, _, number = item.partition("=")
        if name not in names:
            raise DataError(f"--total-events {item}: {name!r} is not one of the arms {names}")
        if not number.strip().isdigit():
            raise DataError(f"--total-events {item}: {number!r} is not a whole number of events")
        totals[name] = int(number)
    return totals


def _print_arm(name: str, patients: pd.DataFrame) -> None:
    median = survival.median_survival(patients.time, patients.event)
    shown = "not reached" if median != median else f"{median:.3g}"
    print(f"{name}: {len(patients)} patients, {int(patients.event.sum())} events, median {shown}")
    for change in patients.attrs.get("changes", ()):
        print(f"  changed: {change}")


def _print_comparison(data: pd.DataFrame, names: list[str]) -> None:

    reference, other = names
    comparison = survival.compare_arms(data, reference=reference)
    cox, test = comparison.hazard_ratio, comparison.logrank
    print(
        f"hazard ratio {other} vs {reference} (Cox): {cox.hr:.3f} (95% CI {cox.lower:.3f} to {cox.upper:.3f}); "
        f"log-rank P = {test.p_value:.3g}"
    )


def km_figure(data: pd.DataFrame, arms: list[str], until: float) -> Figure:
    """The journal-style Kaplan–Meier figure of one or two rebuilt arms, labelled "Reconstructed".

    :func:`alexandra.plots.kaplan_meier_figure` with the reader's arm names (the
    first arm drawn as the book's reference arm), numbers at risk under it,
    up to ``until`` in the curves' unit.

    >>> patients = pd.DataFrame({"arm": ["A"] * 4, "time": [2.0, 5.0, 7.0, 9.0], "event": [1, 0, 1, 0]})
    >>> figure = km_figure(patients, ["A"], until=9)
    >>> [label.get_text() for label in figure.axes[-1].get_yticklabels()]
    ['A']
    """
    from alexandra import plots

    if not 1 <= len(arms) <= 2:
        raise DataError(f"km_figure(arms): {len(arms)} arms; the figure draws one or two")
    # The figure knows the book's two arms; draw the reader's under those keys and relabel them.
    keys = dict(zip(arms, ("chemotherapy", "atezolizumab")[: len(arms)], strict=True))
    figure = plots.kaplan_meier_figure(
        data.assign(arm=data.arm.map(keys)),
        until=until,
        risk_every=_tick_spacing(until),
        label="Reconstructed",
        ylabel="Survival, %",
        zoom=None,
    )
    labels = {plots.ARM_LABELS[key]: name for name, key in keys.items()}
    survival_axes = next(axes for axes in figure.axes if axes.get_label() == "survival")
    legend = survival_axes.get_legend()
    assert legend is not None  # kaplan_meier_figure always draws one
    for text in legend.get_texts():
        text.set_text(labels.get(text.get_text(), text.get_text()))
    table = next(axes for axes in figure.axes if axes.get_label() == "at risk")
    table.set_yticks(
        table.get_yticks(), labels=[labels.get(tick.get_text(), tick.get_text()) for tick in table.get_yticklabels()]
    )
    table.set_xlabel("Time")
    figure.tight_layout()
    return figure


def _tick_spacing(until: float) -> float:
    """A round spacing that gives 4 to 10 ticks up to ``until``."""
    for spacing in (1, 2, 3, 6, 12, 24, 5, 10, 20, 50, 100):
        if 4 <= until / spacing <= 10:
            return float(spacing)
    return until / 6
