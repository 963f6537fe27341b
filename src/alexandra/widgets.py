"""Chapter 5's widgets, twice: in the browser (Altair) and in a live notebook (ipywidgets).

Each widget is a :class:`BookWidget`: its controls, the Python function from
:mod:`alexandra.uncertainty` that computes its numbers, and its *readouts* — the lines of
numbers it shows. A readout carries both the Python field it reads and the Vega expression
that computes the same number in the reader's browser. From one :class:`BookWidget`:

* :meth:`BookWidget.chart` builds an Altair chart whose parameters are bound to HTML
  sliders and drop-downs; Vega recomputes plot and readouts in the browser, so it works in
  the static HTML book with no kernel;
* :meth:`BookWidget.live` builds ipywidgets controls that call the Python function (needs a
  running kernel: JupyterLab, Binder, Colab);
* :meth:`BookWidget.lines` gives the readout lines that both show, for any control values
  (the browser test compares the page with it).

>>> widget = precision()
>>> widget.lines(events=266, true_hr=1.0)[-1]
'Power (two-sided 5% test): 5.0%'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets
import pandas as pd

from alexandra import published, uncertainty
from alexandra.design import detectable_hazard_ratio
from alexandra.plots import PALETTE
from alexandra.stats_common import Z_95  # written into the browser's formulas (1.959963984540054)
from alexandra.survival import tierney_from_ci

__all__ = [
    "FOREST_DRAWS",
    "FOREST_SEED",
    "MAX_SUBGROUPS",
    "BookWidget",
    "Control",
    "Readout",
    "all_widgets",
    "bayesian",
    "conditional_power",
    "design_hr",
    "precision",
    "reading_the_ci",
    "sampling",
    "subgroups",
]


LINE_HEIGHT = 20
PLOT_WIDTH = 420
PLOT_HEIGHT = 250
#: Width (px) a readout line may take before it wraps; the book's charts.js sets the width the
#: reader's screen leaves. About 8 px per character at the readouts' 14 px.
TEXT_WIDTH = 480
CHAR_WIDTH = 8


@dataclass(frozen=True)
class Control:
    """One input: a slider (``minimum``, ``maximum``, ``step``) or a drop-down (``options``).

    ``selects`` is ``(other control, value)``: moving this control sets the other one, as a
    custom-prior slider selects "custom" in the prior drop-down.
    """

    name: str
    label: str
    default: float | str
    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 0.01
    options: tuple[str, ...] = ()
    selects: tuple[str, str] | None = None

    @property
    def whole(self) -> bool:
        return not self.options and float(self.step).is_integer() and float(self.minimum).is_integer()

    def binding(self) -> alt.Binding:
        if self.options:
            return alt.binding_select(options=list(self.options), name=self.label + " ")
        return alt.binding_range(min=self.minimum, max=self.maximum, step=self.step, name=self.label + " ")

    def widget(self) -> ipywidgets.ValueWidget:
        style = {"description_width": "initial"}
        layout = ipywidgets.Layout(width="32em")
        if self.options:
            return ipywidgets.Dropdown(
                options=self.options, value=self.default, description=self.label, style=style, layout=layout
            )
        slider = ipywidgets.IntSlider if self.whole else ipywidgets.FloatSlider
        return slider(
            value=self.default,
            min=self.minimum,
            max=self.maximum,
            step=self.step,
            description=self.label,
            style=style,
            layout=layout,
        )


@dataclass(frozen=True)
class Readout:
    """One line of numbers a widget shows, e.g. ``"95% CI: 0.87 to 1.42"``.

    ``fields`` name what the Python function returns (attributes or keys); ``expressions``
    compute the same numbers in Vega, with ``{name}`` standing for a control or derived
    parameter. ``number_format`` is a format spec that Python and d3-format read alike
    (``".2f"``, ``".1%"``, ``"d"``), or ``"yes/no"`` for a true/false value.
    """

    label: str
    fields: tuple[str, ...]
    expressions: tuple[str, ...]
    number_format: str
    source: str = "controls"

    def text(self, values: Mapping[str, Any]) -> str:
        shown = [self._python(values[name]) for name in self.fields]
        return f"{self.label}: {' to '.join(shown)}"

    def _python(self, value: Any) -> str:
        if self.number_format == "yes/no":
            return "yes" if value else "no"
        # Mirror d3-format, which draws the browser's numbers: a value that rounds to zero has
        # no sign (Python's "z" option), and a minus sign is U+2212.
        spec = "z" + self.number_format if self.number_format[-1] in "f%" else self.number_format
        return format(value, spec).replace("-", "\u2212")

    def vega(self, resolve: Callable[[str], str]) -> str:
        shown = [
            f"(({resolve(expression)}) ? 'yes' : 'no')"
            if self.number_format == "yes/no"
            else f"format({resolve(expression)}, '{self.number_format}')"
            for expression in self.expressions
        ]
        label = self.label.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{label}: ' + " + " + ' to ' + ".join(shown)


@dataclass(frozen=True)
class BookWidget:
    """A widget's controls, computation, readouts and plot (see the module docstring).

    ``plot`` draws the figure from the widget (for its :meth:`expr`); ``readout_bases`` give
    the data a readout with a ``source`` other than ``"controls"`` is computed over (for
    precomputed tables); ``derived`` are intermediate Vega parameters, in order.
    """

    key: str
    title: str
    description: str
    controls: tuple[Control, ...]
    compute: Callable[..., Any]
    readouts: tuple[Readout, ...]
    plot: Callable[[BookWidget], alt.Chart | alt.LayerChart | alt.HConcatChart]
    derived: tuple[tuple[str, str], ...] = ()
    readout_bases: Mapping[str, Callable[[BookWidget], alt.Chart]] = field(default_factory=dict)

    def param_name(self, name: str) -> str:
        """The Vega parameter of a control or derived value (prefixed: one page has many widgets)."""
        return f"{self.key}_{name}"

    def expr(self, template: str) -> str:
        """A Vega expression with ``{name}`` replaced by the widget's parameter names."""
        names = [control.name for control in self.controls] + [name for name, _ in self.derived]
        return template.format(**{name: self.param_name(name) for name in names})

    def values(self, **controls: Any) -> dict[str, Any]:
        """The readout fields computed by Python for these control values."""
        chosen = {control.name: controls.get(control.name, control.default) for control in self.controls}
        result = self.compute(**chosen)
        get = result.__getitem__ if isinstance(result, (Mapping, pd.Series)) else result.__getattribute__
        return {name: get(name) for readout in self.readouts for name in readout.fields}

    def lines(self, **controls: Any) -> list[str]:
        """The readout lines, as the browser and the live widget show them."""
        values = self.values(**controls)
        return [readout.text(values) for readout in self.readouts]

    def params(self) -> list[alt.Parameter]:
        bound = [
            alt.param(name=self.param_name(control.name), value=control.default, bind=control.binding())
            for control in self.controls
        ]
        derived = [alt.param(name=self.param_name(name), expr=self.expr(template)) for name, template in self.derived]
        return bound + derived

    def readout_panel(self) -> alt.Chart:
        """The readout lines, computed in the browser, as one text mark that wraps to the width.

        Each line wraps at word boundaries to the width in the ``text_width`` parameter
        (set by the book's charts.js to what the screen leaves).
        """
        sources = {readout.source for readout in self.readouts} - {"controls"}
        if len(sources) > 1:
            raise ValueError(f"widget {self.key!r}: readouts can use one data source, not {sorted(sources)}")
        base = self.readout_bases[sources.pop()](self) if sources else alt.Chart(alt.Data(values=[{"row": 0}]))
        chars = f"max(16, floor({self.param_name('text_width')} / {CHAR_WIDTH}))"
        wrap = r"trim(replace({text}, regexp('(.{{1,' + {chars} + '}})(\\s+|$)', 'g'), '$1\n'))"
        text = r" + '\n' + ".join(wrap.format(text=readout.vega(self.expr), chars=chars) for readout in self.readouts)
        return (
            base.transform_calculate(readout=text)
            .mark_text(
                align="left",
                baseline="top",
                fontSize=14,
                lineHeight=LINE_HEIGHT,
                lineBreak="\n",
                color=PALETTE["black"],
            )
            .encode(x=alt.value(0), y=alt.value(0), text="readout:N")
            .properties(
                name=self.param_name("readouts"),
                width=PLOT_WIDTH,
                height=LINE_HEIGHT * len(self.readouts),
                view=alt.ViewBackground(stroke=None),
            )
        )

    def chart(self) -> alt.VConcatChart:
        """The client-side widget: plot, readouts and bound controls (works with no kernel).

        ``usermeta`` tells the book's charts.js which parameter takes the text width and which
        controls select another (:attr:`Control.selects`).
        """
        selects = {
            self.param_name(control.name): [self.param_name(control.selects[0]), control.selects[1]]
            for control in self.controls
            if control.selects
        }
        text_width = alt.param(name=self.param_name("text_width"), value=TEXT_WIDTH)
        return (
            alt.vconcat(self.plot(self), self.readout_panel(), spacing=12)
            .add_params(*self.params(), text_width)
            .properties(
                title=self.title,
                description=self.description,
                usermeta={
                    "alexandra": {
                        "textWidth": self.param_name("text_width"),
                        "textMark": self.param_name("readouts") + "_marks",
                        "selects": selects,
                    }
                },
            )
        )

    def live(self) -> ipywidgets.VBox:
        """The same widget as ipywidgets controls over the Python function (needs a kernel)."""
        inputs = {control.name: control.widget() for control in self.controls}
        output = ipywidgets.HTML()

        def show(_change: object = None) -> None:
            lines = self.lines(**{name: widget.value for name, widget in inputs.items()})
            output.value = "<br>".join(lines)

        def selecting(other: str, value: str) -> Callable[[object], None]:
            return lambda _change: setattr(inputs[other], "value", value)

        for control in self.controls:
            if control.selects:  # observed first, so that `show` sees the selected value
                inputs[control.name].observe(selecting(*control.selects), names="value")
        for widget in inputs.values():
            widget.observe(show, names="value")
        show()
        return ipywidgets.VBox([ipywidgets.HTML(f"<b>{self.title}</b>"), *inputs.values(), output])


def _interval_readout(label: str, centre: str, spread: str) -> Readout:
    """A readout "lower to upper" of a 95% interval, ``exp(centre ± 1.96 · spread)`` on the log scale."""
    return Readout(
        label, ("lower", "upper"), (f"exp({centre} - {Z_95} * {spread})", f"exp({centre} + {Z_95} * {spread})"), ".2f"
    )


def design_hr() -> float:
    """The design hazard ratio the chapter assumes (ALEXANDRA's is not in the abstract and figure legends this book uses).

    Schoenfeld's detectable HR for the planned events at 80% power and two-sided 5%, rounded
    to the sliders' steps of 0.01 so that a slider can sit on it.

    >>> design_hr()
    0.75
    """
    return round(detectable_hazard_ratio(published.get("idfs_events_planned").number, power=0.8), 2)


def _total_events() -> float:
    return sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)


def _published_hr() -> tuple[float, float]:
    """The published HR and the SE of its log, from the 95% CI (Tierney et al. 2007)."""
    hr = published.get("idfs_hr_stratified")
    assert hr.lower is not None and hr.upper is not None  # the table's HR has a CI
    return hr.number, tierney_from_ci(hr.number, hr.lower, hr.upper).se


def _marker_rules(marks: list[tuple[str, float, float]], x_field: str, y_field: str) -> alt.LayerChart:
    """Labelled vertical dashed rules: (label, x, height of the label) for each.

    E.g. ALEXANDRA's 266 events and the planned 390.
    """
    data = alt.Chart(pd.DataFrame(marks, columns=["label", x_field, y_field]))
    rules = data.mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(x=f"{x_field}:Q")
    labels = data.mark_text(align="left", dx=3, baseline="top", fontSize=11).encode(
        x=f"{x_field}:Q", y=f"{y_field}:Q", text="label:N"
    )
    return rules + labels


# --------------------------------------------------------------------------------------------
# 1. Events and precision
# --------------------------------------------------------------------------------------------


def precision() -> BookWidget:
    """Widget 1: events and a true HR → CI width, P value and power.

    Computed by :func:`~alexandra.uncertainty.precision_for_events`.
    """
    events = _total_events()
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
        rules = _marker_rules(
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
            Control("true_hr", "True hazard ratio", default=design_hr(), minimum=0.5, maximum=1.5, step=0.01),
        ),
        compute=uncertainty.precision_for_events,
        readouts=(
            Readout("Standard error of log HR", ("se_log_hr",), (se,), ".3f"),
            Readout("95% CI, upper limit / lower limit", ("ci_ratio",), (f"exp(2 * {Z_95} * {se})",), ".2f"),
            _interval_readout("95% CI if the trial observed the true HR", "log({true_hr})", se),
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
    """Widget 2: is a benefit of a given size ruled out? (:func:`~alexandra.uncertainty.check_benefit`)."""
    hr, se = _published_hr()
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
        no_effect = _marker_rules([("no effect", 1.0, 1.05)], "hr", "likelihood")
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
        compute=lambda benefit_hr: uncertainty.check_benefit(hr, se, benefit_hr),
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
    """Widget 3: a normal prior on log HR and the posterior (:func:`~alexandra.uncertainty.normal_posterior`).

    The reference priors are built on the assumed design hazard ratio, :func:`design_hr`.
    """
    hr, se = _published_hr()
    presets = uncertainty.prior_presets(design_hr())

    def prior_for(prior: str, prior_median: float, prior_sd: float) -> uncertainty.NormalPrior:
        return uncertainty.NormalPrior(prior_median, prior_sd) if prior == "custom" else presets[prior]

    def compute(prior: str, prior_median: float, prior_sd: float) -> uncertainty.Posterior:
        return uncertainty.normal_posterior(prior_for(prior, prior_median, prior_sd), hr, se)

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
            _interval_readout("95% credible interval", post_mean, post_sd),
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


def conditional_power() -> BookWidget:
    """Widget 4: what if the trial had continued to the planned events?

    Computed by :func:`~alexandra.uncertainty.conditional_power`.
    """
    hr = published.get("idfs_hr_stratified").number
    events = _total_events()
    planned = published.get("idfs_events_planned").number
    now = uncertainty.conditional_power(hr, events, planned, assumed_hr=1.0)
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
        controls=(Control("assumed_hr", "Assumed true HR", default=design_hr(), minimum=0.5, maximum=1.3, step=0.01),),
        derived=(("drift", drift),),
        compute=lambda assumed_hr: uncertainty.conditional_power(hr, events, planned, assumed_hr),
        readouts=(
            Readout("Expected final Z under the assumed HR (drift)", ("drift",), ("{drift}",), ".2f"),
            Readout("Conditional power", ("probability",), (probability,), ".2%"),
        ),
        plot=plot,
    )


# --------------------------------------------------------------------------------------------
# 5. Sampling variability (precomputed simulations)
# --------------------------------------------------------------------------------------------


def sampling() -> BookWidget:
    """Widget 5: observed HRs of SIMULATED trials like ALEXANDRA (:func:`~alexandra.uncertainty.load_sampling`)."""
    histogram, summary = uncertainty.load_sampling()
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
        rules = _marker_rules([(f"ALEXANDRA: {hr:g}", hr, y_top)], "bin_lower", "trials")
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
        compute=lambda true_hr: uncertainty.sampling_row(summary, true_hr),
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
"""Seed of the forest plot's standard normal draws (:func:`~alexandra.uncertainty.forest_draws`)."""


def subgroups() -> BookWidget:
    """Widget 6: many subgroups, one true effect (:func:`~alexandra.uncertainty.subgroup_multiplicity`)."""
    events = _total_events()
    draws = uncertainty.forest_draws(FOREST_DRAWS, MAX_SUBGROUPS, seed=FOREST_SEED)
    se = f"sqrt(4 * {{n_subgroups}} / {events!r})"
    shift = "log({true_hr}) / {se}"
    significant_one = f"cumulativeNormal(-{Z_95} - {shift}) + (1 - cumulativeNormal({Z_95} - {shift}))"
    harm_one = f"cumulativeNormal({shift})"

    def compute(n_subgroups: int, true_hr: float, draw: int) -> dict[str, Any]:
        closed_form = uncertainty.subgroup_multiplicity(n_subgroups, true_hr, events)
        forest = uncertainty.simulated_forest(n_subgroups, true_hr, events, draws, draw)
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
        scale = alt.Scale(type="log", domain=[0.2, 5], nice=False, clamp=True)
        x = alt.X("hr:Q", title="Hazard ratio (log scale)", scale=scale)
        y = alt.Y("subgroup:O", title=None, axis=alt.Axis(labelExpr="'Simulated subgroup ' + datum.label"))
        base = forest(widget).transform_calculate(
            verdict="datum.significant == 1 ? 'significant at 5%' : 'not significant'",
            lower_shown="max(datum.lower, 0.2)",
            upper_shown="min(datum.upper, 5)",
        )
        verdicts = ["not significant", "significant at 5%"]
        colours = alt.Scale(domain=verdicts, range=[PALETTE["blue"], PALETTE["vermillion"]])
        legend = alt.Legend(orient="top")
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("lower_shown:Q", scale=scale),
            x2="upper_shown:Q",
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
            Control("true_hr", "True HR in every subgroup", default=1.0, minimum=0.6, maximum=1.4, step=0.01),
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


def all_widgets() -> dict[str, BookWidget]:
    """Every widget of the chapter, by key (the browser test walks through them)."""
    chapter = (precision(), reading_the_ci(), bayesian(), conditional_power(), sampling(), subgroups())
    return {widget.key: widget for widget in chapter}
