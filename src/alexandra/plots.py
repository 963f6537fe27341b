"""What the reader sees: one palette, one figure style, Altair charts that work offline.

Every chapter calls :func:`setup` once. It sets a seaborn theme with the
colour-blind-safe Okabe–Ito palette and makes Altair charts render in both
places the book is read:

* in the **HTML book**, with no kernel and no network, a chart is a ``<div>``
  plus a few lines of JavaScript calling the book's ``alexandraChart``
  (``book/_static/charts.js``: it fits the chart to the width of the page);
  the page itself serves Vega, Vega-Lite and vega-embed from
  ``_static/vendor`` (see ``_ext/offline_assets.py``);
* in **JupyterLab** (and Binder), a chapter run there draws its charts with
  JupyterLab's own Vega-Lite renderer (:func:`jupyterlab_chart_bundle`). The
  committed outputs, made by the book build, say so in a line of text until the
  chapter runs: JupyterLab prefers an output's HTML to its Vega-Lite part, and
  that HTML needs the book's scripts.

:func:`kaplan_meier_figure` draws the journal-style Kaplan–Meier figure of both
arms with the numbers at risk under it, labelled as reconstructed data.

>>> from alexandra import plots
>>> plots.ARM_COLOURS["atezolizumab"] != plots.ARM_COLOURS["chemotherapy"]
True
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

import altair as alt
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from alexandra import checks, survival
from alexandra.errors import DataError

#: Okabe & Ito (2008) colour-blind-safe palette, in their order.
PALETTE: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: One colour per arm, used by every figure in the book.
ARM_COLOURS: dict[str, str] = {
    "atezolizumab": PALETTE["vermillion"],
    "chemotherapy": PALETTE["blue"],
}

#: Line styles per arm, so that arms never differ by colour alone.
ARM_LINESTYLES: dict[str, str] = {"atezolizumab": "-", "chemotherapy": "--"}

#: Reader-facing labels of the arms.
ARM_LABELS: dict[str, str] = {
    "atezolizumab": "Atezolizumab + chemotherapy",
    "chemotherapy": "Chemotherapy alone",
}

RENDERER_NAME = "alexandra_book"
BOOK_BUILD_VARIABLE = "ALEXANDRA_BOOK_BUILD"
"""Set to 1 by ``make book``: charts are rendered for the HTML book, not for a live notebook."""
LIVE_CHART_NOTE = "Interactive chart: run the notebook (Run ▸ Run All Cells) to draw it here."

#: The words every figure of reconstructed (pseudo-individual) data carries.
RECONSTRUCTED_LABEL = "Reconstructed — not trial data"


def book_chart_bundle(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Render a Vega-Lite spec for both the offline HTML book and JupyterLab.

    The ``text/html`` part expects the page to load Vega and the book's
    ``charts.js`` (the book's Sphinx extension does that), which draws the
    chart to fit the width of the page; the element id is derived from the
    spec so that re-executing a notebook gives identical output.

    >>> bundle = book_chart_bundle({"mark": "point", "data": {"values": []}})
    >>> sorted(bundle)
    ['application/vnd.vegalite.v6+json', 'text/html', 'text/plain']
    >>> bundle == book_chart_bundle({"mark": "point", "data": {"values": []}})
    True
    """
    spec_json = json.dumps(spec, sort_keys=True)
    element_id = "vega-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    html = (
        f'<div class="alexandra-vega" id="{element_id}" role="figure">'
        f'<p class="alexandra-vega-note">{LIVE_CHART_NOTE}</p></div>\n'
        "<script>\n"
        "(function () {\n"
        f"  const spec = {spec_json};\n"
        f'  const draw = () => alexandraChart(document.getElementById("{element_id}"), spec);\n'
        '  if (window.alexandraChart) { draw(); } else { window.addEventListener("load", draw); }\n'
        "})();\n"
        "</script>"
    )
    return {
        "application/vnd.vegalite.v6+json": spec,
        "text/html": html,
        "text/plain": "<Altair chart: interactive in the HTML book and in JupyterLab>",
    }


def jupyterlab_chart_bundle(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Render a Vega-Lite spec in a live notebook: JupyterLab's own renderer (Vega-Lite 5) draws it.

    >>> sorted(jupyterlab_chart_bundle({"mark": "point", "data": {"values": []}}))
    ['application/vnd.vegalite.v5+json', 'text/plain']
    """
    schema = "https://vega.github.io/schema/vega-lite/v5.json"
    return {
        "application/vnd.vegalite.v5+json": {**spec, "$schema": schema},
        "text/plain": "<Altair chart: interactive in the HTML book and in JupyterLab>",
    }


def table(frame: pd.DataFrame, digits: int = 2) -> Any:
    """A table as readers see it: thousands separators, ``digits`` decimals, headers in words, no row numbers.

    Returns a pandas ``Styler``; a notebook cell that ends with it shows the table.

    >>> styled = table(pd.DataFrame({"patients_randomised": [1101, 1098], "hazard_ratio": [1.1101, 1.0]}))
    >>> "1,101" in styled.to_html() and "patients randomised" in styled.to_html() and "1.11" in styled.to_html()
    True
    """
    shown = frame.rename(columns=lambda name: name.replace("_", " ") if isinstance(name, str) else name)
    styler = shown.style.format(precision=digits, thousands=",", na_rep="–")
    if isinstance(frame.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    return styler


def setup() -> None:
    """Apply the book's figure style and Altair renderer (call once per chapter).

    Charts are rendered for the HTML book when ``make book`` runs the chapter
    (:data:`BOOK_BUILD_VARIABLE`), else for JupyterLab. In Google Colab, which
    renders neither the Vega-Lite MIME type nor the book's local scripts,
    Altair's own Colab renderer is kept.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette=list(PALETTE.values()))
    # Opaque white figures stay readable when the book is switched to dark mode.
    mpl.rcParams.update(
        {
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "figure.figsize": (7.0, 4.2),
        }
    )
    renderer = book_chart_bundle if os.environ.get(BOOK_BUILD_VARIABLE) == "1" else jupyterlab_chart_bundle
    alt.renderers.register(RENDERER_NAME, renderer)
    alt.renderers.enable("colab" if "google.colab" in sys.modules else RENDERER_NAME)


class VegaLiteForJupyterLabOnly:
    """myst-nb plugin: the Vega-Lite MIME bundle of a chart is for JupyterLab only.

    The HTML book renders the chart's ``text/html`` part (see
    :func:`book_chart_bundle`); without this plugin myst-nb would warn about a
    MIME type it cannot render, which ``-W`` turns into a failed build.
    Registered in ``pyproject.toml`` under ``myst_nb.mime_renderers``.
    """

    mime_priority_overrides: list[tuple[str, str, int | None]] = []

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[Any] | None:
        if data.mime_type.startswith("application/vnd.vegalite."):
            return []
        return None


def kaplan_meier_figure(
    data: pd.DataFrame,
    until: float = 48.0,
    risk_every: float = 6.0,
    label: str = RECONSTRUCTED_LABEL,
    title: str | None = None,
    ylabel: str = "Invasive disease-free survival, %",
    zoom: tuple[float, float] | None = (70.0, 100.0),
) -> Figure:
    """A journal-style Kaplan–Meier figure of both arms, with the numbers at risk under it.

    Like the figures of clinical journals: survival in percent on a full 0–100
    axis (with an inset that zooms on ``zoom``), the curves stopped at
    ``until``, and a table of the patients at risk every ``risk_every`` months
    under the time axis, one row per arm, aligned with the ticks. Each arm has
    its colour from :data:`ARM_COLOURS` and its line style from
    :data:`ARM_LINESTYLES`. ``label`` is printed in a box on the figure: data
    that are not the trial's must say so on the figure itself.

    Parameters
    ----------
    data
        Patients: ``time`` (months), ``event`` (1 event, 0 censored) and
        ``arm``, whose values are keys of :data:`ARM_COLOURS`.
    until
        Where the curves and the table stop (months).
    risk_every
        Months between the columns of the numbers-at-risk table and the ticks.
    label
        Printed in a box on the plot; by default :data:`RECONSTRUCTED_LABEL`.
    title, ylabel
        Title of the figure (none by default) and label of the survival axis.
    zoom
        Survival range (percent) of the inset; None for no inset.

    Returns
    -------
    matplotlib.figure.Figure
        Its axes are labelled ``"survival"``, ``"zoom"`` (when drawn) and ``"at risk"``.

    Raises
    ------
    DataError
        For a missing column, an arm without a colour, or a bad ``until``,
        ``risk_every`` or ``zoom``.

    Examples
    --------
    >>> patients = pd.DataFrame({"time": [3, 8, 12, 20, 5, 9, 15, 30], "event": [1, 0, 1, 0, 1, 1, 0, 0],
    ...                          "arm": ["atezolizumab"] * 4 + ["chemotherapy"] * 4})
    >>> figure = kaplan_meier_figure(patients, until=24, risk_every=12)
    >>> [text.get_text() for text in figure.axes[-1].texts]
    ['4', '2', '0', '4', '2', '1']
    >>> plt.close(figure)
    """
    patients = _checked_km_data(data)
    if not (np.isfinite(until) and until > 0):
        raise DataError(f"kaplan_meier_figure(until): {until!r} must be a positive number of months")
    if not (np.isfinite(risk_every) and 0 < risk_every <= until):
        raise DataError(f"kaplan_meier_figure(risk_every): {risk_every!r} must be positive and at most until={until}")
    if zoom is not None and not 0 <= zoom[0] < zoom[1] <= 100:
        raise DataError(
            f"kaplan_meier_figure(zoom): {zoom!r} must be (low, high) percentages with 0 <= low < high <= 100"
        )
    arms = [arm for arm in ARM_COLOURS if arm in set(patients.arm)]
    risk_times = np.arange(0.0, until + risk_every * 1e-9, risk_every)

    figure, (axes, table) = plt.subplots(
        2, 1, figsize=(8.0, 6.2), sharex=True, gridspec_kw={"height_ratios": [4.0, 0.22 + 0.22 * len(arms)]}
    )
    axes.set_label("survival")
    table.set_label("at risk")
    zoomed = None
    if zoom is not None:
        zoomed = axes.inset_axes((0.5, 0.1, 0.47, 0.5))
        zoomed.set_label("zoom")
    for arm in arms:
        in_arm = patients[patients.arm == arm]
        time, percent = _km_steps(in_arm, until)
        style = {"color": ARM_COLOURS[arm], "linestyle": ARM_LINESTYLES[arm], "linewidth": 2, "where": "post"}
        axes.step(time, percent, label=ARM_LABELS[arm], **style)
        if zoomed is not None:
            zoomed.step(time, percent, **style)
    axes.set(xlim=(0, until), ylim=(0, 100), ylabel=ylabel, xticks=risk_times)
    axes.legend(loc="lower left", frameon=True, fontsize=9)
    axes.text(
        0.98,
        0.97,
        label,
        transform=axes.transAxes,
        ha="right",
        va="top",
        fontsize=10,
        fontweight="bold",
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": PALETTE["black"]},
    )
    if zoomed is not None:
        zoomed.set(xlim=(0, until), ylim=zoom, xticks=risk_times)
        zoomed.tick_params(labelsize=8)
    if title is not None:
        axes.set_title(title)

    # The numbers at risk: one row per arm, top row first, under the time ticks.
    for row, arm in enumerate(arms):
        in_arm = patients[patients.arm == arm]
        counts = survival.number_at_risk(in_arm.time, in_arm.event, risk_times)
        for when, count in zip(risk_times, counts, strict=True):
            table.text(when, -row, str(int(count)), ha="center", va="center", fontsize=9)
    table.set_ylim(-len(arms) + 0.5, 0.5)
    table.set_yticks(-np.arange(len(arms)), labels=[ARM_LABELS[arm] for arm in arms], fontsize=9)
    for tick, arm in zip(table.get_yticklabels(), arms, strict=True):
        tick.set_color(ARM_COLOURS[arm])
    table.set_title("No. at risk", loc="left", fontsize=9, fontweight="bold")
    table.set_xlabel("Months since randomisation")
    # Room between the row labels and the counts centred on time 0.
    table.tick_params(axis="both", length=0)
    table.tick_params(axis="y", pad=22)
    table.tick_params(axis="x", labelbottom=True)
    table.grid(False)
    for side in table.spines.values():
        side.set_visible(False)
    figure.tight_layout()
    return figure


def _checked_km_data(data: pd.DataFrame) -> pd.DataFrame:
    patients = checks.patients(data, "kaplan_meier_figure(data)")
    unknown = sorted(set(patients.arm) - set(ARM_COLOURS))
    if unknown:
        row = int(np.flatnonzero(patients.arm.to_numpy() == unknown[0])[0])
        raise DataError(
            f"kaplan_meier_figure(data), row {row}, column arm: {unknown[0]!r} has no colour; arms are {list(ARM_COLOURS)}"
        )
    return patients


def _km_steps(patients: pd.DataFrame, until: float) -> tuple[np.ndarray, np.ndarray]:
    """The corners of the Kaplan–Meier step curve in percent, from (0, 100) to ``until``."""
    curve = survival.kaplan_meier(patients.time, patients.event)
    shown = curve[curve.time <= until]
    # The curve is drawn only where patients are followed: to `until`, or to the last follow-up.
    end = min(until, float(patients.time.max()))
    time = np.concatenate(([0.0], shown.time.to_numpy(), [end]))
    percent = 100 * np.concatenate(
        ([1.0], shown.survival.to_numpy(), shown.survival.to_numpy()[-1:] if len(shown) else [1.0])
    )
    return time, percent
