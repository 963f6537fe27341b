"""Where the book's files are: the ``data/`` folder, the table of published numbers, the bibliography.

:func:`find_data_dir` finds the ``data/`` folder (or takes it from ``ALEXANDRA_DATA``);
:data:`DEFAULT_PATH` and :data:`DEFAULT_BIBLIOGRAPHY` are the table of published numbers and the
BibTeX file its sources cite; :func:`bibliography_keys` reads the citation keys of a BibTeX file;
:func:`context_fact` reads one number of another trial from ``data/context/facts.csv``. All are
importable from :mod:`alexandra.published` too.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from alexandra.errors import DataError

__all__ = [
    "DATA_ENV_VAR",
    "DEFAULT_BIBLIOGRAPHY",
    "DEFAULT_PATH",
    "bibliography_keys",
    "context_fact",
    "find_data_dir",
]

DATA_ENV_VAR = "ALEXANDRA_DATA"
"""Environment variable naming the book's ``data/`` folder (for Binder or Colab)."""


def find_data_dir() -> Path:
    """The book's ``data/`` folder.

    The environment variable ``ALEXANDRA_DATA`` wins when set (Binder, Colab,
    or a copy of the data elsewhere). Otherwise the first folder holding
    ``data/published/alexandra.csv``, walking up from this module (an editable
    install in the repository) and then from the working directory (a notebook
    inside a clone, with the package installed elsewhere).

    >>> (find_data_dir() / "published" / "alexandra.csv").is_file()
    True
    """
    configured = os.environ.get(DATA_ENV_VAR)
    if configured:
        return Path(configured).expanduser().resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / "data" / "published" / "alexandra.csv").is_file():
                return folder / "data"
    # Nothing found: name where an editable install keeps it, so load() says where it looked.
    return Path(__file__).resolve().parents[2] / "data"


DEFAULT_PATH = find_data_dir() / "published" / "alexandra.csv"
"""The table of published numbers (read once, when the module is imported)."""

DEFAULT_BIBLIOGRAPHY = DEFAULT_PATH.parents[2] / "book" / "references.bib"
"""The book's bibliography, whose keys the ``source`` column must use."""

# An entry starts "@article{key," ; @string/@comment/@preamble blocks carry no key.
_BIB_ENTRY = re.compile(r"^\s*@(?!string\b|comment\b|preamble\b)\w+\s*\{\s*([^,\s]+)\s*,", re.IGNORECASE | re.MULTILINE)


def bibliography_keys(path: str | os.PathLike[str] | None = None) -> set[str]:
    """The citation keys of a BibTeX file (the book's own by default).

    >>> {"ignatiadis2025", "ignatiadis2023sabcs"} <= bibliography_keys()
    True
    """
    bib = Path(path) if path is not None else DEFAULT_BIBLIOGRAPHY
    try:
        text = bib.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError(
            f"{bib}: cannot read the bibliography ({error.strerror}); the source column of the published "
            f"table is checked against it. Pass bibliography=, or set {DATA_ENV_VAR} to the data/ folder "
            "of a checkout of the book."
        ) from None
    return set(_BIB_ENTRY.findall(text))


@lru_cache(maxsize=4)
def _context_facts(path: Path) -> pd.DataFrame:
    """``data/context/facts.csv`` indexed by trial, key and arm (read once per path)."""
    return pd.read_csv(path).fillna({"arm": ""}).set_index(["trial", "key", "arm"])


def context_fact(trial: str, key: str, arm: str = "", column: str = "value") -> float:
    """One number of another paper, from ``data/context/facts.csv`` (each row names its source).

    >>> context_fact("LOST-IT review", "loss_to_followup_median_pct"), context_fact("LOST-IT review", "loss_to_followup_median_pct", column="upper")
    (6.0, 14.0)
    """
    path = find_data_dir() / "context" / "facts.csv"
    facts = _context_facts(path)
    if (trial, key, arm) not in facts.index:
        raise DataError(f"{path}: no row with trial {trial!r}, key {key!r} and arm {arm!r}")
    if column not in facts.columns:
        raise DataError(f"{path}: no column {column!r}")
    return float(facts.loc[(trial, key, arm), column])
