"""The book's figure conventions and its offline Altair renderer."""

from __future__ import annotations

from types import SimpleNamespace

import altair as alt
import matplotlib as mpl

from alexandra import plots


def test_chart_bundle_is_deterministic_and_calls_local_vega_embed() -> None:
    spec = {"mark": "line", "data": {"values": [{"x": 1, "y": 2}]}}
    first = plots.book_chart_bundle(spec)
    assert first == plots.book_chart_bundle(dict(spec))
    html = first["text/html"]
    assert 'class="alexandra-vega"' in html
    assert "vegaEmbed(" in html
    assert "http" not in html  # nothing is loaded from outside the book
    assert first["application/vnd.vegalite.v6+json"] == spec


def test_different_charts_get_different_element_ids() -> None:
    one = plots.book_chart_bundle({"mark": "line"})["text/html"]
    two = plots.book_chart_bundle({"mark": "bar"})["text/html"]
    assert one.split('id="')[1][:17] != two.split('id="')[1][:17]


def test_setup_enables_book_renderer_and_white_figures() -> None:
    plots.setup()
    assert alt.renderers.active == plots.RENDERER_NAME
    assert mpl.rcParams["savefig.facecolor"] == "white"
    bundle = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")._repr_mimebundle_()
    assert "text/html" in (bundle[0] if isinstance(bundle, tuple) else bundle)


def test_arm_colours_come_from_the_colour_blind_safe_palette() -> None:
    assert set(plots.ARM_COLOURS.values()) <= set(plots.PALETTE.values())
    assert set(plots.ARM_COLOURS) == set(plots.ARM_LINESTYLES) == set(plots.ARM_LABELS)


def test_mystnb_plugin_drops_only_the_vegalite_bundle() -> None:
    vegalite = SimpleNamespace(mime_type="application/vnd.vegalite.v6+json")
    html = SimpleNamespace(mime_type="text/html")
    assert plots.VegaLiteForJupyterLabOnly.handle_mime(None, vegalite, False) == []
    assert plots.VegaLiteForJupyterLabOnly.handle_mime(None, html, False) is None
