"""`make dist`: the built HTML book as one zip that works opened from disk (file://).

Everything a page needs is already inside the build (MathJax, Vega, fonts, the search
index: see _ext/offline_assets.py), so the zip is the build folder under one top folder,
``alexandra-book/``; a reader unzips it and opens ``alexandra-book/index.html``.

    python scripts/make_dist.py [--html _build/html] [--out _build/dist/alexandra-book.zip]
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

TOP_FOLDER = "alexandra-book"
#: Build bookkeeping a reader does not need.
LEFT_OUT = (".buildinfo",)


def make_zip(html: Path, out: Path) -> Path:
    """Write ``out``: every file of the built book ``html`` under ``alexandra-book/``."""
    if not (html / "index.html").is_file():
        raise SystemExit(f"{html}/index.html not found: build the book first with `make book`.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(html.rglob("*")):
            if path.is_file() and path.name not in LEFT_OUT:
                archive.write(path, f"{TOP_FOLDER}/{path.relative_to(html).as_posix()}")
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
