"""Serve every script the book needs from the book itself, so pages work offline.

A default Jupyter Book page loads MathJax, Vega/Vega-Lite/vega-embed (Altair
charts) and the ipywidgets manager from CDNs. This extension copies the same
files from the npm packages pinned in ``package.json`` (installed by ``make``
into ``node_modules/``) to ``_static/vendor/`` and points the pages at them:

* MathJax 3 for every page with math (``mathjax_path``);
* Vega, Vega-Lite and vega-embed only on pages that draw an Altair chart,
  loaded before anything else so that they define globals rather than AMD
  modules;
* no thebe (live code in the page), which is switched off and loads from a CDN.

ipywidgets are *not* embedded: in the static book they would be inert (no
kernel), so chapters show a client-side Altair widget there and keep
ipywidgets for live notebooks (``nb_ipywidgets_js`` is emptied here).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

#: Files copied to ``_static/vendor/<target>`` from ``node_modules/<source>``.
VENDORED: dict[str, str] = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
    "mathjax": "mathjax/es5",
}

#: Scripts an Altair chart needs, in load order.
VEGA_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")

#: Marker written by ``alexandra.plots.book_chart_bundle`` into each chart.
CHART_MARKER = 'class="alexandra-vega"'


def _node_modules(confdir: Path) -> Path:
    for folder in (confdir, *confdir.parents):
        candidate = folder / "node_modules"
        if candidate.is_dir():
            return candidate
    raise ExtensionError(
        "offline_assets: no node_modules/ found above "
        f"{confdir}; run `make book` (it runs `npm ci`) so the book can serve "
        "MathJax and Vega itself instead of loading them from the internet."
    )


def _stage_vendor_files(app: Sphinx, config: Config) -> None:
    """Copy the vendored files into a staging folder added to ``html_static_path``."""
    confdir = Path(app.confdir)
    source_root = _node_modules(confdir)
    # One staging folder per installed set of packages, so a version bump in
    # package.json never serves files staged from the previous versions.
    installed = source_root / ".package-lock.json"
    digest = hashlib.sha256(installed.read_bytes()).hexdigest()[:12] if installed.exists() else "unversioned"
    staging = Path(app.outdir).parent / f"offline-static-{digest}"
    vendor = staging / "vendor"
    for target, source in VENDORED.items():
        source_path = source_root / source
        if not source_path.exists():
            raise ExtensionError(
                f"offline_assets: {source_path} is missing; run `npm ci` "
                "(package.json pins the versions)."
            )
        destination = vendor / target
        if destination.exists():
            continue  # staged by an earlier build of these versions: keep rebuilds fast
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source_path.is_dir():
            shutil.copytree(source_path, destination)
        else:
            shutil.copy2(source_path, destination)
    config.html_static_path = [*config.html_static_path, str(staging)]
    config.mathjax_path = "vendor/mathjax/tex-mml-chtml.js"
    config.nb_ipywidgets_js = {}


def _page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load Vega only on pages that contain an Altair chart; drop thebe; default theme mode.

    Thebe (live code in the page) is switched off in ``_config.yml`` and would
    load from a CDN; sphinx-thebe still adds its configuration script, twice.
    """
    scripts = context.get("script_files", [])
    scripts[:] = [  # in place: Sphinx keeps adding to this very list
        script
        for script in scripts
        if "thebe" not in str(getattr(script, "filename", "") or "")
        and "THEBE_JS_URL" not in str(getattr(script, "attributes", {}).get("body", ""))
    ]
    # sphinx-book-theme never sets pydata's `default_mode`, and an empty mode
    # makes the theme log a console error on every first visit.
    context.setdefault("default_mode", "auto")
    if CHART_MARKER in context.get("body", ""):
        for order, script in enumerate(VEGA_SCRIPTS):
            app.add_js_file(script, priority=100 + order)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _stage_vendor_files, priority=900)
    app.connect("html-page-context", _page_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
