"""The widget of the chapter *Stopping early*: choose a spending function and a futility rule.

Twice, like the widgets of :mod:`alexandra.widgets`: :func:`monitoring_chart` is an Altair chart whose
drop-downs filter a table computed here in Python (so it works in the HTML book with no
kernel), and :func:`monitoring_live` gives ipywidgets drop-downs that call :mod:`alexandra.inference`
directly (needs a kernel). Both show the lines of :func:`monitoring_readout_lines`.

Everything is for ALEXANDRA's plan: an interim at 62% of 390 events (both secondary numbers),
a two-sided 5% level and the design hazard ratio the book derives (both assumptions).

>>> monitoring_readout_lines("obrien-fleming", "HR > 1", "non-binding")[1]
'Interim: stop for futility if HR > 1.000 (z < 0.000)'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import altair as alt
import ipywidgets
import numpy as np
import pandas as pd

from alexandra import inference, published, trial
from alexandra.plots import PALETTE

__all__ = [
    "MONITORING_BINDING",
    "MONITORING_HAZARD_RATIOS",
    "monitoring_chart",
    "monitoring_futility_rules",
    "monitoring_live",
    "monitoring_operating_table",
    "monitoring_plan",
    "monitoring_readout_lines",
]

#: Whether the final boundary counts on futility stops.
MONITORING_BINDING = ("non-binding", "binding")

#: True hazard ratios along the chart's x axis.
MONITORING_HAZARD_RATIOS = tuple(float(hr) for hr in np.round(np.arange(0.6, 1.2001, 0.02), 2))


def _planned() -> float:
    return published.get("idfs_events_planned").number


def monitoring_futility_rules() -> dict[str, Callable[[inference.Design], float | None]]:
    """The rules the reader can choose: name → the interim z below which the rule stops."""
    priors = inference.prior_presets(trial.design_hazard_ratio())
    boundary_hr = published.get("futility_boundary_hr").number

    def power_rule(threshold: float, **options: object) -> Callable[[inference.Design], float]:
        return lambda plan: inference.futility_z(plan, "conditional power", threshold, **options)  # type: ignore[arg-type]

    return {
        "none": lambda plan: None,
        "HR > 1": lambda plan: inference.futility_z(plan, "hazard ratio", boundary_hr),
        "CP < 10%, design HR": power_rule(0.1, assumed_hr=trial.design_hazard_ratio()),
        "CP < 20%, design HR": power_rule(0.2, assumed_hr=trial.design_hazard_ratio()),
        "CP < 10%, current trend": power_rule(0.1),
        "CP < 20%, current trend": power_rule(0.2),
        "PP < 10%, flat prior": lambda plan: inference.futility_z(
            plan, "predictive power", 0.1, prior=priors["non-informative"]
        ),
        "PP < 10%, sceptical prior": lambda plan: inference.futility_z(
            plan, "predictive power", 0.1, prior=priors["sceptical"]
        ),
    }


@lru_cache(maxsize=64)
def monitoring_plan(spending: str, rule: str, binding: str) -> inference.Design:
    """ALEXANDRA's plan with this spending function and futility rule.

    A power rule is turned into a z boundary against the plan without futility; a binding
    boundary then lowers the final efficacy boundary.
    """
    interim = trial.alexandra_interim_events()
    plain = inference.group_sequential_design(interim, _planned(), spending=spending)
    futility = monitoring_futility_rules()[rule](plain)
    return inference.group_sequential_design(
        interim, _planned(), spending=spending, futility_z=futility, binding=binding == "binding"
    )


def monitoring_readout_lines(spending: str, rule: str, binding: str) -> list[str]:
    """The numbers the widget shows for one choice (the same in the browser and the live widgets)."""
    plan = monitoring_plan(spending, rule, binding)
    hr = trial.design_hazard_ratio()
    (z1, z2), (hr1, hr2) = plan.efficacy_z, plan.efficacy_hr
    futility = (
        "Interim: no futility boundary"
        if plan.futility_z is None or plan.futility_hr is None
        else f"Interim: stop for futility if HR > {plan.futility_hr:.3f} (z < {plan.futility_z:.3f})"
    )
    null = inference.operating_characteristics(plan, 1.0)
    ignored = inference.operating_characteristics(plan, 1.0, futility_obeyed=False)
    power = inference.operating_characteristics(plan, hr).reject
    unruled = inference.operating_characteristics(monitoring_plan(spending, "none", "non-binding"), hr).reject
    return [
        f"Interim: success if HR ≤ {hr1:.3f} (z ≥ {z1:.3f})",
        futility,
        f"Final: success if HR ≤ {hr2:.3f} (z ≥ {z2:.3f})",
        f"One-sided alpha spent at the interim: {plan.cumulative_alpha[0]:.2%}",
        f"Type I error: {null.reject:.3%}; ignoring futility {ignored.reject:.3%}",
        f"Power at HR {hr:.2f}: {power:.1%} (no futility rule {unruled:.1%})",
        f"P(stop for futility | HR {hr:.2f}): {inference.operating_characteristics(plan, hr).stop_futility:.1%}",
    ]


def _choices() -> list[tuple[str, str, str]]:
    """Every (spending, rule, binding), in the order of the chart's ``key``."""
    return [
        (spending, rule, binding)
        for spending in inference.SPENDING_FUNCTIONS
        for rule in monitoring_futility_rules()
        for binding in MONITORING_BINDING
    ]


def monitoring_operating_table() -> pd.DataFrame:
    """Chance of success and of a futility stop by true HR, for every choice (``key`` of :func:`_choices`)."""
    rows = []
    for key, choice in enumerate(_choices()):
        plan = monitoring_plan(*choice)
        for hr in MONITORING_HAZARD_RATIOS:
            result = inference.operating_characteristics(plan, hr)
            rows.append({"key": key, "true_hr": hr, "success": result.reject, "futility": result.stop_futility})
    return pd.DataFrame(rows).round(5)


def _readout_table() -> pd.DataFrame:
    rows = [
        {"key": key, "line": line, "text": text}
        for key, choice in enumerate(_choices())
        for line, text in enumerate(monitoring_readout_lines(*choice))
    ]
    return pd.DataFrame(rows)


def monitoring_chart(height: int = 220) -> alt.TopLevelMixin:
    """The client-side widget: drop-downs, operating characteristics by true HR, and the readouts."""
    spending = alt.param(
        name="gs_spending",
        value="obrien-fleming",
        bind=alt.binding_select(
            options=list(inference.SPENDING_FUNCTIONS),
            labels=list(inference.SPENDING_FUNCTIONS.values()),
            name="Spending function ",
        ),
    )
    rules_ = list(monitoring_futility_rules())
    rule = alt.param(name="gs_rule", value="HR > 1", bind=alt.binding_select(options=rules_, name="Futility rule "))
    binding = alt.param(
        name="gs_binding",
        value="non-binding",
        bind=alt.binding_select(options=list(MONITORING_BINDING), name="Futility is "),
    )
    # The row of the tables for the chosen (spending, rule, binding), as _choices() numbers them.
    key = alt.param(
        name="gs_key",
        expr=f"(indexof({list(inference.SPENDING_FUNCTIONS)!r}, gs_spending) * {len(rules_)}"
        f" + indexof({rules_!r}, gs_rule)) * {len(MONITORING_BINDING)} + indexof({list(MONITORING_BINDING)!r}, gs_binding)",
    )
    chosen = "datum.key == gs_key"
    labels = {"success": "success (either analysis)", "futility": "stop for futility"}
    x = alt.X("true_hr:Q", title="True hazard ratio (atezolizumab vs chemotherapy)", scale=alt.Scale(domain=[0.6, 1.2]))
    curves = (
        alt.Chart(monitoring_operating_table())
        .transform_filter(chosen)
        .transform_fold(list(labels), as_=["measure", "probability"])
        .transform_calculate(measure=f"datum.measure == 'success' ? '{labels['success']}' : '{labels['futility']}'")
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=18))
        .encode(
            x=x,
            y=alt.Y("probability:Q", title="Probability", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=list(labels.values()), range=[PALETTE["blue"], PALETTE["vermillion"]]),
                legend=alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2.5),
            ),
            strokeDash=alt.StrokeDash(
                "measure:N",
                scale=alt.Scale(domain=list(labels.values()), range=[[1, 0], [6, 3]]),
                legend=alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2.5),
            ),
            tooltip=["true_hr:Q", "measure:N", alt.Tooltip("probability:Q", format=".1%")],
        )
    )
    marks = pd.DataFrame({"true_hr": [trial.design_hazard_ratio(), 1.0], "what": ["design HR (assumed)", "no effect"]})
    rules = alt.Chart(marks).mark_rule(color=PALETTE["black"], strokeDash=[2, 3]).encode(x=x, tooltip=["what:N"])
    readouts = (
        alt.Chart(_readout_table())
        .transform_filter(chosen)
        .transform_calculate(offset=f"{height + 48} + 17 * datum.line")
        .mark_text(align="left", baseline="top", fontSize=12, color=PALETTE["black"])
        .encode(x=alt.value(0), y=alt.Y("offset:Q", scale=None), text="text:N")
    )
    return (
        alt.layer(rules, curves, readouts)
        .add_params(spending, rule, binding, key)
        .properties(
            width="container",
            height=height,
            title="Boundaries and operating characteristics of the plan you choose",
            description=(
                "Line monitoring_chart: the chance of success (at the interim or the final analysis) and of stopping "
                "for futility at the interim, against the true hazard ratio, for the chosen spending function "
                "and futility rule; dotted lines at the assumed design hazard ratio and at 1. The text under the "
                "monitoring_chart gives the boundaries, the type I error and the power."
            ),
        )
    )


def monitoring_live() -> ipywidgets.VBox:
    """The same choices as ipywidgets, computed by :mod:`alexandra.inference` in the kernel."""
    style, layout = {"description_width": "initial"}, ipywidgets.Layout(width="28em")
    inputs = {
        "spending": ipywidgets.Dropdown(
            options=[(label, key) for key, label in inference.SPENDING_FUNCTIONS.items()],
            description="Spending function",
            style=style,
            layout=layout,
        ),
        "rule": ipywidgets.Dropdown(
            options=list(monitoring_futility_rules()),
            value="HR > 1",
            description="Futility rule",
            style=style,
            layout=layout,
        ),
        "binding": ipywidgets.Dropdown(
            options=MONITORING_BINDING, description="Futility is", style=style, layout=layout
        ),
    }
    output = ipywidgets.HTML()

    def show(_change: object = None) -> None:
        output.value = "<br>".join(monitoring_readout_lines(**{name: widget.value for name, widget in inputs.items()}))

    for widget in inputs.values():
        widget.observe(show, names="value")
    show()
    return ipywidgets.VBox([*inputs.values(), output])
