"""`make dist`: the built HTML book as one zip that works opened from disk (file://).

Everything a page needs is already inside the build (MathJax, Vega, fonts, the search
index: see _ext/offline_assets.py), so the zip is the build folder under one top folder,
``alexandra-book/``; a reader unzips it and opens ``alexandra-book/index.html``.

One addition: Sphinx's search shows an excerpt of each result by fetching the result's page,
which a browser refuses for file:// URLs. The zip's ``search.html`` therefore loads
``_static/search-pages.js``: the text of every page's main content (no scripts, styles or
drawings), handed to the search instead of a fetch when the book is opened from disk.

    python scripts/make_dist.py [--html _build/html] [--out _build/dist/alexandra-book.zip]
"""

from __future__ import annotations

import argparse
import json
import re
import zipfile
from pathlib import Path

TOP_FOLDER = "alexandra-book"
#: Build bookkeeping a reader does not need.
LEFT_OUT = (".buildinfo",)


SEARCH_PAGES = "_static/search-pages.js"
#: The theme preloads its icon fonts in CORS mode, which a browser refuses for file:// pages (an error
#: on every page); the stylesheet loads the same fonts without it.
FONT_PRELOAD = re.compile(r'<link rel="preload" as="font"[^>]*>\s*')
MAIN = re.compile(r'<main[^>]*role="main"[^>]*>(.*?)</main>', re.S)
DROPPED = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)
#: Hands the search the pages' text when it cannot fetch them (file://); any other request is a fetch.
SEARCH_SHIM = """
(() => {
  const pages = window.ALEXANDRA_SEARCH_PAGES, root = new URL(".", location.href).href, fetchUrl = window.fetch;
  window.fetch = (resource, options) => {
    const url = new URL(String(resource), location.href);
    const key = url.href.split("#")[0].split("?")[0].slice(root.length);
    if (url.protocol === "file:" && key in pages) {
      return Promise.resolve(new Response(pages[key], { headers: { "Content-Type": "text/html" } }));
    }
    return fetchUrl(resource, options);
  };
})();
"""


def search_pages(html: Path) -> str:
    """``search-pages.js``: every page's main content, for search excerpts from disk."""
    pages = {}
    for path in sorted(html.rglob("*.html")):
        name = path.relative_to(html).as_posix()
        found = MAIN.search(path.read_text(encoding="utf-8"))
        if found and not name.startswith("_"):
            pages[name] = '<div role="main">' + DROPPED.sub("", found.group(1)) + "</div>"
    return "window.ALEXANDRA_SEARCH_PAGES = " + json.dumps(pages, separators=(",", ":")) + ";\n" + SEARCH_SHIM


def make_zip(html: Path, out: Path) -> Path:
    """Write ``out``: every file of the built book ``html`` under ``alexandra-book/``."""
    if not (html / "index.html").is_file():
        raise SystemExit(f"{html}/index.html not found: build the book first with `make book`.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(html.rglob("*")):
            name = path.relative_to(html).as_posix()
            if path.is_file() and path.name not in LEFT_OUT:
                if path.suffix == ".html":
                    page = FONT_PRELOAD.sub("", path.read_text(encoding="utf-8"))
                    if name == "search.html":
                        loader = f'<script src="{SEARCH_PAGES}"></script>\n  <script src="_static/searchtools.js">'
                        page = page.replace('<script src="_static/searchtools.js">', loader)
                    archive.writestr(f"{TOP_FOLDER}/{name}", page)
                else:
                    archive.write(path, f"{TOP_FOLDER}/{name}")
        archive.writestr(f"{TOP_FOLDER}/{SEARCH_PAGES}", search_pages(html))
    partial.replace(out)  # never leave a half-written zip under the final name
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=Path("_build/html"))
    parser.add_argument("--out", type=Path, default=Path("_build/dist/alexandra-book.zip"))
    args = parser.parse_args()
    out = make_zip(args.html, args.out)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB; unzip it and open {TOP_FOLDER}/index.html")


if __name__ == "__main__":
    main()
