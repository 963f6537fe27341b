"""Serve every script the book needs from the book itself, so pages work offline.

A default Jupyter Book page loads MathJax, Vega/Vega-Lite/vega-embed (Altair
charts) and the ipywidgets manager from CDNs. This extension copies the same
files from the npm packages pinned in ``package.json`` (installed by ``make``
into ``node_modules/``) to ``_static/vendor/`` and points the pages at them:

* MathJax 3 only on pages with math, and only the
  components the book uses: TeX input with the AMS and macro packages,
  HTML-CSS output and the assistive MathML for screen readers (no menu, no
  speech engine: about half the size of the combined ``tex-mml-chtml.js``),
  and only their files are copied (``MATHJAX_FILES``: 1 of MathJax's 24 MB);
  the book's macros are in ``_config.yml`` (``mathjax3_config``); ``mathjax-steps.js`` has MathJax
  typeset them a few at a time (no long task on a phone);
* the book's ``charts.js`` (which fits each chart to the width of the page)
  only on pages that draw an Altair chart, deferred (it never holds up the
  first paint); it loads Vega, Vega-Lite and vega-embed (830 KB) itself
  when the first chart comes near the screen, and draws each chart only
  when it comes near (a phone compiles no chart the reader never reaches);
* every other script file of the theme and the extensions deferred (``defer``: fetched
  beside the page, run once it is parsed, in their order), so that the first paint waits
  only for the styles and ``documentation_options.js`` (the pages' inline scripts read it);
* on the search page, ``search-math.js``: the excerpts of the results show formulas as plain
  text ("α", "z_(1−α/2)"), not as the TeX source MathJax typesets on the pages themselves;
* no thebe (live code in the page), which is switched off and loads from a CDN;
* no ``fontawesome.js``: the theme's stylesheet already draws every icon
  with the Font Awesome web fonts, so the 1.6 MB script (with every icon of
  Font Awesome in it) only duplicated them as SVG.

ipywidgets are *not* embedded: in the static book they would be inert (no
kernel), so chapters show a client-side Altair widget there and keep
ipywidgets for live notebooks (``nb_ipywidgets_js`` is emptied here).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

#: The files of MathJax that the components below load (and the fonts they may ask for):
#: the 24 MB package minus what the book never loads.
MATHJAX_FILES = (
    "startup.js",
    "core.js",
    "input/tex-base.js",
    "input/tex/extensions/ams.js",
    "input/tex/extensions/configmacros.js",
    "input/tex/extensions/newcommand.js",  # needed by configmacros
    "input/tex/extensions/noundefined.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "output/chtml/fonts/woff-v2",
    "a11y/assistive-mml.js",
)

#: Files copied to ``_static/vendor/<target>`` from ``node_modules/<source>``.
VENDORED: dict[str, str] = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
    **{f"mathjax/{name}": f"mathjax/es5/{name}" for name in MATHJAX_FILES},
}

#: The script a page with an Altair chart loads (book/_static/charts.js); it loads the vendored
#: Vega files above (``VEGA_FILES`` in charts.js) on demand.
CHARTS_SCRIPT = "charts.js"

#: The MathJax components the book's formulas need, loaded by MathJax's own startup/loader.
MATHJAX_COMPONENTS = (
    "input/tex-base",
    "[tex]/ams",
    "[tex]/configmacros",
    "[tex]/noundefined",
    "output/chtml",
    "a11y/assistive-mml",
)
MATHJAX_TEX_PACKAGES = ["ams", "configmacros", "noundefined"]

#: Typesets a page's formulas a few at a time (book/_static/mathjax-steps.js), so that a phone never waits
#: for all of them in one task.
MATHJAX_STEPS_SCRIPT = "mathjax-steps.js"

#: The search page's script that writes the formulas of the search results' excerpts as plain text
#: (book/_static/search-math.js).
SEARCH_SCRIPT = "search-math.js"

#: Scripts left render-blocking: inline scripts of every page read ``DOCUMENTATION_OPTIONS`` at once.
BLOCKING_SCRIPTS = ("documentation_options.js",)

#: Theme scripts the book does not need (see the module docstring).
DROPPED_SCRIPTS = ("thebe",)

#: The theme's template writes this tag into every page itself (not through Sphinx's script
#: list), so it is taken out of the written pages at the end of the build.
#: pydata-sphinx-theme 0.17 names it scripts/fontawesome.js, 0.15 vendor/fontawesome/<version>/js/all.min.js.
FONTAWESOME_TAG = re.compile(
    r'\s*<script (?:defer )?src="[^"]*_static/(?:scripts/fontawesome\.js|vendor/fontawesome/[^"/]+/js/all\.min\.js)'
    r'[^"]*"></script>'
)
FONTAWESOME_SCRIPT = re.compile(r"scripts/fontawesome\.js|vendor/fontawesome/[^\"/]+/js/all\.min\.js")

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
    # One staging folder per installed set of packages and list of files, so a version bump in
    # package.json or a change of VENDORED never serves files staged for the previous ones.
    installed = source_root / ".package-lock.json"
    versions = installed.read_bytes() if installed.exists() else b"unversioned"
    digest = hashlib.sha256(versions + repr(sorted(VENDORED.items())).encode()).hexdigest()[:12]
    staging = Path(app.outdir).parent / f"offline-static-{digest}"
    vendor = staging / "vendor"
    for target, source in VENDORED.items():
        source_path = source_root / source
        if not source_path.exists():
            raise ExtensionError(
                f"offline_assets: {source_path} is missing; run `npm ci` (package.json pins the versions)."
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
    config.mathjax_path = "vendor/mathjax/startup.js"
    mathjax = dict(config.mathjax3_config or {})
    mathjax["loader"] = {**mathjax.get("loader", {}), "load": list(MATHJAX_COMPONENTS)}
    mathjax["tex"] = {**mathjax.get("tex", {}), "packages": {"[+]": MATHJAX_TEX_PACKAGES}}
    config.mathjax3_config = mathjax
    config.nb_ipywidgets_js = {}


def _page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Load Vega only on pages that contain an Altair chart; MathJax only where there is math; drop thebe.

    Thebe (live code in the page) is switched off in ``_config.yml`` and would
    load from a CDN; sphinx-thebe still adds its configuration script, twice.
    Sphinx loads MathJax on a page whose toctree *includes* a page with math
    (the front page includes every chapter): it is dropped where the page
    itself has none. Runs after ``sphinx.ext.mathjax`` (see :func:`setup`).
    """
    body = context.get("body", "")
    dropped = [*DROPPED_SCRIPTS, *(() if 'class="math' in body else ("mathjax", "window.MathJax"))]
    scripts = context.get("script_files", [])
    scripts[:] = [  # in place: Sphinx keeps adding to this very list
        script
        for script in scripts
        if not any(
            name in str(getattr(script, "filename", "") or "")
            or name in str(getattr(script, "attributes", {}).get("body", ""))
            for name in dropped
        )
        and "THEBE_JS_URL" not in str(getattr(script, "attributes", {}).get("body", ""))
    ]
    # sphinx-book-theme never sets pydata's `default_mode`, and an empty mode
    # makes the theme log a console error on every first visit.
    context.setdefault("default_mode", "auto")
    if CHART_MARKER in context.get("body", ""):
        app.add_js_file(CHARTS_SCRIPT, priority=100, loading_method="defer")
    if "mathjax" not in dropped:  # deferred, before MathJax's startup.js (priority 500)
        app.add_js_file(MATHJAX_STEPS_SCRIPT, priority=499, loading_method="defer")
    if pagename == "search":  # before searchtools.js, which the search page's template adds after these
        app.add_js_file(SEARCH_SCRIPT, priority=900)
    if pagename != "search":  # the search page's inline scripts call doctools.js (``_ready``) at once
        scripts[:] = [_deferred(script) for script in scripts]


def _deferred(script: Any) -> Any:
    """The same script file with ``defer`` (see the module docstring); inline scripts as they are."""
    filename = str(getattr(script, "filename", "") or "")
    attributes = dict(getattr(script, "attributes", {}))
    if (
        not filename
        or "://" in filename
        or filename.endswith(BLOCKING_SCRIPTS)
        or {"defer", "async", "body"} & attributes.keys()
    ):
        return script
    return type(script)(filename, priority=script.priority, **attributes, defer="defer")


def _drop_fontawesome_script(app: Sphinx, exception: Exception | None) -> None:
    """Take the theme's ``fontawesome.js`` out of every written page (see the module docstring)."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter, count = FONTAWESOME_TAG.subn("", text)
        if FONTAWESOME_SCRIPT.search(lighter):
            raise ExtensionError(f"offline_assets: {page} loads fontawesome.js in a form FONTAWESOME_TAG misses.")
        if count:
            page.write_text(lighter, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _stage_vendor_files, priority=900)
    app.connect("html-page-context", _page_scripts, priority=600)  # after sphinx.ext.mathjax (500)
    app.connect("build-finished", _drop_fontawesome_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
