"""The book's figure conventions and its offline Altair renderer."""

from __future__ import annotations

from types import SimpleNamespace

import altair as alt
import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from alexandra import plots
from alexandra.errors import DataError


def test_chart_bundle_is_deterministic_and_calls_the_books_chart_script() -> None:
    spec = {"mark": "line", "data": {"values": [{"x": 1, "y": 2}]}}
    first = plots.book_chart_bundle(spec)
    assert first == plots.book_chart_bundle(dict(spec))
    html = first["text/html"]
    assert 'class="alexandra-vega"' in html
    assert "alexandraChart(" in html  # book/_static/charts.js, served by the book
    assert "http" not in html  # nothing is loaded from outside the book
    assert first["application/vnd.vegalite.v6+json"] == spec


def test_different_charts_get_different_element_ids() -> None:
    one = plots.book_chart_bundle({"mark": "line"})["text/html"]
    two = plots.book_chart_bundle({"mark": "bar"})["text/html"]
    assert one.split('id="')[1][:17] != two.split('id="')[1][:17]


def chart_bundle() -> dict:
    bundle = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


def test_setup_renders_for_the_book_when_the_book_builds_and_white_figures(monkeypatch) -> None:
    monkeypatch.setenv(plots.BOOK_BUILD_VARIABLE, "1")
    plots.setup()
    assert alt.renderers.active == plots.RENDERER_NAME
    assert mpl.rcParams["savefig.facecolor"] == "white"
    html = chart_bundle()["text/html"]
    assert "alexandraChart" in html and plots.LIVE_CHART_NOTE in html  # the note JupyterLab shows before a run


def test_setup_renders_for_jupyterlab_in_a_live_notebook(monkeypatch) -> None:
    """JupyterLab prefers HTML to Vega-Lite and draws Vega-Lite 5: a live chart carries no HTML."""
    monkeypatch.delenv(plots.BOOK_BUILD_VARIABLE, raising=False)
    plots.setup()
    bundle = chart_bundle()
    assert "text/html" not in bundle
    assert bundle["application/vnd.vegalite.v5+json"]["$schema"].endswith("/v5.json")


def test_arm_colours_come_from_the_colour_blind_safe_palette() -> None:
    assert set(plots.ARM_COLOURS.values()) <= set(plots.PALETTE.values())
    assert set(plots.ARM_COLOURS) == set(plots.ARM_LINESTYLES) == set(plots.ARM_LABELS)


def test_mystnb_plugin_drops_only_the_vegalite_bundle() -> None:
    vegalite = SimpleNamespace(mime_type="application/vnd.vegalite.v6+json")
    html = SimpleNamespace(mime_type="text/html")
    assert plots.VegaLiteForJupyterLabOnly.handle_mime(None, vegalite, False) == []
    assert plots.VegaLiteForJupyterLabOnly.handle_mime(None, html, False) is None


# -- the journal-style Kaplan–Meier figure ------------------------------------------------------

#: Two small arms whose curves and numbers at risk are easy to work out by hand.
SMALL_TRIAL = pd.DataFrame(
    {
        "time": [2.0, 4.0, 4.0, 7.0, 10.0, 1.0, 3.0, 6.0, 8.0, 12.0],
        "event": [1, 1, 0, 0, 1, 0, 1, 1, 0, 0],
        "arm": ["atezolizumab"] * 5 + ["chemotherapy"] * 5,
    }
)


def axes_named(figure: object, name: str) -> object:
    found = [axes for axes in figure.axes if axes.get_label() == name]  # type: ignore[attr-defined]
    assert len(found) == 1, f"expected one axes labelled {name!r}"
    return found[0]


def test_km_figure_draws_each_arm_in_its_colour_and_style_up_to_until() -> None:
    figure = plots.kaplan_meier_figure(SMALL_TRIAL, until=6, risk_every=3)
    survival_axes = axes_named(figure, "survival")
    lines = {line.get_label(): line for line in survival_axes.get_lines()}
    for arm in ("atezolizumab", "chemotherapy"):
        line = lines[plots.ARM_LABELS[arm]]
        assert mpl.colors.same_color(line.get_color(), plots.ARM_COLOURS[arm])
        assert line.get_linestyle() == plots.ARM_LINESTYLES[arm]
        assert line.get_xdata()[-1] == 6  # stopped at `until`, not at the last follow-up
    # By hand: atezolizumab 5 at risk, one event at 2 (4/5), one of 4 at 4 (3/4): 60% after 4 months.
    atezolizumab = lines[plots.ARM_LABELS["atezolizumab"]]
    assert atezolizumab.get_ydata()[-1] == pytest.approx(60.0)
    # Chemotherapy: censored at 1; events at 3 (3/4) and 6 (2/3): 50% at 6 months.
    assert lines[plots.ARM_LABELS["chemotherapy"]].get_ydata()[-1] == pytest.approx(50.0)
    assert survival_axes.get_xlim() == (0.0, 6.0)
    plt.close(figure)


def test_km_figure_prints_the_numbers_at_risk_under_the_axis() -> None:
    figure = plots.kaplan_meier_figure(SMALL_TRIAL, until=9, risk_every=3)
    table = axes_named(figure, "at risk")
    cells = {(text.get_position()[0], text.get_position()[1]): text.get_text() for text in table.texts}
    # Follow-up >= t, by hand. Atezolizumab (row 0), times 2, 4, 4, 7, 10; chemotherapy 1, 3, 6, 8, 12.
    assert [cells[(t, 0)] for t in (0, 3, 6, 9)] == ["5", "4", "2", "1"]
    assert [cells[(t, -1)] for t in (0, 3, 6, 9)] == ["5", "4", "3", "1"]
    labels = [tick.get_text() for tick in table.get_yticklabels()]
    assert labels == [plots.ARM_LABELS["atezolizumab"], plots.ARM_LABELS["chemotherapy"]]
    plt.close(figure)


def test_km_figure_says_on_the_figure_that_the_data_are_reconstructed() -> None:
    figure = plots.kaplan_meier_figure(SMALL_TRIAL, until=9)
    texts = [text.get_text() for text in axes_named(figure, "survival").texts]
    assert plots.RECONSTRUCTED_LABEL in texts
    assert "not trial data" in plots.RECONSTRUCTED_LABEL
    plt.close(figure)
    custom = plots.kaplan_meier_figure(SMALL_TRIAL, until=9, label="Simulated — not trial data", zoom=None)
    assert [axes.get_label() for axes in custom.axes] == ["survival", "at risk"]
    assert "Simulated — not trial data" in [text.get_text() for text in custom.axes[0].texts]
    plt.close(custom)


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (SMALL_TRIAL.drop(columns="event"), {}, "missing column 'event'"),
        (SMALL_TRIAL.assign(arm="placebo"), {}, "row 0, column arm: 'placebo' has no colour"),
        (SMALL_TRIAL, {"until": 0}, "until"),
        (SMALL_TRIAL, {"until": 6, "risk_every": 12}, "risk_every"),
        (SMALL_TRIAL, {"zoom": (90, 80)}, "zoom"),
        (SMALL_TRIAL.assign(time=-1.0), {}, r"\(time\), row 0: -1.0 is negative"),
    ],
)
def test_km_figure_rejects_bad_input_by_name(data: pd.DataFrame, options: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        plots.kaplan_meier_figure(data, **options)
    plt.close("all")
