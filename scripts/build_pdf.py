"""Print the built HTML book to one PDF, offline: ``make pdf`` → ``_build/pdf/book.pdf``.

Each page of ``_toc.yml`` is opened in Debian's headless Chromium (through
Playwright, from the local server of ``serve_book.py``), its formulas typeset and
its Altair charts drawn in their default state, then printed with the print
stylesheet of ``book/_static`` (no code toggles, no controls, self-check answers
printed under each question); pypdf joins the pages in table-of-contents order
with one bookmark per page. Under each chart a line says that the interactive
version is in the HTML book. A copy goes to ``_build/html/book.pdf``, where the
intro page links to it.

Links: Chromium prints a link to another page of the book as a link to the
temporary server. Every such link is turned into a link inside the PDF (to the
section it names, or to the top of its page); a link to something the PDF does not
contain (the search page, a notebook download) is left as plain text. External
links (https, DOI) are kept. Page numbers ("12 / 180") are printed by Chromium on
a transparent page laid over each page, because each HTML page is printed alone.

Why Chromium and not LaTeX: the PDF then shows exactly what the HTML book shows —
the Vega-Lite charts (which a LaTeX build drops, being JavaScript output), the
self-check questions and the MathJax formulas with the book's macros — and it
needs nothing beyond the browser the tests already use.

    python scripts/build_pdf.py [--html _build/html] [--out _build/pdf/book.pdf]
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from browser import draw_all_charts, launch, load_all_figures, only_local  # noqa: E402
from serve_book import start_server  # noqa: E402

CHART_NOTE = "Printed in its default state: the interactive chart, with its controls, is in the HTML book ({url})."
MARGIN = {"top": "15mm", "bottom": "17mm", "left": "12mm", "right": "12mm"}
#: The footer laid over page ``number`` of ``total``.
FOOTER = "{number} / {total}"
HREF = re.compile(r'href="([^"]+)"')

#: Run in each page before printing: a note under every chart, no chart action menus, every link to
#: the book made absolute (so that Chromium prints it as a link the joining step can point inside the
#: PDF), and a hidden same-page link to each section other pages link to (so that Chromium records
#: where it was printed, as a named destination).
PREPARE = """([note, targets]) => {
  for (const chart of document.querySelectorAll('.alexandra-vega')) {
    const p = document.createElement('p');
    p.className = 'pdf-chart-note';
    p.textContent = note;
    p.style.cssText = 'font-style: italic; font-size: 0.85em; margin-top: 0.3em;';
    chart.after(p);
  }
  document.querySelectorAll('.vega-actions, details.vega-embed').forEach(el => el.remove());
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.origin === location.origin) { url.search = '?pdf'; a.setAttribute('href', url.href); }
  }
  const hidden = document.createElement('nav');
  hidden.hidden = true;
  for (const id of targets) {
    if (!document.getElementById(id)) continue;
    const a = document.createElement('a');
    a.href = '#' + id;
    hidden.append(a);
  }
  document.body.append(hidden);
  const style = document.createElement('style');
  style.textContent = `pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
    pre, div.highlight, div[class*=highlight-], div.cell, div.cell_input, div.output {
      break-inside: auto !important; overflow: visible !important; display: block !important; }
    figure, fieldset.self-check, .cell_output img { break-inside: avoid; }
    h1, h2, h3 { break-after: avoid; }`;
  document.head.append(style);
}"""


def toc_pages(root: Path = ROOT) -> list[str]:
    """The book's pages in reading order, as paths of their HTML files."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]] + [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [f"{file}.html" for file in files]


def link_targets(html: Path, pages: list[str]) -> dict[str, set[str]]:
    """For each page, the ids (sections, figures, terms) that some page of the book links to."""
    targets: dict[str, set[str]] = {page: set() for page in pages}
    for page in pages:
        for href in HREF.findall((html / page).read_text(encoding="utf-8")):
            url, fragment = urldefrag(unescape(href))
            if "://" in url or url.startswith(("mailto:", "data:")) or not fragment:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), url)) if url else page
            if target in targets:
                targets[target].add(fragment)
    return targets


def _destinations(reader: PdfReader, offset: int) -> dict[str, tuple[int, float]]:
    """The named destinations Chromium wrote into one printed page: name -> (page in the book, top)."""
    found = {}
    for name, destination in reader.named_destinations.items():
        top = destination.top if destination.top is not None else 842.0
        found[str(name)] = (offset + reader.get_destination_page_number(destination), float(top))
    return found


def _go_to(writer: PdfWriter, page: int, top: float) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject(
                [
                    writer.pages[page].indirect_reference,
                    NameObject("/XYZ"),
                    NullObject(),
                    FloatObject(top),
                    NullObject(),
                ]
            ),
        }
    )


def relink(
    writer: PdfWriter, base: str, starts: dict[str, int], places: dict[tuple[str, str], tuple[int, float]]
) -> dict[str, int]:
    """Point every link to the local server inside the PDF, or drop it (its text stays); count what was done."""
    done = {"internal": 0, "dropped": 0, "external": 0}
    for page in writer.pages:
        annotations = page.get("/Annots")
        if not annotations:
            continue
        kept = ArrayObject()
        for reference in annotations.get_object():
            annotation = reference.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if annotation.get("/Subtype") != "/Link" or not uri.startswith(base):
                kept.append(reference)
                done["external"] += bool(uri)
                continue
            url, fragment = urldefrag(uri[len(base) :].lstrip("/"))
            path = url.split("?")[0] or "index.html"
            place = places.get((path, fragment))
            if place is None and path in starts:
                place = (starts[path], 842.0)
            if place is None:
                done["dropped"] += 1
                continue
            annotation[NameObject("/A")] = _go_to(writer, *place)
            kept.append(reference)
            done["internal"] += 1
        page[NameObject("/Annots")] = kept
    return done


def number_pages(writer: PdfWriter, browser_page: Any, folder: Path) -> None:
    """Lay a footer with the page number over every page (Chromium prints the numbers)."""
    total = len(writer.pages)
    sheets = "".join(
        f'<div class="sheet"><span>{FOOTER.format(number=number, total=total)}</span></div>'
        for number in range(1, total + 1)
    )
    browser_page.set_content(
        "<style>@page { size: A4; margin: 0 } body { margin: 0 }"
        " .sheet { height: 296.5mm; position: relative; break-after: page; }"
        " .sheet span { position: absolute; bottom: 7mm; width: 100%; text-align: center;"
        " font: 9pt sans-serif; color: #555; }</style>" + sheets
    )
    overlay_file = folder / "numbers.pdf"
    browser_page.pdf(path=str(overlay_file), format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
    overlay = PdfReader(overlay_file)
    if len(overlay.pages) != total:
        raise SystemExit(f"page numbers: {len(overlay.pages)} footer pages printed for {total} pages")
    for page, footer in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(footer)


def print_pages(html: Path, out: Path) -> int:
    """Print every page of the book to ``out``; return the number of PDF pages."""
    from playwright.sync_api import sync_playwright

    server = start_server(html)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    writer = PdfWriter()
    pages = toc_pages()
    targets = link_targets(html, pages)
    starts: dict[str, int] = {}
    places: dict[tuple[str, str], tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        only_local(page, base)  # offline: anything not served by the local book server is refused at once
        for number, path in enumerate(pages):
            tick = time.perf_counter()
            page.goto(f"{base}/{path}", wait_until="networkidle", timeout=60_000)
            print(f"{path}: loaded in {time.perf_counter() - tick:.1f} s", flush=True)
            if page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                page.evaluate("() => MathJax.startup.promise")
            if page.locator(".alexandra-vega").count():
                draw_all_charts(page)  # a page draws a chart only when it comes near the screen
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.alexandra-vega')].every(d => d.querySelector('svg, canvas'))",
                    timeout=15_000,
                )
            load_all_figures(page)  # figures load lazily (as the reader scrolls): all of them, before printing
            page.evaluate(PREPARE, [CHART_NOTE.format(url=path), sorted(targets[path])])
            title = page.title().split(" — ")[0].strip()
            part = Path(tmp) / f"{number:02d}.pdf"
            page.pdf(path=str(part), format="A4", print_background=True, margin=MARGIN)
            reader = PdfReader(part)
            starts[path] = len(writer.pages)
            places.update({(path, name): place for name, place in _destinations(reader, starts[path]).items()})
            writer.append(reader, outline_item=title, import_outline=False)
        links = relink(writer, base, starts, places)
        number_pages(writer, page, Path(tmp))
        browser.close()
    server.shutdown()
    print(
        f"links: {links['internal']} inside the PDF, {links['external']} external, "
        f"{links['dropped']} to pages the PDF does not contain left as text"
    )
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
