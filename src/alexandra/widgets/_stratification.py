"""The widget of the reconstruction chapter's stratified Cox model: how prognostic strata move the hazard ratio.

SIMULATED trials, not trial data: ``scripts/stratification_simulation.py`` analysed simulated trials
of ALEXANDRA's size, with three strata whose hazards differ by a chosen factor and one common hazard
ratio within them, stratified and unstratified, and wrote the means to
``data/simulated/stratification.csv`` (:func:`load_stratification`). :func:`stratification` draws
that grid: the browser filters the embedded table by the two sliders, with no kernel; its live twin
reads the same rows in Python (:func:`stratification_row`).

>>> stratification().lines(true_hr=1.0, strength=1.0)[-1].startswith("Log-rank test significant")
True
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from alexandra import checks
from alexandra.plots import PALETTE
from alexandra.published import find_data_dir
from alexandra.widgets._kit import PLOT_HEIGHT, PLOT_WIDTH, BookWidget, Control, Readout

__all__ = ["STRATIFICATION_FILE", "load_stratification", "stratification", "stratification_row"]

STRATIFICATION_FILE = "stratification.csv"
"""The precomputed table in ``data/simulated`` (made by ``scripts/stratification_simulation.py``)."""

_COLUMNS = (
    "true_hr",
    "strength",
    "trials",
    "hr_stratified",
    "hr_unstratified",
    "mean_se_stratified",
    "mean_se_unstratified",
    "power_stratified",
    "power_unstratified",
)
_ANALYSES = {"stratified": "stratified by the strata", "unstratified": "unstratified"}


def load_stratification(folder: str | Path | None = None) -> pd.DataFrame:
    """The precomputed comparison of stratified and unstratified analyses, one row per true HR and strength.

    >>> table = load_stratification()
    >>> bool(table.duplicated(["true_hr", "strength"]).any())
    False
    """
    path = (Path(folder) if folder is not None else find_data_dir() / "simulated") / STRATIFICATION_FILE
    if not path.is_file():
        checks.fail(str(path), "missing; run `python scripts/stratification_simulation.py` to make it")
    table = pd.read_csv(path, comment="#")
    missing = [column for column in _COLUMNS if column not in table.columns]
    if missing or table.empty or table[list(_COLUMNS)].isna().any().any():
        checks.fail(
            str(path), "empty, or a column is missing or incomplete; rerun scripts/stratification_simulation.py"
        )
    return table


def stratification_row(table: pd.DataFrame, true_hr: float, strength: float) -> pd.Series:
    """The row of the precomputed table for one true hazard ratio and one strength of the strata.

    >>> row = stratification_row(load_stratification(), 0.7, 1.0)
    >>> bool(abs(row["hr_stratified"] - row["hr_unstratified"]) < 0.01)
    True
    """
    chosen = np.isclose(table["true_hr"], true_hr, rtol=0, atol=1e-9) & np.isclose(
        table["strength"], strength, rtol=0, atol=1e-9
    )
    if int(chosen.sum()) != 1:
        checks.fail(
            f"stratification_row(true_hr={true_hr!r}, strength={strength!r})",
            "not simulated; the table has true HRs "
            + ", ".join(f"{value:g}" for value in sorted(table.true_hr.unique()))
            + " and strengths "
            + ", ".join(f"{value:g}" for value in sorted(table.strength.unique())),
        )
    return table[chosen].iloc[0]


def _step(values: pd.Series) -> float:
    grid = np.sort(values.unique())
    return round(float(grid[1] - grid[0]), 6) if grid.size > 1 else 1.0


def stratification(folder: str | Path | None = None) -> BookWidget:
    """The widget: prognostic strength of the strata → stratified and unstratified HRs, standard errors, power."""
    table = load_stratification(folder)
    chosen_hr = "abs(datum.true_hr - {true_hr}) < 1e-6"
    chosen = chosen_hr + " && abs(datum.strength - {strength}) < 1e-6"
    trials = int(table["trials"].iloc[0])
    long = table.melt(
        id_vars=["true_hr", "strength"],
        value_vars=[f"hr_{name}" for name in _ANALYSES],
        var_name="analysis",
        value_name="hr",
    )
    long["analysis"] = long["analysis"].str.removeprefix("hr_").map(_ANALYSES)

    def row(widget: BookWidget) -> alt.Chart:
        return alt.Chart(table).transform_filter(widget.expr(chosen))

    def plot(widget: BookWidget) -> alt.LayerChart:
        labels = list(_ANALYSES.values())
        legend = alt.Legend(orient="top", title=None)
        encoding = {
            "x": alt.X("strength:Q", title="Prognostic strength of the strata"),
            "y": alt.Y("hr:Q", title="Mean hazard ratio", scale=alt.Scale(zero=False, nice=True)),
            "color": alt.Color(
                "analysis:N", scale=alt.Scale(domain=labels, range=[PALETTE["blue"], PALETTE["orange"]]), legend=legend
            ),
            "strokeDash": alt.StrokeDash(
                "analysis:N", scale=alt.Scale(domain=labels, range=[[1, 0], [6, 3]]), legend=legend
            ),
            "shape": alt.Shape("analysis:N", scale=alt.Scale(domain=labels, range=["circle", "square"]), legend=legend),
        }
        lines = alt.Chart(long).transform_filter(widget.expr(chosen_hr)).mark_line(point=True).encode(**encoding)
        here = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(strength=widget.expr("{strength}"))
            .mark_rule(color=PALETTE["black"], strokeDash=[2, 2])
            .encode(x="strength:Q")
        )
        truth = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(hr=widget.expr("{true_hr}"))
            .mark_rule(color=PALETTE["bluish_green"], strokeDash=[6, 3], strokeWidth=2)
            .encode(y="hr:Q")
        )
        return (truth + here + lines).properties(
            width=PLOT_WIDTH,
            height=PLOT_HEIGHT,
            title=alt.TitleParams(f"SIMULATED trials, {trials} per point", fontSize=12, anchor="start"),
        )

    shown = (  # column, label, format
        ("hr_stratified", "HR stratified (mean of the trials)", ".3f"),
        ("hr_unstratified", "HR unstratified", ".3f"),
        ("mean_se_stratified", "Standard error of log HR, stratified", ".4f"),
        ("mean_se_unstratified", "Standard error of log HR, unstratified", ".4f"),
        ("power_stratified", "Log-rank test significant at 5%, stratified", ".1%"),
        ("power_unstratified", "Log-rank test significant at 5%, unstratified", ".1%"),
    )
    return BookWidget(
        key="strata",
        title="Prognostic strata: the stratified and the unstratified hazard ratio",
        description=(
            "Line chart of the mean hazard ratio of simulated trials of ALEXANDRA's size against how "
            "prognostic their three strata are, for the true within-stratum hazard ratio chosen with the "
            "slider (green dashed line): the stratified analysis (solid line, circles) and the unstratified "
            "one (dashed line, squares). The text below gives both hazard ratios, their standard errors and "
            "how often each log-rank test is significant, at the chosen strength. Simulated, not trial data."
        ),
        controls=(
            Control(
                "true_hr",
                "True HR within strata (simulated)",
                default=0.7,
                minimum=float(table.true_hr.min()),
                maximum=float(table.true_hr.max()),
                step=_step(table.true_hr),
            ),
            Control(
                "strength",
                "Prognostic strength of the strata",
                default=3.0,
                minimum=float(table.strength.min()),
                maximum=float(table.strength.max()),
                step=_step(table.strength),
            ),
        ),
        compute=lambda true_hr, strength: stratification_row(table, true_hr, strength),
        readouts=tuple(
            Readout(label, (column,), (f"datum.{column}",), number_format, source="grid")
            for column, label, number_format in shown
        ),
        plot=plot,
        readout_bases={"grid": row},
    )
