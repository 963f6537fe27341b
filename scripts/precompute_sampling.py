"""Simulate trials like ALEXANDRA under a grid of true hazard ratios (chapter 5, widget 5).

Writes ``data/simulated/sampling_histogram.csv`` (observed-HR histogram per true HR) and
``data/simulated/sampling_summary.csv`` (one row per true HR). The chapter reads them
instead of simulating on every build; its slider filters the histogram in the browser.

    python scripts/precompute_sampling.py [--trials 1000] [--seed 2025] [--out data/simulated]

Each true HR has its own random stream (see ``alexandra.inference.sampling_distribution``),
so the same command always writes the same files. The trials are SIMULATED from published
aggregates (arms, enrolment window, median follow-up, total events; see
``alexandra.trial.alexandra_trial_model``): they are not trial data.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from alexandra import published
from alexandra.inference import SAMPLING_FILES, sampling_distribution
from alexandra.trial import alexandra_trial_model
from generated_table import write_table  # scripts/ is on the path when a script runs

#: True hazard ratios simulated by default: 0.70, 0.75, …, 1.30.
DEFAULT_TRUE_HRS = tuple(float(hr) for hr in np.round(np.arange(0.70, 1.3001, 0.05), 2))


def _command(args: argparse.Namespace) -> str:
    hrs = ",".join(f"{hr:g}" for hr in args.true_hrs)
    return f"python scripts/precompute_sampling.py --trials {args.trials} --seed {args.seed} --true-hrs {hrs}"


def _hazard_ratios(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--true-hrs: {text!r} is not a comma-separated list of numbers") from None
    if not values or any(not value > 0 for value in values):
        raise argparse.ArgumentTypeError(f"--true-hrs: {text!r} must list positive hazard ratios")
    return values


def main(argv: Sequence[str] | None = None) -> list[Path]:
    """Run the simulation and write both tables; returns the paths written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=1000, help="simulated trials per true HR")
    parser.add_argument("--seed", type=int, default=2025, help="base random seed")
    parser.add_argument(
        "--true-hrs", type=_hazard_ratios, default=list(DEFAULT_TRUE_HRS), help="comma-separated true HRs"
    )
    parser.add_argument(
        "--out", type=Path, default=published.find_data_dir() / "simulated", help="folder for the CSV files"
    )
    args = parser.parse_args(argv)
    if args.trials < 1:
        parser.error(f"--trials: {args.trials} must be at least 1")

    histogram, summary = sampling_distribution(
        alexandra_trial_model(),
        args.true_hrs,
        n_trials=args.trials,
        seed=args.seed,
        published_hr=published.get("idfs_hr_stratified").number,
        events=round(sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)),
    )
    written = []
    for name, table in (("histogram", histogram), ("summary", summary)):
        path = args.out / SAMPLING_FILES[name]
        write_table(table, path, f"SIMULATED trials, not ALEXANDRA data. Made by: {_command(args)}")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
