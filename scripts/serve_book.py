"""Serve the built book on localhost, gzip-compressed like a real static host.

Used by ``make serve`` and by the browser tests and benchmarks, so that the
page sizes they measure are what a reader's browser would transfer.

    python scripts/serve_book.py [--port 8000] [--directory _build/html]
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import sys
import threading
from functools import partial
from pathlib import Path

COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml", ".ipynb", ".md")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text files gzip-compressed when the browser accepts it."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet in tests
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that leaves a page mid-download (a closed test context) is not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_server(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """Start serving ``directory`` on 127.0.0.1 in a background thread; port 0 picks a free one."""
    if not (directory / "index.html").is_file():
        raise SystemExit(f"{directory}/index.html not found: build the book first with `make book`.")
    handler = partial(GzipHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", type=Path, default=Path("_build/html"))
    args = parser.parse_args()
    server = start_server(args.directory, args.port)
    print(f"Serving the book at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
