"""`make bench`: how long the book takes to build and test, how heavy its pages are, how fast the engine is.

Prints plain lines; targets on a 2-core machine: clean build <= 120 s, one-chapter
rebuild <= 15 s. Page weights are what a first visit transfers (gzip, as a static host
serves it): a text page (no chart, formula or figure) <= 500 KB, every page <= 1.5 MB.
Phone speed is Lighthouse's (npm ``lighthouse``, pinned in package.json) mobile preset on a few
pages served gzip-compressed: performance >= 90 on a text page and >= 75 on a chart page, total
blocking time <= 600 ms (simulated throttling: figures vary by a few points between runs).

    python benchmarks/run.py [--pages-only | --lighthouse-only] [--html _build/html] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD = [str(BIN / "jupyter-book"), "build", "-W", "-n", "--keep-going", "."]
sys.path.insert(0, str(ROOT / "scripts"))


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def page_sizes(html: Path) -> dict[str, int]:
    """Bytes each page transfers on a first visit (HTML, scripts, styles, fonts, images)."""
    from playwright.sync_api import sync_playwright

    from browser import FIRST_VISIT_BYTES, book_pages, launch, wait_until_drawn
    from serve_book import start_server

    server = start_server(html)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for path in book_pages(html):
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            page.goto(f"{base}/{path}", wait_until="load")
            wait_until_drawn(page)
            sizes[path] = page.evaluate(FIRST_VISIT_BYTES)
            context.close()
        browser.close()
    server.shutdown()
    return sizes


def print_page_sizes(html: Path) -> None:
    from browser import TEXT_PAGE_BUDGET, page_budget

    sizes = page_sizes(html)
    largest = max(sizes, key=sizes.__getitem__)
    print(f"largest page: {largest} {sizes[largest] / 1e6:.2f} MB transferred on a first visit (gzip)")
    for path, size in sorted(sizes.items(), key=lambda item: -item[1]):
        budget = page_budget((html / path).read_text(encoding="utf-8"))
        text = budget == TEXT_PAGE_BUDGET
        verdict = "ok" if size <= budget else "OVER BUDGET"
        print(f"  {path}: {size / 1e3:.0f} KB ({'text page, ' if text else ''}budget {budget / 1e3:.0f} KB: {verdict})")


#: The pages Lighthouse measures: two text pages, then chapters with formulas, figures and charts.
LIGHTHOUSE_PAGES = (
    "book/intro.html",
    "book/appendix/glossary.html",
    "book/02-design.html",
    "book/05-reconstruction.html",
    "book/06-uncertainty.html",
)
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
#: Lighthouse's audit ids of the figures printed, with their labels and units.
LIGHTHOUSE_AUDITS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}


def lighthouse(url: str) -> dict[str, float]:
    """One Lighthouse run (mobile preset, performance only) on ``url``: the score and the figures."""
    from browser import CHROMIUM, CHROMIUM_ARGS

    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json", "--output-path=stdout"]
    command += ["--quiet", f"--chrome-flags={flags}"]
    result = subprocess.run(
        command, cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}
    )
    report = json.loads(result.stdout)
    figures = {"performance": 100 * report["categories"]["performance"]["score"]}
    for audit, label in LIGHTHOUSE_AUDITS.items():
        figures[label] = report["audits"][audit]["numericValue"]
    return figures


def print_lighthouse(html: Path, runs: int) -> None:
    """Lighthouse's mobile figures per page (the median of ``runs`` runs), the book served gzip-compressed."""
    from serve_book import start_server

    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` (package.json pins lighthouse).")
    server = start_server(html)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Lighthouse, mobile (median of {runs}; targets: performance >= 90 on a text page, >= 75 with charts;")
    print("TBT <= 600 ms):")
    try:
        for path in LIGHTHOUSE_PAGES:
            if not (html / path).exists():
                print(f"  {path}: not built")
                continue
            measured = [lighthouse(f"{base}/{path}") for _ in range(runs)]
            median = {key: statistics.median(run[key] for run in measured) for key in measured[0]}
            print(
                f"  {path}: performance {median['performance']:.0f}, FCP {median['FCP'] / 1000:.1f} s, "
                f"LCP {median['LCP'] / 1000:.1f} s, TBT {median['TBT']:.0f} ms, CLS {median['CLS']:.3f}"
            )
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-only", action="store_true", help="only measure the page weights of a built book")
    parser.add_argument("--lighthouse-only", action="store_true", help="only run Lighthouse on a built book")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book to measure")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is printed)")
    args = parser.parse_args()
    if args.pages_only:
        print_page_sizes(args.html)
        return
    if args.lighthouse_only:
        print_lighthouse(args.html, args.runs)
        return
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    print(f"clean build (executes every chapter): {timed(BUILD + ['--all']):.1f} s")
    chapter = ROOT / "book" / "02-design.ipynb"
    chapter.touch()
    print(f"rebuild after touching {chapter.name}: {timed(BUILD):.1f} s")
    print_page_sizes(args.html)
    print_lighthouse(args.html, args.runs)
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        subprocess.run([sys.executable, str(script)], cwd=ROOT, check=True)
    # How far each regenerated number moves when exp/log/pow move in their last bits (the tests' tolerances).
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "conditioning.py")], cwd=ROOT, check=True)
    shutil.rmtree(ROOT / ".mypy_cache", ignore_errors=True)  # make check with a cold type-check cache
    print(f"make check, cold mypy cache (lint, types, unit tests; target <= 45 s): {timed(['make', 'check']):.1f} s")
    print(f"make test (check, a book build from the cache, the rest; target <= 360 s): {timed(['make', 'test']):.1f} s")
    print("a fresh clone's CI run: `CI=true bash .ci/run` in a new clone (installs included; target <= 600 s)")


if __name__ == "__main__":
    main()
