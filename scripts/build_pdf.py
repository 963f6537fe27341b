"""Print the built HTML book to one PDF, offline: ``make pdf`` → ``_build/pdf/book.pdf``.

Each page of ``_toc.yml`` is opened in Debian's headless Chromium (through
Playwright, from the local server of ``serve_book.py``), its formulas typeset and
its Altair charts drawn in their default state, then printed; pypdf joins the
pages in table-of-contents order with one bookmark per page. Under each chart a
line says that the interactive version is in the HTML book. A copy goes to
``_build/html/book.pdf``, where the intro page links to it.

Why Chromium and not LaTeX: the PDF then shows exactly what the HTML book shows —
the Vega-Lite charts (which a LaTeX build drops, being JavaScript output), the
self-check questions and the MathJax formulas with the book's macros — and it
needs nothing beyond the browser the tests already use.

    python scripts/build_pdf.py [--html _build/html] [--out _build/pdf/book.pdf]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from serve_book import start_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHART_NOTE = "Printed in its default state: the interactive chart, with its controls, is in the HTML book ({url})."

#: Run in each page before printing: a note under every chart, no chart action menus.
PREPARE = """note => {
  for (const chart of document.querySelectorAll('.alexandra-vega')) {
    const p = document.createElement('p');
    p.className = 'pdf-chart-note';
    p.textContent = note;
    p.style.cssText = 'font-style: italic; font-size: 0.85em; margin-top: 0.3em;';
    chart.after(p);
  }
  document.querySelectorAll('.vega-actions, details.vega-embed').forEach(el => el.remove());
  const style = document.createElement('style');
  style.textContent = `pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
    pre, div.highlight, div[class*=highlight-], div.cell, div.cell_input, div.output {
      break-inside: auto !important; overflow: visible !important; display: block !important; }
    figure, fieldset.self-check, div.admonition, table, .cell_output img { break-inside: avoid; }
    h1, h2, h3 { break-after: avoid; }`;
  document.head.append(style);
}"""


def toc_pages(root: Path = ROOT) -> list[str]:
    """The book's pages in reading order, as paths of their HTML files."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]] + [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [f"{file}.html" for file in files]


def print_pages(html: Path, out: Path) -> int:
    """Print every page of the book to ``out``; return the number of PDF pages."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS

    server = start_server(html)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    writer = PdfWriter()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        # Offline: anything not served by the local book server is refused at once.
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(base) or route.request.url.startswith(("data:", "blob:"))
                else route.abort()
            ),
        )
        for number, path in enumerate(toc_pages()):
            tick = time.perf_counter()
            page.goto(f"{base}/{path}", wait_until="networkidle", timeout=60_000)
            print(f"{path}: loaded in {time.perf_counter() - tick:.1f} s", flush=True)
            if page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                page.evaluate("() => MathJax.startup.promise")
            if page.locator(".alexandra-vega").count():
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.alexandra-vega')].every(d => d.querySelector('svg, canvas'))",
                    timeout=15_000,
                )
            page.evaluate(PREPARE, CHART_NOTE.format(url=path))
            title = page.title().split(" — ")[0].strip()
            part = Path(tmp) / f"{number:02d}.pdf"
            page.pdf(
                path=str(part),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
            )
            writer.append(PdfReader(part), outline_item=title)
        browser.close()
    server.shutdown()
    writer.add_metadata({"/Title": "Reading ALEXANDRA: an executable book on one negative trial"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    args = parser.parse_args()
    started = time.perf_counter()
    pages = print_pages(args.html, args.out)
    shutil.copyfile(args.out, args.html / "book.pdf")
    print(
        f"{args.out}: {pages} pages from {len(toc_pages())} HTML pages in {time.perf_counter() - started:.0f} s "
        f"(copied to {args.html / 'book.pdf'}, linked from the intro page)."
    )


if __name__ == "__main__":
    main()
