"""Write the published-versus-reconstructed table of ALEXANDRA to data/reconstructed/comparison.csv.

Builds the reconstructed pseudo-individual data (``alexandra_pseudo_ipd``, seed
2025: reconstructed, not trial data), runs the analyses the paper reports, and
writes one row per published number with the tolerance and whether the
reconstruction is within it (see :mod:`alexandra.comparison`). Takes a few
seconds.

Usage::

    python scripts/reconstruction_comparison.py
    python scripts/reconstruction_comparison.py --out /tmp/comparison.csv

The first line of the file is a comment with the command that made it (read it
with ``pandas.read_csv(path, comment="#")``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from generated_table import write_table  # scripts/ is on the path when a script runs

from alexandra.comparison import alexandra_comparison

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "comparison.csv"
SEED = 2025
"""The seed of the pseudo-data the chapter analyses."""


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the CSV")
    arguments = parser.parse_args(argv)
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    table = alexandra_comparison(seed=SEED)
    write_table(table, out, f"made by: python scripts/reconstruction_comparison.py --out {shlex.quote(str(shown_out))}")
    print(table.to_string(index=False), file=sys.stdout)
    return out


if __name__ == "__main__":
    main()
