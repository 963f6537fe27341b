"""Widgets 5 and 6 of the chapter *How uncertain is the hazard ratio?*: what chance does to trials like ALEXANDRA.

Both show SIMULATED trials, not trial data, and both read a table in the browser, not only the
controls: :func:`sampling` the precomputed histograms and summaries of
:func:`~alexandra.inference.load_sampling`, :func:`subgroups` the standard normal draws of a
simulated forest plot (:func:`~alexandra.inference.forest_draws`). They are
:class:`~alexandra.widgets.BookWidget` objects, like the other widgets of the chapter, and
:mod:`alexandra.widgets` gathers all six.

>>> subgroups().lines(n_subgroups=1, true_hr=1.0, draw=1)[0]
'P(at least one subgroup significant): 5.0%'
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from alexandra import inference, published
from alexandra.plots import PALETTE
from alexandra.stats_common import Z_95  # written into the browser's formulas (1.959963984540054)
from alexandra.widgets._kit import PLOT_HEIGHT, PLOT_WIDTH, BookWidget, Control, Readout, marker_rules, total_events

__all__ = ["FOREST_DRAWS", "FOREST_SEED", "MAX_SUBGROUPS", "forest_axis", "sampling", "subgroups"]


# --------------------------------------------------------------------------------------------
# 5. Sampling variability (precomputed simulations)
# --------------------------------------------------------------------------------------------


def sampling() -> BookWidget:
    """Widget 5: observed HRs of SIMULATED trials like ALEXANDRA (:func:`~alexandra.inference.load_sampling`)."""
    histogram, summary = inference.load_sampling()
    hr = published.get("idfs_hr_stratified").number
    true_hrs = sorted(summary["true_hr"])
    step = round(true_hrs[1] - true_hrs[0], 6) if len(true_hrs) > 1 else 0.05
    chosen = "abs(datum.true_hr - {true_hr}) < 1e-6"
    y_top = math.ceil(histogram["trials"].max() * 1.15 / 10) * 10

    def summary_row(widget: BookWidget) -> alt.Chart:
        return alt.Chart(summary).transform_filter(widget.expr(chosen))

    def plot(widget: BookWidget) -> alt.LayerChart:
        bars = (
            alt.Chart(histogram)
            .transform_filter(widget.expr(chosen))
            .transform_calculate(side=f"datum.bin_lower >= {hr!r} - 1e-9 ? 'at least {hr:g}' : 'below {hr:g}'")
            .mark_rect(stroke="white", strokeWidth=0.5, clip=True)
            .encode(
                x=alt.X(
                    "bin_lower:Q",
                    title="Observed hazard ratio in a simulated trial",
                    scale=alt.Scale(domain=[0.4, 2.0]),
                ),
                x2="bin_upper:Q",
                y=alt.Y("trials:Q", title="Simulated trials", scale=alt.Scale(domain=[0, y_top])),
                y2=alt.datum(0),
                color=alt.Color(
                    "side:N",
                    title="Observed HR",
                    scale=alt.Scale(
                        domain=[f"below {hr:g}", f"at least {hr:g}"], range=[PALETTE["blue"], PALETTE["vermillion"]]
                    ),
                    legend=alt.Legend(orient="top-right"),
                ),
            )
        )
        rules = marker_rules([(f"ALEXANDRA: {hr:g}", hr, y_top)], "bin_lower", "trials")
        return (bars + rules).properties(width=PLOT_WIDTH, height=PLOT_HEIGHT)

    shown = (  # summary column, label, format
        ("share_at_least_published", f"Simulated trials with an observed HR of {hr:g} or more", ".1%"),
        ("median_observed_hr", "Median observed HR", ".2f"),
        ("share_significant_benefit", "Trials significant in favour of atezolizumab", ".1%"),
        ("share_significant_harm", "Trials significant against atezolizumab", ".1%"),
    )
    trials = int(summary["trials"].iloc[0])
    return BookWidget(
        key="sampling",
        title=f"SIMULATED trials like ALEXANDRA: {trials} per true HR",
        description=(
            "Histogram of the observed hazard ratios of simulated trials with ALEXANDRA's size, "
            "enrolment window and number of events, for the true hazard ratio chosen with the slider; "
            f"bars at or above the published {hr:g} are red. Simulated data, not trial data."
        ),
        controls=(
            Control(
                "true_hr", "True HR (simulated)", default=0.85, minimum=true_hrs[0], maximum=true_hrs[-1], step=step
            ),
        ),
        compute=lambda true_hr: inference.sampling_row(summary, true_hr),
        readouts=tuple(
            Readout(label, (name,), (f"datum.{name}",), number_format, source="summary")
            for name, label, number_format in shown
        ),
        plot=plot,
        readout_bases={"summary": summary_row},
    )


# --------------------------------------------------------------------------------------------
# 6. Subgroups and multiplicity
# --------------------------------------------------------------------------------------------

FOREST_DRAWS = 10
"""Simulated draws of the forest plot (its "Simulated draw" slider)."""
MAX_SUBGROUPS = 20
"""Most subgroups the forest plot shows."""
FOREST_SEED = 2007
"""Seed of the forest plot's standard normal draws (:func:`~alexandra.inference.forest_draws`)."""
_FOREST_TRUE_HRS = (0.6, 1.4)
"""The range of the forest plot's "True HR in every subgroup" slider."""
_FOREST_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
"""Hazard ratios the forest plot's axis may label (those inside its domain)."""


def forest_axis(draws: pd.DataFrame, events: float) -> tuple[list[float], list[float]]:
    """The forest plot's x-axis: a domain that shows every interval it can draw whole, and its labelled ticks.

    The domain is :func:`~alexandra.inference.forest_extent` widened by 10% on each side (log scale), fixed for
    every setting of the sliders: as subgroups are added their intervals are seen to widen.

    >>> draws = inference.forest_draws(FOREST_DRAWS, MAX_SUBGROUPS, seed=FOREST_SEED)
    >>> domain, ticks = forest_axis(draws, 266)
    >>> [round(end, 3) for end in domain], ticks
    ([0.045, 18.137], [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0])
    """
    low, high = inference.forest_extent(draws, events, _FOREST_TRUE_HRS)
    domain = [low / 1.1, high * 1.1]
    return domain, [tick for tick in _FOREST_TICKS if domain[0] <= tick <= domain[1]]


def subgroups() -> BookWidget:
    """Widget 6: many subgroups, one true effect (:func:`~alexandra.inference.subgroup_multiplicity`)."""
    events = total_events()
    draws = inference.forest_draws(FOREST_DRAWS, MAX_SUBGROUPS, seed=FOREST_SEED)
    se = f"sqrt(4 * {{n_subgroups}} / {events!r})"
    shift = "log({true_hr}) / {se}"
    significant_one = f"cumulativeNormal(-{Z_95} - {shift}) + (1 - cumulativeNormal({Z_95} - {shift}))"
    harm_one = f"cumulativeNormal({shift})"

    def compute(n_subgroups: int, true_hr: float, draw: int) -> dict[str, Any]:
        closed_form = inference.subgroup_multiplicity(n_subgroups, true_hr, events)
        forest = inference.simulated_forest(n_subgroups, true_hr, events, draws, draw)
        return {**closed_form.__dict__, "n_significant": int(forest["significant"].sum()), "n_subgroups": n_subgroups}

    def forest(widget: BookWidget) -> alt.Chart:
        return (
            alt.Chart(draws)
            .transform_filter(widget.expr("datum.draw == {draw} && datum.subgroup <= {n_subgroups}"))
            .transform_calculate(log_hr=widget.expr("log({true_hr}) + {se} * datum.z"))
            .transform_calculate(
                hr="exp(datum.log_hr)",
                lower=widget.expr(f"exp(datum.log_hr - {Z_95} * {{se}})"),
                upper=widget.expr(f"exp(datum.log_hr + {Z_95} * {{se}})"),
                significant=widget.expr(f"abs(datum.log_hr) / {{se}} > {Z_95} ? 1 : 0"),
                label="'Simulated subgroup ' + datum.subgroup",
            )
        )

    def count(widget: BookWidget) -> alt.Chart:
        return forest(widget).transform_aggregate(n_significant="sum(significant)")

    def plot(widget: BookWidget) -> alt.LayerChart:
        domain, ticks = forest_axis(draws, events)
        scale = alt.Scale(type="log", domain=domain, nice=False)
        x = alt.X("hr:Q", title="Hazard ratio (log scale)", scale=scale, axis=alt.Axis(values=ticks))
        y = alt.Y("subgroup:O", title=None, axis=alt.Axis(labelExpr="'Simulated subgroup ' + datum.label"))
        base = forest(widget).transform_calculate(
            verdict="datum.significant == 1 ? 'significant at 5%' : 'not significant'"
        )
        verdicts = ["not significant", "significant at 5%"]
        colours = alt.Scale(domain=verdicts, range=[PALETTE["blue"], PALETTE["vermillion"]])
        legend = alt.Legend(orient="top")
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("lower:Q", scale=scale),
            x2="upper:Q",
            y=y,
            color=alt.Color("verdict:N", title=None, scale=colours, legend=legend),
        )
        points = base.mark_point(filled=True, size=70).encode(
            x=x,
            y=y,
            color=alt.Color("verdict:N", title=None, scale=colours, legend=legend),
            shape=alt.Shape(
                "verdict:N", title=None, scale=alt.Scale(domain=verdicts, range=["circle", "square"]), legend=legend
            ),
        )
        truth = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(hr=widget.expr("{true_hr}"))
            .mark_rule(color=PALETTE["bluish_green"], strokeDash=[6, 3], strokeWidth=2)
            .encode(x="hr:Q")
        )
        no_effect = alt.Chart(pd.DataFrame({"hr": [1.0]})).mark_rule(color=PALETTE["black"]).encode(x="hr:Q")
        return (no_effect + truth + intervals + points).properties(
            width=PLOT_WIDTH,
            height=PLOT_HEIGHT + 60,
            title=alt.TitleParams("SIMULATED subgroups: not ALEXANDRA's Figure 3", fontSize=12, anchor="start"),
        )

    return BookWidget(
        key="subgroups",
        title="Subgroups: one true effect, many estimates",
        description=(
            "A simulated forest plot: hazard ratios with 95% CIs for the chosen number of subgroups, "
            "all sharing the true hazard ratio chosen with the slider (green dashed line); significant "
            "subgroups are red squares. Simulated, not ALEXANDRA's subgroup results. The text below "
            "gives the probabilities that at least one subgroup is significant, points to harm or "
            "points to benefit."
        ),
        controls=(
            Control("n_subgroups", "Subgroups", default=10, minimum=1, maximum=MAX_SUBGROUPS, step=1),
            Control(
                "true_hr",
                "True HR in every subgroup",
                default=1.0,
                minimum=_FOREST_TRUE_HRS[0],
                maximum=_FOREST_TRUE_HRS[1],
                step=0.01,
            ),
            Control("draw", "Simulated draw", default=1, minimum=1, maximum=FOREST_DRAWS, step=1),
        ),
        derived=(("se", se),),
        compute=compute,
        readouts=(
            Readout(
                "P(at least one subgroup significant)",
                ("p_any_significant",),
                (f"1 - pow(1 - ({significant_one}), {{n_subgroups}})",),
                ".1%",
            ),
            Readout(
                "P(at least one subgroup with observed HR above 1)",
                ("p_any_apparent_harm",),
                (f"1 - pow(1 - {harm_one}, {{n_subgroups}})",),
                ".1%",
            ),
            Readout(
                "P(at least one subgroup with observed HR below 1)",
                ("p_any_apparent_benefit",),
                (f"1 - pow({harm_one}, {{n_subgroups}})",),
                ".1%",
            ),
            Readout(
                "Significant subgroups in this simulated draw",
                ("n_significant",),
                ("datum.n_significant",),
                "d",
                source="forest",
            ),
        ),
        plot=plot,
        readout_bases={"forest": count},
    )
