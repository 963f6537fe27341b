"""Make ALEXANDRA's pseudo-individual data once and write them to data/reconstructed/.

Runs :func:`alexandra.trial.alexandra_pseudo_ipd` (seed 2025, with the
SIMULATED strata) and writes three tables, each starting with the command that
made it: the patients (``alexandra_pseudo_ipd.csv``), the published numbers
they were built to meet (``..._constraints.csv``) and the model behind them
(``..._parameters.csv``). Chapters read them with :func:`alexandra.reconstruction.load_pseudo_ipd`.
RECONSTRUCTED data, not trial data. Takes a few seconds.

Usage::

    python scripts/alexandra_pseudo_ipd.py
    python scripts/alexandra_pseudo_ipd.py --seed 7 --out /tmp/pseudo.csv
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from alexandra import reconstruction
from alexandra.trial import alexandra_pseudo_ipd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / reconstruction.PSEUDO_IPD_FILES["data"]
SEED = 2025
"""The seed of the pseudo-data the book analyses."""


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the draw (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the patient table; the other two go beside it")
    arguments = parser.parse_args(argv)
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    command = f"python scripts/alexandra_pseudo_ipd.py --seed {arguments.seed} --out {shlex.quote(str(shown_out))}"
    written = reconstruction.write_pseudo_ipd(alexandra_pseudo_ipd(seed=arguments.seed, with_strata=True), out, command)
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main()
