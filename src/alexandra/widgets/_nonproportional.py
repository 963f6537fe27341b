"""The widget of the chapter *When one hazard ratio is not enough*: an effect that changes with time.

The reader chooses a SIMULATED scenario (an effect from the start, delayed by 3, 6 or 12 months,
one that wanes when treatment stops after a year, or one that starts with harm) and the hazard
ratio while the drug works. The chart draws the two survival curves and the hazard ratio over
time, computed in the browser from the scenario, and the power of four approaches (log-rank,
Fleming–Harrington G(0, 1), MaxCombo and the difference in restricted mean survival time),
read from the precomputed table ``data/simulated/nph_power.csv`` (``scripts/nph_power.py``),
never recomputed. It is a :class:`~alexandra.widgets.BookWidget`: the Altair chart works with no
kernel, and :meth:`~alexandra.widgets.BookWidget.live` shows the same lines in a running notebook.

>>> nph_scenario_pieces("waning", 0.7)
(12.0, 0.7, 1.0)
>>> nph_scenario_pieces("crossing", 0.8)
(6.0, 1.25, 0.8)
"""

from __future__ import annotations

import math
from pathlib import Path

import altair as alt
import pandas as pd

from alexandra import checks
from alexandra.plots import PALETTE
from alexandra.published import find_data_dir
from alexandra.widgets._kit import BookWidget, Control, Readout

__all__ = [
    "NPH_POWER_COLUMNS",
    "NPH_SCENARIOS",
    "load_nph_power",
    "nph_power_row",
    "nph_scenario_pieces",
    "nonproportional",
]

#: Each scenario of the precomputed table: the month the hazard ratio changes, and the hazard
#: ratio before and after it, in terms of ``hr``, the hazard ratio while the drug works
#: (as ``scripts/nph_power.py`` simulates them; a test compares the two).
NPH_SCENARIOS: dict[str, tuple[float, str, str]] = {
    "proportional": (0.0, "hr", "hr"),
    "delayed 3": (3.0, "1", "hr"),
    "delayed 6": (6.0, "1", "hr"),
    "delayed 12": (12.0, "1", "hr"),
    "waning": (12.0, "hr", "1"),
    "crossing": (6.0, "1/hr", "hr"),
}

#: The power columns of the table, and how the chart names the approach.
NPH_POWER_COLUMNS: dict[str, str] = {
    "power_logrank": "log-rank",
    "power_fh01": "G(0, 1)",
    "power_maxcombo": "MaxCombo",
    "power_rmst": "RMST difference",
}

#: Months the chart's curves cover (the RMST horizon of the table).
HORIZON_MONTHS = 48.0


def nph_scenario_pieces(scenario: str, hr: float) -> tuple[float, float, float]:
    """``(change month, hazard ratio before it, hazard ratio after it)`` of a scenario."""
    checks.one_of("nph_scenario_pieces", "scenario", scenario, NPH_SCENARIOS)
    hr = checks.positive("nph_scenario_pieces", "hr", hr)
    cut, before, after = NPH_SCENARIOS[scenario]
    pieces = {"hr": hr, "1": 1.0, "1/hr": 1 / hr}
    return cut, pieces[before], pieces[after]


def load_nph_power(path: str | Path | None = None) -> pd.DataFrame:
    """The precomputed power table (default ``data/simulated/nph_power.csv``; its first line names its command)."""
    path = Path(path) if path is not None else find_data_dir() / "simulated" / "nph_power.csv"
    if not path.is_file():
        checks.fail(str(path), "the file is missing: run `make data` (scripts/nph_power.py)")
    table = pd.read_csv(path, comment="#")
    missing = {"scenario", "hr", "trials", "control_event_free_3y", *NPH_POWER_COLUMNS} - set(table.columns)
    if missing:
        checks.fail(str(path), f"columns missing: {sorted(missing)}")
    unknown = set(table.scenario) - set(NPH_SCENARIOS)
    if unknown:
        checks.fail(str(path), f"scenarios this widget does not know: {sorted(unknown)}", field="scenario")
    return table


def nph_power_row(table: pd.DataFrame, scenario: str, hr: float) -> pd.Series:
    """The row of the power table for one scenario and hazard ratio (a grid point)."""
    checks.one_of("nph_power_row", "scenario", scenario, NPH_SCENARIOS)
    rows = table[(table.scenario == scenario) & ((table.hr - hr).abs() < 1e-6)]
    if len(rows) != 1:
        checks.fail(checks.call("nph_power_row", "hr", hr), f"no single row of the power table for {scenario!r}")
    return rows.iloc[0]


def _vega_pieces() -> tuple[tuple[str, str], ...]:
    """Derived Vega parameters: the scenario's index, change month and hazard ratios before and after."""
    names = list(NPH_SCENARIOS)
    terms = {"hr": "{hr}", "1": "1", "1/hr": "1 / {hr}"}
    cuts = ", ".join(repr(cut) for cut, _, _ in NPH_SCENARIOS.values())
    befores = ", ".join(terms[before] for _, before, _ in NPH_SCENARIOS.values())
    afters = ", ".join(terms[after] for _, _, after in NPH_SCENARIOS.values())
    return (
        ("index", f"indexof({names!r}, {{scenario}})"),
        ("cut", f"[{cuts}][{{index}}]"),
        ("before", f"[{befores}][{{index}}]"),
        ("after", f"[{afters}][{{index}}]"),
    )


def nonproportional(table: pd.DataFrame | None = None) -> BookWidget:
    """The widget: a SIMULATED scenario → survival curves, hazard ratio over time, power of four approaches."""
    table = load_nph_power() if table is None else table
    hrs = sorted(float(hr) for hr in table.hr.unique())
    step = round(hrs[1] - hrs[0], 6) if len(hrs) > 1 else 0.1
    trials = int(table.trials.iloc[0])
    # The control arm's constant hazard per month, from its 3-year event-free survival.
    rate = -math.log(float(table.control_event_free_3y.iloc[0])) / 36
    chosen = "datum.scenario == {scenario} && abs(datum.hr - {hr}) < 1e-6"
    power_table = table[["scenario", "hr", "trials", *NPH_POWER_COLUMNS]]

    def power_row(widget: BookWidget) -> alt.Chart:
        return alt.Chart(power_table).transform_filter(widget.expr(chosen))

    def curves(widget: BookWidget) -> alt.Chart:
        return alt.Chart(alt.sequence(0, HORIZON_MONTHS + 0.01, 0.5, as_="month")).transform_calculate(
            chemotherapy=f"exp(-{rate!r} * datum.month)",
            atezolizumab=widget.expr(
                f"exp(-{rate!r} * ({{before}} * min(datum.month, {{cut}}) + {{after}} * max(datum.month - {{cut}}, 0)))"
            ),
            hazard_ratio=widget.expr("datum.month < {cut} ? {before} : {after}"),
        )

    def plot(widget: BookWidget) -> alt.HConcatChart:
        month = alt.X("month:Q", title="Months since randomisation", scale=alt.Scale(domain=[0, HORIZON_MONTHS]))
        month = month.axis(values=[0, 12, 24, 36, 48])
        arms = ["chemotherapy alone", "atezolizumab (scenario)"]
        survival = (
            curves(widget)
            .transform_fold(["chemotherapy", "atezolizumab"], as_=["arm", "survival"])
            .transform_calculate(arm=f"datum.arm == 'chemotherapy' ? '{arms[0]}' : '{arms[1]}'")
            .mark_line(strokeWidth=2.5)
            .encode(
                x=month,
                y=alt.Y("survival:Q", title="Event-free (simulated)", scale=alt.Scale(domain=[0.7, 1])),
                color=alt.Color(
                    "arm:N",
                    title=None,
                    scale=alt.Scale(domain=arms, range=[PALETTE["blue"], PALETTE["vermillion"]]),
                    legend=alt.Legend(orient="bottom-left", symbolType="stroke", direction="vertical"),
                ),
                strokeDash=alt.StrokeDash(
                    "arm:N",
                    title=None,
                    scale=alt.Scale(domain=arms, range=[[6, 3], [1, 0]]),
                    legend=alt.Legend(orient="bottom-left", symbolType="stroke", direction="vertical"),
                ),
            )
            .properties(width=240, height=200, title=alt.TitleParams("Survival curves", fontSize=12, anchor="start"))
        )
        over_time = curves(widget).mark_line(strokeWidth=2.5, color=PALETTE["vermillion"], interpolate="step-after")
        over_time = over_time.encode(
            x=month,
            y=alt.Y(
                "hazard_ratio:Q",
                title="Hazard ratio (log scale)",
                scale=alt.Scale(type="log", domain=[0.5, 2], nice=False),
                axis=alt.Axis(values=[0.5, 0.6, 0.8, 1, 1.25, 1.6, 2]),
            ),
        )
        no_effect = alt.Chart(pd.DataFrame({"hazard_ratio": [1.0]})).mark_rule(
            color=PALETTE["black"], strokeDash=[2, 3]
        )
        hazard = (no_effect.encode(y="hazard_ratio:Q") + over_time).properties(
            width=240, height=200, title=alt.TitleParams("Hazard ratio over time", fontSize=12, anchor="start")
        )
        bars_base = power_row(widget).transform_fold(list(NPH_POWER_COLUMNS), as_=["column", "power"])
        bars_base = bars_base.transform_calculate(
            approach=" : ".join(
                f"datum.column == '{column}' ? '{label}'" for column, label in NPH_POWER_COLUMNS.items()
            )
            + " : ''"
        )
        approach = alt.Y("approach:N", title=None, sort=list(NPH_POWER_COLUMNS.values()))
        power_x = alt.X(
            "power:Q",
            title=f"Power ({trials} simulated trials)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        )
        bars = bars_base.mark_bar(color=PALETTE["sky_blue"], stroke=PALETTE["blue"]).encode(x=power_x, y=approach)
        labels = bars_base.mark_text(align="left", dx=3, fontSize=11).encode(
            x=power_x, y=approach, text=alt.Text("power:Q", format=".0%")
        )
        five = alt.Chart(pd.DataFrame({"power": [0.05]})).mark_rule(color=PALETTE["black"], strokeDash=[2, 3])
        power = (bars + labels + five.encode(x="power:Q")).properties(
            width=240, height=120, title=alt.TitleParams("Power of each approach", fontSize=12, anchor="start")
        )
        return alt.hconcat(survival, hazard, power)

    return BookWidget(
        key="nph",
        title="SIMULATED: when the effect changes over time, which approach sees it?",
        description=(
            "Three panels for the chosen simulated scenario and hazard ratio while the drug works: the "
            "event-free survival curves of chemotherapy alone (dashed) and atezolizumab (solid) up to 48 "
            "months; the hazard ratio over time (a step at the month it changes, dotted line at 1); and the "
            f"power of four approaches (log-rank, G(0, 1), MaxCombo, RMST difference) read from {trials} "
            "simulated trials of ALEXANDRA's size per scenario. Simulated, not trial data."
        ),
        controls=(
            Control("scenario", "Scenario", default="delayed 6", options=tuple(NPH_SCENARIOS)),
            Control("hr", "HR while the drug works", default=0.7, minimum=hrs[0], maximum=hrs[-1], step=step),
        ),
        derived=_vega_pieces(),
        compute=lambda scenario, hr: nph_power_row(table, scenario, hr),
        readouts=tuple(
            Readout(f"Power, {label}", (column,), (f"datum.{column}",), ".2%", source="power")
            for column, label in NPH_POWER_COLUMNS.items()
        ),
        plot=plot,
        readout_bases={"power": power_row},
    )
