"""Precompute stratified against unstratified analyses of simulated trials into data/simulated/.

Simulated, not ALEXANDRA data. Patients enrol and are followed as in
:func:`alexandra.trial.alexandra_trial_model` (ALEXANDRA's arms, enrolment window and data cut, the
book's loss to follow-up and visit schedule). Each patient falls into one of three strata with the
shares the book assumes for nodal status (``reconstruction.SIMULATED_STRATA["stratum_nodes"]``), and
the strata are prognostic: a stratum's hazard is ``strength`` times that of the one below it
(1, ``strength``, ``strength²``; ``strength = 1``: the strata carry no prognosis). Within every
stratum the hazard is constant and the atezolizumab arm's is ``true_hr`` times the other arm's: one
common, *conditional* hazard ratio. The baseline hazard is set so that each trial expects
ALEXANDRA's total number of events by the data cut, whatever the strength and the hazard ratio.

Each trial is analysed twice with :mod:`alexandra.survival`: the Cox model and the log-rank test
stratified by the three strata, and both unstratified. Per ``(true_hr, strength)`` the table holds
the mean and SD of each log hazard ratio estimate, the mean of its standard error, and the share of
trials each log-rank test finds significant (two-sided 5%).

Writes ``stratification.csv``, starting with a ``#`` line that names the command.

Usage: ``python scripts/stratification_simulation.py [--trials 1000] [--seed 2025] [--out data/simulated]``
(tests/test_stratification_simulation.py re-runs it with a few trials).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from alexandra import published, reconstruction, survival
from alexandra.design import TrialModel
from alexandra.trial import alexandra_trial_model
from generated_table import simulation_command  # scripts/ is on the path when a script runs

TRUE_HAZARD_RATIOS = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1)
"""The common hazard ratio within strata (atezolizumab versus chemotherapy alone)."""

STRENGTHS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)
"""How prognostic the strata are: the hazard ratio between neighbouring strata."""

STRATUM_SHARES = tuple(reconstruction.SIMULATED_STRATA["stratum_nodes"].values())
"""Shares of the three strata: the book's assumed shares of nodal status 0, 1-3 and 4 or more."""

ALPHA = 0.05


def stratum_multipliers(strength: float) -> npt.NDArray[np.float64]:
    """The hazard of each stratum relative to the first: 1, strength, strength², …"""
    return np.asarray(strength ** np.arange(len(STRATUM_SHARES)), dtype=np.float64)


def baseline_hazard(strength: float, true_hr: float) -> float:
    """The first stratum's monthly hazard on chemotherapy alone that makes the trial expect ALEXANDRA's events."""
    accrual = alexandra_trial_model().accrual
    cut_month = accrual.months_since_start(published.get("data_cutoff").when)
    events = sum(published.get("idfs_events", arm=arm).number for arm in published.ARMS)
    multipliers = stratum_multipliers(strength)

    def excess(log_rate: float) -> float:
        expected = 0.0
        for share, multiplier in zip(STRATUM_SHARES, multipliers, strict=True):
            event_free_3y = math.exp(-36 * math.exp(log_rate) * multiplier)
            model = TrialModel(accrual, event_free_3y, hazard_ratio=true_hr)
            expected += share * float(model.expected_events(cut_month)[0])
        return expected - events

    return math.exp(optimize.brentq(excess, -15.0, 0.0, xtol=1e-12))


def simulate_cell(strength: float, true_hr: float, trials: int, rng: np.random.Generator) -> dict[str, float]:
    """Simulate ``trials`` trials of one cell and summarise both analyses."""
    accrual = alexandra_trial_model().accrual
    cut_month = accrual.months_since_start(published.get("data_cutoff").when)
    n = accrual.n_patients
    treated = np.arange(n) < accrual.patients[published.ARMS[0]]
    arm = np.where(treated, published.ARMS[0], published.REFERENCE_ARM)
    baseline = baseline_hazard(strength, true_hr)
    rate = baseline * stratum_multipliers(strength)
    entry, loss = accrual.draw(rng, (trials, n))
    stratum = rng.choice(len(STRATUM_SHARES), size=(trials, n), p=np.array(STRATUM_SHARES) / sum(STRATUM_SHARES))
    event_time = rng.exponential(size=(trials, n)) / (rate[stratum] * np.where(treated, true_hr, 1.0))
    contact = np.minimum(cut_month - entry, loss)
    event = event_time <= contact
    time = np.where(event, event_time, accrual.followup.last_assessment(contact))
    found: dict[str, list[float]] = {name: [] for name in ("log_hr_s", "se_s", "p_s", "log_hr_u", "se_u", "p_u")}
    for k in range(trials):
        for suffix, strata in (("s", stratum[k]), ("u", None)):
            events = event[k].astype(np.int64)
            cox = survival.cox_hazard_ratio(time[k], events, arm, strata=strata, reference=published.REFERENCE_ARM)
            logrank = survival.logrank_test(time[k], events, arm, strata=strata, reference=published.REFERENCE_ARM)
            found[f"log_hr_{suffix}"].append(cox.log_hr)
            found[f"se_{suffix}"].append(cox.se)
            found[f"p_{suffix}"].append(logrank.p_value)
    values = {name: np.asarray(column) for name, column in found.items()}
    row: dict[str, float] = {
        "true_hr": true_hr,
        "strength": strength,
        "trials": trials,
        "baseline_monthly_hazard": baseline,
        "mean_events": float(event.sum(axis=1).mean()),
    }
    for suffix, label in (("s", "stratified"), ("u", "unstratified")):
        log_hr = values[f"log_hr_{suffix}"]
        row[f"mean_log_hr_{label}"] = float(log_hr.mean())
        row[f"hr_{label}"] = float(np.exp(log_hr.mean()))
        row[f"sd_log_hr_{label}"] = float(log_hr.std(ddof=1))
        row[f"mean_se_{label}"] = float(values[f"se_{suffix}"].mean())
        row[f"power_{label}"] = float(np.mean(values[f"p_{suffix}"] < ALPHA))
    return row


def simulate(trials: int, seed: int) -> pd.DataFrame:
    """One row per true hazard ratio and strength of the strata."""
    rows = []
    for hr_index, true_hr in enumerate(TRUE_HAZARD_RATIOS):
        for strength_index, strength in enumerate(STRENGTHS):
            rng = np.random.default_rng([seed, hr_index, strength_index])
            rows.append(simulate_cell(strength, true_hr, trials, rng))
    table = pd.DataFrame(rows)
    for name, value in alexandra_trial_model().fingerprint().items():
        if name != "control_event_free_3y":  # the baseline hazard is set per cell here
            table[name] = value
    return table


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the simulation and write the CSV file; returns its path."""
    return simulation_command(
        argv,
        description=__doc__.splitlines()[0],
        script="stratification_simulation.py",
        filename="stratification.csv",
        simulate=simulate,
        trials=1_000,
        trials_help="simulated trials per hazard ratio and strength",
    )


if __name__ == "__main__":
    print(f"wrote {main()}")
