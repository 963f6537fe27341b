"""Write a generated table as a CSV whose first line says how it was made.

Every table in ``data/simulated/`` and ``data/reconstructed/`` starts with one
``#`` line naming the command that made it (and, for simulated data, that it is
not trial data). Read them back with ``pandas.read_csv(path, comment="#")``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_table(table: pd.DataFrame, path: Path, first_line: str) -> None:
    """Write ``table`` to ``path`` after the comment line ``# {first_line}`` (6 significant digits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    csv = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    path.write_text(f"# {first_line}\n{csv}", encoding="utf-8")
