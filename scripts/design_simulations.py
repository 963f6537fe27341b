"""Precompute the simulations of chapter 2 (Designing the trial) into data/simulated/.

Simulated, not ALEXANDRA data: every trial is drawn from :func:`alexandra.trial.alexandra_trial_model`,
a calendar-time model calibrated to the published enrolment window, median follow-up, events and
hazard ratio. Writes three CSV files, each starting with a ``#`` line that names the command:

* ``design_events.csv``: expected and simulated cumulative events by calendar month, for a
  constant and a falling hazard;
* ``design_milestones.csv``: when the interim (62% of 390) and the planned 390 events are reached;
* ``design_futility.csv``: the interim futility rule applied to simulated trials, per true hazard ratio.

Usage: ``python scripts/design_simulations.py [--trials 10000] [--event-trials 1000] [--seed 2025] [--out data/simulated]``
(tests/test_design.py re-runs it with a few trials).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from alexandra import design, published, trial
from alexandra.published import find_data_dir
from generated_table import hazard_ratio_spread, write_table  # scripts/ is on the path when a script runs

HAZARD_SHAPES = (1.0, trial.FALLING_HAZARD_SHAPE)
"""Constant hazard, and a hazard that falls with time (the book's assumed Weibull shape): both assumptions."""

HAZARD_RATIOS = (0.7, 0.75, 0.8, 0.9, 1.0, 1.1)
"""True hazard ratios under which the futility rule is simulated."""

MONTHS = np.arange(0.0, 97.0)
"""Calendar months since the start of enrolment (August 2018 to August 2026)."""


def simulate_events(event_trials: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative events by month, and the dates of the interim and final event counts."""
    targets = (trial.alexandra_interim_events(), int(published.get("idfs_events_planned").number))
    curves, milestones = [], []
    for shape in HAZARD_SHAPES:
        model = trial.alexandra_trial_model(hazard_shape=shape)
        curve = design.events_by_month(model, MONTHS, n_trials=event_trials, seed=seed)
        curves.append(curve.assign(hazard_shape=shape, **model.fingerprint()))
        event_months = model.simulate_event_months(event_trials, seed=seed)
        for events in targets:
            lower, median, upper = np.percentile(event_months[:, events - 1], [2.5, 50, 97.5])
            milestones.append(
                {
                    "hazard_shape": shape,
                    "events": events,
                    "expected_date": model.accrual.date_at(model.month_expected_to_reach(events)),
                    "median_date": model.accrual.date_at(median),
                    "lower_date": model.accrual.date_at(lower),
                    "upper_date": model.accrual.date_at(upper),
                    **model.fingerprint(),
                }
            )
    events_table = pd.concat(curves, ignore_index=True)
    first = ["hazard_shape", "month", "date", "expected", "median", "lower", "upper"]
    return events_table[first + [c for c in events_table.columns if c not in first]], pd.DataFrame(milestones)


def simulate_futility(trials: int, seed: int) -> pd.DataFrame:
    """The futility rule at the interim, for each true hazard ratio of :data:`HAZARD_RATIOS`."""
    interim_events = trial.alexandra_interim_events()
    boundary = published.get("futility_boundary_hr").number
    rows = []
    for index, hazard_ratio in enumerate(HAZARD_RATIOS):
        model = trial.alexandra_trial_model(hazard_ratio=hazard_ratio)
        result = design.simulate_interim(
            model, interim_events, n_trials=trials, boundary_hr=boundary, seed=seed + index
        )
        rows.append(
            {
                "hazard_ratio": hazard_ratio,
                "trials": trials,
                "interim_events": interim_events,
                "boundary_hr": boundary,
                "stopped": int(result["stopped"].sum()),
                "stop_share": float(result["stopped"].mean()),
                **hazard_ratio_spread(result["observed_hr"]),
                "median_interim_date": model.accrual.date_at(float(result["interim_month"].median())),
                **model.fingerprint(),
            }
        )
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    """Run the simulations and write the CSV files; returns their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000, help="simulated trials per true hazard ratio")
    parser.add_argument("--event-trials", type=int, default=1_000, help="simulated trials per event curve")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=find_data_dir() / "simulated")
    args = parser.parse_args(argv)
    command = (
        f"python scripts/design_simulations.py --trials {args.trials} --event-trials {args.event_trials} "
        f"--seed {args.seed}"
    )
    events, milestones = simulate_events(args.event_trials, args.seed)
    outputs = {
        "design_events.csv": events,
        "design_milestones.csv": milestones,
        "design_futility.csv": simulate_futility(args.trials, args.seed),
    }
    for name, table in outputs.items():
        write_table(table, args.out / name, f"Simulated, not ALEXANDRA data. Made by: {command}")
    return [args.out / name for name in outputs]


if __name__ == "__main__":
    for written in main():
        print(f"wrote {written}")
