"""A widget written once and drawn twice: in the browser (Altair) and in a live notebook (ipywidgets).

The widgets of the chapter *How uncertain is the hazard ratio?* (:mod:`alexandra.widgets`) are
each a :class:`BookWidget`: its controls, the Python function from :mod:`alexandra.inference`
that computes its numbers, and its *readouts* — the lines of numbers it shows. A readout carries
both the Python field it reads and the Vega expression that computes the same number in the
reader's browser. From one :class:`BookWidget`:

* :meth:`BookWidget.chart` builds an Altair chart whose parameters are bound to HTML
  sliders and drop-downs; Vega recomputes plot and readouts in the browser, so it works in
  the static HTML book with no kernel;
* :meth:`BookWidget.live` builds ipywidgets controls that call the Python function (needs a
  running kernel: JupyterLab, Binder, Colab);
* :meth:`BookWidget.lines` gives the readout lines that both show, for any control values
  (the browser test compares the page with it).

The module also holds what the widgets share: a readout of a 95% interval, labelled marker
lines, and the numbers of ALEXANDRA they start from.

>>> halving = BookWidget(
...     key="half",
...     title="Half a number",
...     description="A dashed line at the number chosen with the slider.",
...     controls=(Control("x", "Number", default=3.0, minimum=0.0, maximum=10.0, step=0.5),),
...     compute=lambda x: {"half": x / 2},
...     readouts=(Readout("Half", ("half",), ("{x} / 2",), ".2f"),),
...     plot=lambda widget: marker_rules([("one", 1.0, 1.0)], "x", "y"),
... )
>>> halving.lines(x=-1.0)
['Half: \u22120.50']
>>> halving.readouts[0].vega(halving.expr)
"'Half: ' + format(half_x / 2, '.2f')"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets
import pandas as pd

from alexandra import published
from alexandra.plots import PALETTE
from alexandra.stats_common import Z_95  # written into the browser's formulas (1.959963984540054)
from alexandra.survival import tierney_from_ci

__all__ = [
    "PLOT_HEIGHT",
    "PLOT_WIDTH",
    "BookWidget",
    "Control",
    "Readout",
    "interval_readout",
    "marker_rules",
    "published_hr",
    "total_events",
]


#: Height (px) of one readout line.
LINE_HEIGHT = 20
#: Size (px) of a widget's plot before the book's charts.js fits it to the page.
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


def interval_readout(label: str, centre: str, spread: str) -> Readout:
    """A readout "lower to upper" of a 95% interval, ``exp(centre ± 1.96 · spread)`` on the log scale."""
    return Readout(
        label, ("lower", "upper"), (f"exp({centre} - {Z_95} * {spread})", f"exp({centre} + {Z_95} * {spread})"), ".2f"
    )


def marker_rules(marks: list[tuple[str, float, float]], x_field: str, y_field: str) -> alt.LayerChart:
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
# ALEXANDRA's numbers the widgets start from
# --------------------------------------------------------------------------------------------


def total_events() -> float:
    """IDFS events in both arms at the analysis the abstract reports.

    >>> total_events()
    266.0
    """
    return sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)


def published_hr() -> tuple[float, float]:
    """The published HR and the SE of its log, from the 95% CI (Tierney et al. 2007)."""
    hr = published.get("idfs_hr_stratified")
    assert hr.lower is not None and hr.upper is not None  # the table's HR has a CI
    return hr.number, tierney_from_ci(hr.number, hr.lower, hr.upper).se
