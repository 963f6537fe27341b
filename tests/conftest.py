"""Shared fixtures: the built book, a local server, and an offline Chromium page."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The built book; ALEXANDRA_BOOK_HTML points the tests at another build (e.g. a private copy).
BOOK_HTML = Path(os.environ.get("ALEXANDRA_BOOK_HTML", ROOT / "_build" / "html"))

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "_ext"))  # the book's Sphinx extensions, for their helpers

# The browser helpers live with the scripts that print the PDF and run the benchmarks (scripts/browser.py).
from browser import CHROMIUM, launch  # noqa: E402


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The built HTML book (``make test`` builds it first)."""
    if not (BOOK_HTML / "index.html").is_file():
        pytest.fail(f"{BOOK_HTML} has no index.html: run `make book` before the browser tests.")
    return BOOK_HTML


@pytest.fixture(scope="session")
def book_url(book_html: Path) -> Iterator[str]:
    """Base URL of the book served on 127.0.0.1 (gzip, like a real host)."""
    from serve_book import start_server

    server = start_server(book_html)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `make test` installs Debian's chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@dataclass
class OfflinePage:
    """A page on which every non-local request is blocked and recorded."""

    page: object
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def offline_page(browser: object, book_url: str) -> Iterator[OfflinePage]:
    """A fresh browser context that only reaches the local book server."""
    local_host = urlparse(book_url).netloc
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    result = OfflinePage(page=page)

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == local_host:
            route.continue_()  # type: ignore[attr-defined]
        else:
            result.blocked.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(msg.text))
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    yield result
    context.close()
