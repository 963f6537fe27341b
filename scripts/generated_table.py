"""Write a generated table as a CSV whose first line says how it was made.

Every table in ``data/simulated/`` and ``data/reconstructed/`` starts with one
``#`` line naming the command that made it (and, for simulated data, that it is
not trial data). Read them back with ``pandas.read_csv(path, comment="#")``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd


def write_table(table: pd.DataFrame, path: Path, first_line: str) -> None:
    """Write ``table`` to ``path`` after the comment line ``# {first_line}`` (6 significant digits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    csv = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    path.write_text(f"# {first_line}\n{csv}", encoding="utf-8")


def simulation_command(
    argv: Sequence[str] | None,
    *,
    description: str,
    script: str,
    filename: str,
    simulate: Callable[[int, int], pd.DataFrame],
    trials: int,
    trials_help: str,
) -> Path:
    """The command line of a simulation script: ``--trials``, ``--seed`` and ``--out`` (a folder, by default
    ``data/simulated``); runs ``simulate(trials, seed)`` and writes ``filename`` there, labelled as simulated
    with the command that made it. Returns the file's path."""
    from alexandra.published import find_data_dir

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--trials", type=int, default=trials, help=trials_help)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=find_data_dir() / "simulated")
    args = parser.parse_args(argv)
    command = f"python scripts/{script} --trials {args.trials} --seed {args.seed}"
    path = args.out / filename
    write_table(simulate(args.trials, args.seed), path, f"Simulated, not ALEXANDRA data. Made by: {command}")
    return path


def hazard_ratio_spread(observed_hr: npt.ArrayLike) -> dict[str, float]:
    """How simulated trials' hazard ratios spread: mean and SD of the log, geometric mean, 2.5/50/97.5 percentiles."""
    hr = np.asarray(observed_hr, dtype=float)
    log_hr = np.log(hr)
    lower, median, upper = np.percentile(hr, [2.5, 50, 97.5])
    return {
        "mean_log_hr": float(log_hr.mean()),
        "sd_log_hr": float(log_hr.std(ddof=1)),
        "geometric_mean_hr": float(np.exp(log_hr.mean())),
        "hr_lower": float(lower),
        "hr_median": float(median),
        "hr_upper": float(upper),
    }
