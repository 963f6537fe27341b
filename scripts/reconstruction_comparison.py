"""Write the published-versus-reconstructed table of ALEXANDRA to data/reconstructed/comparison.csv.

Reads the committed pseudo-individual data (``data/reconstructed/alexandra_pseudo_ipd.csv``,
made by ``scripts/alexandra_pseudo_ipd.py``: reconstructed, not trial data), runs the analyses the paper reports, and
writes one row per published number with the tolerance and whether the
reconstruction is within it (see :mod:`alexandra.reconstruction`). Takes a few
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

from alexandra import reconstruction
from alexandra.reconstruction import comparison_table
from generated_table import write_table  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "comparison.csv"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the CSV")
    arguments = parser.parse_args(argv)
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    table = comparison_table(reconstruction.load_pseudo_ipd().data)
    write_table(table, out, f"made by: python scripts/reconstruction_comparison.py --out {shlex.quote(str(shown_out))}")
    print(table.to_string(index=False), file=sys.stdout)
    return out


if __name__ == "__main__":
    main()
