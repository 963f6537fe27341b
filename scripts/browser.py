"""What the PDF build, the benchmarks and the browser tests share about driving Chromium offline.

Production scripts (``build_pdf.py``, ``benchmarks/run.py``) import from here; the tests do too,
so that no production code imports a test module.

* ``CHROMIUM`` and ``CHROMIUM_ARGS``: Debian's Chromium and the flags that keep it from phoning home;
* ``launch(playwright)``: that browser;
* ``only_local(page, base, record)``: refuse every request that is not to ``base`` (or data:/blob:);
* ``wait_until_drawn(page)``: formulas typeset and every chart drawn and fitted (``draw_all_charts``:
  a page draws a chart only when it comes near the screen, see ``book/_static/charts.js``);
* ``load_all_figures(page)``: every figure loaded, the lazily loaded ones too (before printing);
* ``book_pages(html)`` and the page-weight budget of a first visit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Flags that keep Chromium from phoning home on a closed network (see the env notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: What a first visit may transfer (gzip, as a static host serves it; `make bench` prints it):
#: a text page — no chart, formula or figure — at most 500 KB, any page at most 1.5 MB.
TEXT_PAGE_BUDGET = 500_000
PAGE_BUDGET = 1_500_000
HEAVY_CONTENT = re.compile(r'class="alexandra-vega"|class="math|<img ')
FIRST_VISIT_BYTES = (
    "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
    ".reduce((total, entry) => total + entry.transferSize, 0)"
)


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with the offline flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def only_local(page: Any, base: str, record: Callable[[str], object] | None = None) -> None:
    """Let ``page`` reach only the server at ``base`` (and data:/blob: URLs); refuse the rest at once."""
    local_host = urlparse(base).netloc

    def route(route: Any) -> None:
        parsed = urlparse(route.request.url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == local_host:
            route.continue_()
        else:
            if record is not None:
                record(route.request.url)
            route.abort()

    page.route("**/*", route)


def book_pages(html_root: Path) -> list[str]:
    """Every HTML page of the built book (not the theme's ``_static``/``_sources`` files), sorted."""
    pages = sorted(p.relative_to(html_root).as_posix() for p in html_root.rglob("*.html"))
    return [p for p in pages if not p.startswith("_")]


def page_budget(html: str) -> int:
    """The page's budget in bytes, from its HTML."""
    return PAGE_BUDGET if HEAVY_CONTENT.search(html) else TEXT_PAGE_BUDGET


#: Draws every chart of the page now, whether or not it is near the screen (charts.js draws a chart
#: when it comes near); resolves once they are drawn.
DRAW_ALL_CHARTS = "() => window.alexandraCharts.drawAll()"


def draw_all_charts(page: Any, timeout: int = 15_000) -> None:
    """Have the page draw every chart, as before printing (charts.js registers them at ``load``)."""
    page.wait_for_function("() => document.readyState === 'complete' && window.alexandraCharts", timeout=timeout)
    page.evaluate(DRAW_ALL_CHARTS)


#: Loads every figure now, the lazily loaded ones too (``_ext/page_speed.py`` marks them ``loading="lazy"``:
#: a browser fetches them as the reader scrolls near), and resolves once all are decoded.
LOAD_ALL_FIGURES = """async () => {
  const images = [...document.images];
  images.forEach((image) => { image.loading = "eager"; });
  await Promise.all(images.map((image) => image.decode().catch(() => null)));
}"""


def load_all_figures(page: Any) -> None:
    """Have the page load every figure, as before printing (a lazy figure below the first screen is not yet there)."""
    page.evaluate(LOAD_ALL_FIGURES)


def wait_until_drawn(page: Any, timeout: int = 15_000) -> None:
    """Until the page is quiet, its formulas typeset (fonts loaded) and its charts drawn and fitted."""
    page.wait_for_load_state("networkidle")
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    if page.locator(".alexandra-vega").count():
        draw_all_charts(page, timeout)
        # charts.js marks a chart with the width it was fitted to once it is drawn.
        page.wait_for_function(
            "() => [...document.querySelectorAll('.alexandra-vega')]"
            ".every(div => div.dataset.drawnWidth && div.querySelector('svg, canvas'))",
            timeout=timeout,
        )
    page.wait_for_load_state("networkidle")  # MathJax loads its fonts once it has typeset
