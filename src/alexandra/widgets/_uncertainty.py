"""The widgets of the chapter *How uncertain is the hazard ratio?*, for the HTML book and for a live notebook.

Six :class:`~alexandra.widgets.BookWidget` objects, each drawn twice: ``chart()`` in the
browser with no kernel, ``live()`` with ipywidgets in JupyterLab, Binder or Colab (see
:mod:`alexandra.widgets`). This module defines the four that read the published result —
:func:`precision`, :func:`reading_the_ci`, :func:`bayesian`, :func:`conditional_power_widget` — and
gathers them with the two over simulated trials, :func:`~alexandra.widgets.sampling`
and :func:`~alexandra.widgets.subgroups` (:func:`all_widgets`), so that a chapter
imports every widget from here.

>>> widget = precision()
>>> widget.lines(events=266, true_hr=1.0)[-1]
'Power (two-sided 5% test): 5.0%'
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from alexandra import inference, published, trial
from alexandra.plots import PALETTE
from alexandra.stats_common import Z_95  # written into the browser's formulas (1.959963984540054)
from alexandra.widgets._kit import (
    PLOT_HEIGHT,
    PLOT_WIDTH,
    BookWidget,
    Control,
    Readout,
    interval_readout,
    marker_rules,
    published_hr,
    total_events,
)
from alexandra.widgets._simulation import sampling, subgroups

__all__ = [
    "all_widgets",
    "bayesian",
    "conditional_power_widget",
    "precision",
    "reading_the_ci",
]


# --------------------------------------------------------------------------------------------
# 1. Events and precision
# --------------------------------------------------------------------------------------------


def precision() -> BookWidget:
    """Widget 1: events and a true HR → CI width, P value and power.

    Computed by :func:`~alexandra.inference.precision_for_events`.
    """
    events = total_events()
    planned = published.get("idfs_events_planned").number
    se = "sqrt(4 / {events})"
    drift = f"abs(log({{true_hr}})) / {se}"
    power = f"(1 - cumulativeNormal({Z_95} - {drift})) + (1 - cumulativeNormal({Z_95} + {drift}))"

    def plot(widget: BookWidget) -> alt.LayerChart:
        curve = (
            alt.Chart(alt.sequence(50, 1001, 5, as_="events"))
            .transform_calculate(power=widget.expr(power.replace("{events}", "datum.events")))
            .mark_line(color=PALETTE["blue"], strokeWidth=2)
            .encode(
                x=alt.X("events:Q", title="IDFS events analysed", scale=alt.Scale(domain=[0, 1000])),
                y=alt.Y(
                    "power:Q", title="Power (two-sided 5%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
                ),
            )
        )
        chosen = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(events=widget.expr("{events}"), power=widget.expr(power))
            .mark_point(filled=True, size=90, shape="diamond", color=PALETTE["vermillion"])
            .encode(x="events:Q", y="power:Q")
        )
        rules = marker_rules(
            [(f"ALEXANDRA: {events:.0f}", events, 0.12), (f"planned: {planned:.0f}", planned, 0.04)], "events", "power"
        )
        return (curve + rules + chosen).properties(width=PLOT_WIDTH, height=PLOT_HEIGHT)

    return BookWidget(
        key="precision",
        title="Events and precision: what a trial of this size can show",
        description=(
            "Line chart of the power of a two-sided 5% log-rank test against the number of events "
            "analysed, for the true hazard ratio chosen with the slider, with dashed lines at "
            "ALEXANDRA's 266 events and the planned 390; the lines of text below give the standard "
            "error, the width of the 95% CI, the expected P value and the power."
        ),
        controls=(
            Control("events", "Events analysed", default=int(events), minimum=50, maximum=1000, step=1),
            Control(
                "true_hr", "True hazard ratio", default=trial.design_hazard_ratio(), minimum=0.5, maximum=1.5, step=0.01
            ),
        ),
        compute=inference.precision_for_events,
        readouts=(
            Readout("Standard error of log HR", ("se_log_hr",), (se,), ".3f"),
            Readout("95% CI, upper limit / lower limit", ("ci_ratio",), (f"exp(2 * {Z_95} * {se})",), ".2f"),
            interval_readout("95% CI if the trial observed the true HR", "log({true_hr})", se),
            Readout(
                "P value if the trial observed the true HR",
                ("p_value",),
                (f"2 * (1 - cumulativeNormal({drift}))",),
                ".3f",
            ),
            Readout("Power (two-sided 5% test)", ("power",), (power,), ".1%"),
        ),
        plot=plot,
    )


# --------------------------------------------------------------------------------------------
# 2. Reading the CI
# --------------------------------------------------------------------------------------------


def reading_the_ci() -> BookWidget:
    """Widget 2: is a benefit of a given size ruled out? (:func:`~alexandra.inference.check_benefit`)."""
    hr, se = published_hr()
    distance = f"(log({hr!r}) - log({{benefit_hr}})) / {se!r}"
    lower, upper = f"exp(log({hr!r}) - {Z_95} * {se!r})", f"exp(log({hr!r}) + {Z_95} * {se!r})"

    def plot(widget: BookWidget) -> alt.LayerChart:
        grid = alt.Chart(alt.sequence(math.log(0.5), math.log(2.0), 0.005, as_="log_hr")).transform_calculate(
            hr="exp(datum.log_hr)",
            likelihood=f"exp(-pow(datum.log_hr - log({hr!r}), 2) / (2 * {se!r} * {se!r}))",
        )
        x = alt.X(
            "hr:Q", title="True hazard ratio (log scale)", scale=alt.Scale(type="log", domain=[0.5, 2.0], nice=False)
        )
        y = alt.Y(
            "likelihood:Q", title="Likelihood relative to the best-supported HR", scale=alt.Scale(domain=[0, 1.05])
        )
        ruled_out = (
            alt.Chart(pd.DataFrame({"start": [0.5, 2.0], "label": ["ruled out", "ruled out"]}))
            .transform_calculate(end=f"datum.start < 1 ? {lower} : {upper}")
            .mark_rect(color="#dddddd")
            .encode(x="start:Q", x2="end:Q", tooltip="label:N")
        )
        ruled_out_labels = (
            alt.Chart(pd.DataFrame({"hr": [0.52], "likelihood": [0.98], "label": ["ruled out by the 95% CI"]}))
            .mark_text(align="left", baseline="top", fontSize=11)
            .encode(x="hr:Q", y="likelihood:Q", text="label:N")
        )
        curve = grid.mark_line(color=PALETTE["black"], strokeWidth=2).encode(x=x, y=y)
        interval = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(lower=lower, upper=upper, level=f"exp(-{Z_95} * {Z_95} / 2)")
            .mark_rule(color=PALETTE["orange"], strokeWidth=4)
            .encode(x="lower:Q", x2="upper:Q", y="level:Q")
        )
        benefit = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(hr=widget.expr("{benefit_hr}"))
            .mark_rule(color=PALETTE["vermillion"], strokeWidth=2)
            .encode(x="hr:Q")
        )
        no_effect = marker_rules([("no effect", 1.0, 1.05)], "hr", "likelihood")
        return (ruled_out + ruled_out_labels + curve + interval + no_effect + benefit).properties(
            width=PLOT_WIDTH, height=PLOT_HEIGHT
        )

    return BookWidget(
        key="ci",
        title="Reading the CI: which benefits do the data rule out?",
        description=(
            "The published hazard ratio and 95% CI drawn as a likelihood curve over the true hazard "
            "ratio on a log scale, with the 95% CI as an orange bar, a dashed line at no effect, a red "
            "line at the benefit chosen with the slider and the area below that benefit shaded; the "
            "text below says whether that benefit is inside the CI and gives its one-sided P value."
        ),
        controls=(Control("benefit_hr", "Benefit to check (HR)", default=0.8, minimum=0.6, maximum=1.0, step=0.01),),
        compute=lambda benefit_hr: inference.check_benefit(hr, se, benefit_hr),
        readouts=(
            Readout(
                "This benefit is inside the 95% CI",
                ("inside_ci",),
                (f"{{benefit_hr}} >= {lower} && {{benefit_hr}} <= {upper}",),
                "yes/no",
            ),
            Readout(
                "One-sided P value against a benefit at least this large",
                ("p_value",),
                (f"1 - cumulativeNormal({distance})",),
                ".4f",
            ),
            Readout(
                "Likelihood of this HR relative to the best-supported HR",
                ("relative_likelihood",),
                (f"exp(-pow({distance}, 2) / 2)",),
                ".3f",
            ),
        ),
        plot=plot,
    )


# --------------------------------------------------------------------------------------------
# 3. Bayesian reanalysis
# --------------------------------------------------------------------------------------------

PRIOR_CHOICES = ("non-informative", "sceptical", "enthusiastic", "custom")
"""The prior drop-down: three reference priors, or "custom" to use the two prior sliders."""


def bayesian() -> BookWidget:
    """Widget 3: a normal prior on log HR and the posterior (:func:`~alexandra.inference.normal_posterior`).

    The reference priors are built on the assumed design hazard ratio, :func:`~alexandra.trial.design_hazard_ratio`.
    """
    hr, se = published_hr()
    presets = inference.prior_presets(trial.design_hazard_ratio())

    def prior_for(prior: str, prior_median: float, prior_sd: float) -> inference.NormalPrior:
        return inference.NormalPrior(prior_median, prior_sd) if prior == "custom" else presets[prior]

    def compute(prior: str, prior_median: float, prior_sd: float) -> inference.Posterior:
        return inference.normal_posterior(prior_for(prior, prior_median, prior_sd), hr, se)

    def choose(attribute: str, custom: str) -> str:
        branches = " : ".join(
            f"{{prior}} == '{name}' ? {getattr(preset, attribute)!r}" for name, preset in presets.items()
        )
        return f"{branches} : {custom}"

    def plot(widget: BookWidget) -> alt.Chart:
        names = {"prior": "Prior", "likelihood": "Likelihood (the trial)", "posterior": "Posterior"}
        legend = alt.Legend(orient="top-right")
        return (
            alt.Chart(alt.sequence(math.log(0.4), math.log(2.5), 0.01, as_="log_hr"))
            .transform_calculate(
                hr="exp(datum.log_hr)",
                prior=widget.expr("densityNormal(datum.log_hr, {prior_mean}, {prior_sd_used})"),
                likelihood=f"densityNormal(datum.log_hr, log({hr!r}), {se!r})",
                posterior=widget.expr("densityNormal(datum.log_hr, {posterior_mean}, {posterior_sd})"),
            )
            .transform_fold(list(names), as_=["curve", "density"])
            .transform_calculate(curve=" : ".join(f"datum.curve == '{k}' ? '{v}'" for k, v in names.items()) + " : ''")
            .mark_line(strokeWidth=2.5)
            .encode(
                x=alt.X("hr:Q", title="Hazard ratio (log scale)", scale=alt.Scale(type="log", domain=[0.4, 2.5])),
                y=alt.Y("density:Q", title="Density on the log HR scale"),
                color=alt.Color(
                    "curve:N",
                    title=None,
                    sort=list(names.values()),
                    scale=alt.Scale(
                        domain=list(names.values()),
                        range=[PALETTE["sky_blue"], PALETTE["black"], PALETTE["vermillion"]],
                    ),
                    legend=legend,
                ),
                strokeDash=alt.StrokeDash(
                    "curve:N",
                    title=None,
                    sort=list(names.values()),
                    scale=alt.Scale(domain=list(names.values()), range=[[2, 2], [6, 3], [1, 0]]),
                    legend=legend,
                ),
            )
            .properties(width=PLOT_WIDTH, height=PLOT_HEIGHT)
        )

    post_mean, post_sd = "{posterior_mean}", "{posterior_sd}"
    return BookWidget(
        key="bayes",
        title="A Bayesian reading: prior + trial = posterior",
        description=(
            "Three curves over the hazard ratio on a log scale: the prior chosen with the drop-down or "
            "sliders (dotted), the likelihood of the published result (dashed) and the posterior "
            "(solid); the text below gives the posterior median, the 95% credible interval and the "
            "posterior probabilities that the hazard ratio is below 1 and below 0.9."
        ),
        controls=(
            Control("prior", "Prior", default="sceptical", options=PRIOR_CHOICES),
            Control("prior_median", "Custom prior: median HR", 1.0, 0.5, 1.5, 0.01, selects=("prior", "custom")),
            Control("prior_sd", "Custom prior: SD of log HR", 0.2, 0.05, 1.0, 0.01, selects=("prior", "custom")),
        ),
        derived=(
            ("prior_mean", choose("mean_log_hr", "log({prior_median})")),
            ("prior_sd_used", choose("sd", "{prior_sd}")),
            ("posterior_precision", f"1 / pow({{prior_sd_used}}, 2) + 1 / pow({se!r}, 2)"),
            (
                "posterior_mean",
                f"({{prior_mean}} / pow({{prior_sd_used}}, 2) + log({hr!r}) / pow({se!r}, 2))"
                " / {posterior_precision}",
            ),
            ("posterior_sd", "sqrt(1 / {posterior_precision})"),
        ),
        compute=compute,
        readouts=(
            Readout("Posterior median HR", ("median_hr",), (f"exp({post_mean})",), ".2f"),
            interval_readout("95% credible interval", post_mean, post_sd),
            Readout(
                "P(HR < 1), any benefit", ("p_below_1",), (f"cumulativeNormal((0 - {post_mean}) / {post_sd})",), ".1%"
            ),
            Readout(
                "P(HR < 0.9), at least 10% lower hazard",
                ("p_below_0_9",),
                (f"cumulativeNormal((log(0.9) - {post_mean}) / {post_sd})",),
                ".1%",
            ),
        ),
        plot=plot,
    )


# --------------------------------------------------------------------------------------------
# 4. Conditional power
# --------------------------------------------------------------------------------------------


def conditional_power_widget() -> BookWidget:
    """Widget 4: what if the trial had continued to the planned events?

    Computed by :func:`~alexandra.inference.conditional_power`.
    """
    hr = published.get("idfs_hr_stratified").number
    events = total_events()
    planned = published.get("idfs_events_planned").number
    now = inference.conditional_power(hr, events, planned, assumed_hr=1.0)
    t, b_now = now.information_fraction, now.b_value
    drift = f"-log({{assumed_hr}}) * sqrt({planned!r} / 4)"
    probability = f"1 - cumulativeNormal(({Z_95} - {b_now!r} - {drift} * (1 - {t!r})) / sqrt(1 - {t!r}))"

    def plot(widget: BookWidget) -> alt.HConcatChart:
        x = alt.X("fraction:Q", title="Information fraction (events / planned events)", scale=alt.Scale(domain=[0, 1]))
        y = alt.Y("b:Q", title="B-value, Z·√t (up = atezolizumab better)", scale=alt.Scale(domain=[-3.5, 4.5]))
        observed = (
            alt.Chart(pd.DataFrame({"fraction": [0.0, t], "b": [0.0, b_now]}))
            .mark_line(color=PALETTE["black"], strokeWidth=2, point=True)
            .encode(x=x, y=y)
        )
        expected = f"{b_now!r} + {{drift}} * (datum.fraction - {t!r})"
        spread = f"{Z_95} * sqrt(datum.fraction - {t!r})"
        future = alt.Chart(alt.sequence(t, 1.0001, 0.01, as_="fraction")).transform_calculate(
            b=widget.expr(expected),
            low=widget.expr(f"{expected} - {spread}"),
            high=widget.expr(f"{expected} + {spread}"),
        )
        band = future.mark_area(color=PALETTE["sky_blue"], opacity=0.35).encode(x=x, y="low:Q", y2="high:Q")
        path = future.mark_line(color=PALETTE["blue"], strokeDash=[6, 3], strokeWidth=2).encode(x=x, y=y)
        needed = alt.Chart(pd.DataFrame({"fraction": [1.0], "b": [Z_95], "label": ["needed at the end"]}))
        target = needed.mark_point(shape="triangle-up", size=120, filled=True, color=PALETTE["vermillion"])
        target = target.encode(x=x, y=y)
        target_label = needed.mark_text(align="right", dx=-10, fontSize=11).encode(x=x, y=y, text="label:N")
        zero = alt.Chart(pd.DataFrame({"b": [0.0]})).mark_rule(color="#888888").encode(y="b:Q")
        path_chart = (zero + band + observed + path + target + target_label).properties(
            width=300, height=PLOT_HEIGHT, title="Where the trial was, and where it could go"
        )

        curve = (
            alt.Chart(alt.sequence(0.5, 1.3001, 0.01, as_="assumed"))
            .transform_calculate(probability=probability.replace("{assumed_hr}", "datum.assumed"))
            .mark_line(color=PALETTE["blue"], strokeWidth=2)
            .encode(
                x=alt.X("assumed:Q", title="Assumed true HR", scale=alt.Scale(domain=[0.5, 1.3])),
                y=alt.Y("probability:Q", title="Conditional power", axis=alt.Axis(format="%")),
            )
        )
        chosen = (
            alt.Chart(alt.Data(values=[{"row": 0}]))
            .transform_calculate(assumed=widget.expr("{assumed_hr}"), probability=widget.expr(probability))
            .mark_point(filled=True, size=90, shape="diamond", color=PALETTE["vermillion"])
            .encode(x="assumed:Q", y="probability:Q")
        )
        curve_chart = (curve + chosen).properties(
            width=260, height=PLOT_HEIGHT, title="Conditional power by assumed HR"
        )
        return alt.hconcat(path_chart, curve_chart)

    return BookWidget(
        key="cp",
        title="What if the trial had continued to the planned events?",
        description=(
            "Left: the log-rank statistic on the Brownian-motion scale against the information "
            "fraction, from the start to the final analysis, then the expected path and its 95% band "
            "to the planned events under the assumed hazard ratio, and the value needed for "
            "significance. Right: conditional power against the assumed hazard ratio. The text below "
            "gives the drift and the conditional power at the slider's hazard ratio."
        ),
        controls=(
            Control(
                "assumed_hr",
                "Assumed true HR",
                default=trial.design_hazard_ratio(),
                minimum=0.5,
                maximum=1.3,
                step=0.01,
            ),
        ),
        derived=(("drift", drift),),
        compute=lambda assumed_hr: inference.conditional_power(hr, events, planned, assumed_hr),
        readouts=(
            Readout("Expected final Z under the assumed HR (drift)", ("drift",), ("{drift}",), ".2f"),
            Readout("Conditional power", ("probability",), (probability,), ".2%"),
        ),
        plot=plot,
    )


def all_widgets() -> dict[str, BookWidget]:
    """Every widget of the chapter, by key (the browser test walks through them)."""
    chapter = (precision(), reading_the_ci(), bayesian(), conditional_power_widget(), sampling(), subgroups())
    return {widget.key: widget for widget in chapter}
