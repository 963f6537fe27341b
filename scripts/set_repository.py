"""Set the book's public repository in every place that names it, from one command.

``repository.url`` in ``_config.yml`` turns on the repository, issue, Binder and Colab
buttons (``_ext/repository_buttons.py``). The Colab cell at the top of every chapter
cannot read that file (it runs before the book is installed), so it carries the same
URL in its ``REPOSITORY = ...`` line; this script writes both, and the cell in
CONTRIBUTING.md that the chapters copy, so that they never disagree
(``tests/test_notebooks.py`` checks it).

Usage::

    python scripts/set_repository.py https://github.com/OWNER/REPOSITORY [--branch main]
    python scripts/set_repository.py ""        # no public repository: no button, no clone
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY_LINE = re.compile(r'^(\s*)REPOSITORY = "[^"]*"', re.M)
CONFIG_URL = re.compile(r'^(repository:\n  url: )"?[^"\n]*"?$', re.M)
CONFIG_BRANCH = re.compile(r"^(repository:\n  url: [^\n]*\n  branch: )\S+$", re.M)


def with_repository(text: str, url: str) -> str:
    """``text`` with its Colab cell's ``REPOSITORY = "..."`` line naming ``url``.

    >>> with_repository('REPOSITORY = ""  # why', "https://github.com/o/r")
    'REPOSITORY = "https://github.com/o/r"  # why'
    """
    return REPOSITORY_LINE.sub(lambda m: f'{m[1]}REPOSITORY = "{url}"', text)


def set_repository(url: str, branch: str | None = None, root: Path = ROOT) -> list[Path]:
    """Write ``url`` (and ``branch``) into the configuration, CONTRIBUTING.md and every chapter; the files changed."""
    if url and not re.fullmatch(r"https://\S+", url):
        raise SystemExit(f"error: {url!r} is not an https:// URL (or empty, for no repository)")
    changed = []
    config = root / "_config.yml"
    text = CONFIG_URL.sub(lambda m: f'{m[1]}"{url}"', config.read_text(encoding="utf-8"))
    if branch:
        text = CONFIG_BRANCH.sub(lambda m: f"{m[1]}{branch}", text)
    for path, new in [(config, text), (root / "CONTRIBUTING.md", None)]:
        new = new if new is not None else with_repository(path.read_text(encoding="utf-8"), url)
        if new != path.read_text(encoding="utf-8"):
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    for notebook in sorted((root / "book").rglob("*.ipynb")):
        data = json.loads(notebook.read_text(encoding="utf-8"))
        edited = False
        for cell in data["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and REPOSITORY_LINE.search(source):
                cell["source"] = with_repository(source, url).splitlines(keepends=True)
                edited = True
        if edited and json.loads(notebook.read_text(encoding="utf-8")) != data:
            notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(notebook)
    return changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help='the public repository, https://...; "" for none')
    parser.add_argument("--branch", help="the branch the launch buttons open (default: unchanged)")
    arguments = parser.parse_args(argv)
    for path in set_repository(arguments.url, arguments.branch):
        print(f"{path.relative_to(ROOT)}: repository set")


if __name__ == "__main__":
    main()
