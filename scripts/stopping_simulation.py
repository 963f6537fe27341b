"""Precompute the dilution simulation of the chapter *Stopping early* into data/simulated/.

Simulated, not ALEXANDRA data. Patients enrol as in :func:`alexandra.trial.alexandra_trial_model`
(calibrated to the published enrolment window, median follow-up and events); atezolizumab lowers
the hazard by an assumed on-treatment hazard ratio while it is given, for up to the published
treatment duration, and each trial is analysed at the published number of final events with a
Cox model (:func:`alexandra.inference.simulate_stopped_treatment`). Three policies:

* ``effect lasts``: the on-treatment hazard ratio holds for ever (proportional hazards);
* ``one year for everyone``: the drug works only while given, and everyone gets the full year;
* ``stopped for everyone``: the same, but everyone stops on the date of the data monitoring
  committee's futility recommendation, so the patients enrolled last get only a few months.

Writes ``stopping_dilution.csv``, starting with a ``#`` line that names the command.

Usage: ``python scripts/stopping_simulation.py [--trials 2000] [--seed 2025] [--out data/simulated]``
(tests/test_monitoring.py re-runs it with a few trials).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from alexandra import inference, published, trial
from generated_table import hazard_ratio_spread, simulation_command  # scripts/ is on the path when a script runs

ON_TREATMENT_HRS = (0.6, 0.75, 0.9)
"""Assumed hazard ratios while on atezolizumab: a large benefit, the design's, a modest one."""

POLICIES = ("effect lasts", "one year for everyone", "stopped for everyone")
"""How long the benefit lasts and who gets the full year (see the module docstring)."""


def simulate_dilution(trials: int, seed: int) -> pd.DataFrame:
    """One row per on-treatment hazard ratio and policy: the hazard ratios the final analyses estimate."""
    model = trial.alexandra_trial_model()
    treatment_months = published.get("atezolizumab_duration_months").number
    stop_date = published.get("futility_recommendation").when
    stop_month = model.accrual.months_since_start(stop_date)
    analysis_events = int(sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS))
    rows = []
    for index, on_hr in enumerate(ON_TREATMENT_HRS):
        for policy in POLICIES:
            result = inference.simulate_stopped_treatment(
                model,
                on_hr,
                analysis_events,
                treatment_months=treatment_months,
                stop_month=stop_month if policy == "stopped for everyone" else None,
                after_hr=on_hr if policy == "effect lasts" else 1.0,
                n_trials=trials,
                seed=seed + index,  # the same patients for the three policies of one hazard ratio
            )
            rows.append(
                {
                    "on_treatment_hr": on_hr,
                    "policy": policy,
                    "trials": trials,
                    "analysis_events": analysis_events,
                    "treatment_months": treatment_months,
                    "stop_date": stop_date if policy == "stopped for everyone" else "",
                    "mean_treatment_months": float(result["mean_treatment_months"].mean()),
                    **hazard_ratio_spread(result["observed_hr"]),
                    "median_analysis_date": model.accrual.date_at(float(result["analysis_month"].median())),
                    **model.fingerprint(),
                }
            )
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the simulation and write the CSV file; returns its path."""
    return simulation_command(
        argv,
        description=__doc__.splitlines()[0],
        script="stopping_simulation.py",
        filename="stopping_dilution.csv",
        simulate=simulate_dilution,
        trials=2_000,
        trials_help="simulated trials per hazard ratio and policy",
    )


if __name__ == "__main__":
    print(f"wrote {main()}")
