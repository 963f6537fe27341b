"""What the reader sees: one palette, one figure style, Altair charts that work offline.

Every chapter calls :func:`setup` once. It sets a seaborn theme with the
colour-blind-safe Okabe–Ito palette and makes Altair charts render in both
places the book is read:

* in the **HTML book**, with no kernel and no network, a chart is a ``<div>``
  plus a few lines of JavaScript calling ``vegaEmbed``; the page itself serves
  Vega, Vega-Lite and vega-embed from ``_static/vendor`` (see
  ``_ext/offline_assets.py``);
* in **JupyterLab** (and Binder), the same output also carries the Vega-Lite
  MIME bundle, which JupyterLab renders natively.

>>> from alexandra import plots
>>> plots.ARM_COLOURS["atezolizumab"] != plots.ARM_COLOURS["chemotherapy"]
True
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import altair as alt
import matplotlib as mpl
import seaborn as sns

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


def book_chart_bundle(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Render a Vega-Lite spec for both the offline HTML book and JupyterLab.

    The ``text/html`` part expects ``vegaEmbed`` to be loaded by the page (the
    book's Sphinx extension does that); the element id is derived from the
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
        f'<div class="alexandra-vega" id="{element_id}" role="figure"></div>\n'
        "<script>\n"
        "(function () {\n"
        f"  const spec = {spec_json};\n"
        f'  const draw = () => vegaEmbed("#{element_id}", spec, {{"actions": false}});\n'
        '  if (window.vegaEmbed) { draw(); } else { window.addEventListener("load", draw); }\n'
        "})();\n"
        "</script>"
    )
    return {
        "application/vnd.vegalite.v6+json": spec,
        "text/html": html,
        "text/plain": "<Altair chart: interactive in the HTML book and in JupyterLab>",
    }


def setup() -> None:
    """Apply the book's figure style and Altair renderer (call once per chapter).

    In Google Colab, which renders neither the Vega-Lite MIME type nor the
    book's local scripts, Altair's own Colab renderer is kept.
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
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, book_chart_bundle)
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
