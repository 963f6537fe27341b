"""`make bench`: how long the book takes to build and test, how heavy its pages are, how fast the engine is.

Prints plain lines; targets on a 2-core machine: clean build <= 120 s, one-chapter
rebuild <= 15 s, every page < 3 MB transferred (gzip, as a static host serves it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD = [str(BIN / "jupyter-book"), "build", "-W", "-n", "--keep-going", "."]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def page_sizes() -> dict[str, int]:
    """Bytes each page transfers on a first visit (HTML, scripts, styles, fonts, images)."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from test_browser import book_pages
    from serve_book import start_server

    html = ROOT / "_build" / "html"
    server = start_server(html)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in book_pages():
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            page.goto(f"{base}/{path}", wait_until="networkidle")
            sizes[path] = page.evaluate(
                "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                ".reduce((total, entry) => total + entry.transferSize, 0)"
            )
            context.close()
        browser.close()
    server.shutdown()
    return sizes


def main() -> None:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    print(f"clean build (executes every chapter): {timed(BUILD + ['--all']):.1f} s")
    chapter = ROOT / "book" / "02-design.ipynb"
    chapter.touch()
    print(f"rebuild after touching {chapter.name}: {timed(BUILD):.1f} s")
    sizes = page_sizes()
    largest = max(sizes, key=sizes.__getitem__)
    print(f"largest page: {largest} {sizes[largest] / 1e6:.2f} MB transferred (gzip)")
    for path, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {path}: {size / 1e6:.2f} MB")
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        subprocess.run([sys.executable, str(script)], cwd=ROOT, check=True)
    print(f"make test (includes a book build from the cache): {timed(['make', 'test']):.1f} s")


if __name__ == "__main__":
    main()
