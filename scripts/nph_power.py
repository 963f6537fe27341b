"""Precompute the power of four tests when the hazards are not proportional into data/simulated/.

Simulated, not ALEXANDRA data. Patients enrol and are followed as in
:func:`alexandra.trial_model.alexandra_trial_model` (ALEXANDRA's arms and enrolment, the book's
loss to follow-up and visit schedule) and every trial is analysed at the published data cut.
The chemotherapy-alone arm has a constant hazard, set so that each arm of that size would
expect ``CONTROL_EVENTS`` events by the cut. The atezolizumab arm's hazard is the control's
times a hazard ratio that changes with time as the scenario says, ``hr`` being the hazard
ratio while the drug works:

* ``proportional``: ``hr`` throughout;
* ``delayed 3`` / ``delayed 6`` / ``delayed 12``: 1 for the first 3, 6 or 12 months, then ``hr``;
* ``waning``: ``hr`` for 12 months (the year of treatment), then 1 (the drug stopped);
* ``crossing``: ``1 / hr`` (harm) for 6 months, then ``hr``.

Each trial is tested four ways, two-sided at 0.05: the log-rank test, Fleming–Harrington
G(0, 1), MaxCombo (G(0,0), G(0,1), G(1,0), G(1,1)) and the difference in restricted mean
survival time up to ``TAU_MONTHS``. A MaxCombo P value is integrated only when its bounds (the
smallest of the four P values below it, four times that above it) leave the decision open,
and then to ``MAXCOMBO_ACCURACY``, enough to place it on either side of 0.05.

Writes ``nph_power.csv``, starting with a ``#`` line that names the command.

Usage: ``python scripts/nph_power.py [--trials 2000] [--seed 2025] [--out data/simulated]``
(tests/test_nph_power.py re-runs it with a few trials).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from alexandra import published, survival
from alexandra.design import TrialModel
from alexandra.survival import maxcombo_p_value, weighted_logrank_scores
from alexandra.trial import alexandra_trial_model
from generated_table import simulation_command  # scripts/ is on the path when a script runs

HAZARD_RATIOS = (0.6, 0.7, 0.8, 0.9, 1.0)
"""Hazard ratios while the drug works: from a large benefit to none (every scenario's null)."""

SCENARIOS: dict[str, tuple[tuple[float, ...], str]] = {
    "proportional": ((), "hr"),
    "delayed 3": ((3.0,), "1, hr"),
    "delayed 6": ((6.0,), "1, hr"),
    "delayed 12": ((12.0,), "1, hr"),
    "waning": ((12.0,), "hr, 1"),
    "crossing": ((6.0,), "1/hr, hr"),
}
"""Each scenario's change points (months) and its hazard ratio on each piece, in terms of ``hr``."""

CONTROL_EVENTS = 125
"""Events expected by the data cut in an arm of chemotherapy alone (ALEXANDRA: 125 in that arm)."""

TAU_MONTHS = 48.0
"""Horizon of the RMST difference: where the published Kaplan-Meier plot stops."""

ALPHA = 0.05
MAXCOMBO_ACCURACY = 1e-3


def hazard_ratios(scenario: str, hr: float) -> tuple[float, ...]:
    """The hazard ratio on each piece of ``scenario`` for the effect ``hr``."""
    pieces = {"hr": hr, "1": 1.0, "1/hr": 1 / hr}
    return tuple(pieces[piece.strip()] for piece in SCENARIOS[scenario][1].split(","))


def piecewise_exponential(
    exposure: npt.NDArray[np.float64], rate: float, cuts: tuple[float, ...], ratios: tuple[float, ...]
) -> npt.NDArray[np.float64]:
    """Event times whose cumulative hazard reaches ``exposure`` (standard exponential draws).

    The hazard is ``rate * ratios[k]`` between ``cuts[k-1]`` and ``cuts[k]`` (from 0, to infinity).
    """
    starts = np.array((0.0, *cuts))
    multipliers = np.array(ratios)
    reached = np.concatenate(([0.0], np.cumsum(rate * multipliers[:-1] * np.diff(starts))))
    piece = np.searchsorted(reached, exposure, side="right") - 1
    return np.asarray(starts[piece] + (exposure - reached[piece]) / (rate * multipliers[piece]))


def decide_maxcombo(z: npt.NDArray[np.float64], correlation: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Whether each trial's two-sided MaxCombo P value is below ``ALPHA``."""
    smallest = 2 * stats.norm.sf(np.max(np.abs(z), axis=1))
    rejected = z.shape[1] * smallest < ALPHA
    open_question = np.flatnonzero((smallest < ALPHA) & ~rejected)
    for trial in open_question:
        p_value = maxcombo_p_value(z[trial], correlation[trial], accuracy=MAXCOMBO_ACCURACY)
        rejected[trial] = p_value < ALPHA
    return rejected


def control_model() -> tuple[TrialModel, float]:
    """ALEXANDRA's accrual with a constant control hazard giving ``CONTROL_EVENTS`` per arm, and the cut month."""
    accrual = alexandra_trial_model().accrual
    cutoff = published.get("data_cutoff").when
    model = TrialModel.calibrated(accrual, 2 * CONTROL_EVENTS, by=cutoff)
    return model, accrual.months_since_start(cutoff)


def simulate_power(trials: int, seed: int) -> pd.DataFrame:
    """One row per scenario and hazard ratio: the share of trials each test rejects."""
    model, cut_month = control_model()
    accrual = model.accrual
    rate = -math.log(model.control_event_free_3y) / 36
    n_treated = accrual.patients[published.ARMS[0]]
    treated = np.arange(accrual.n_patients) < n_treated
    rows = []
    for hr_index, hr in enumerate(HAZARD_RATIOS):
        # The same patients (entry, loss, exposure) for every scenario of one hazard ratio.
        rng = np.random.default_rng([seed, hr_index])
        entry, loss = accrual.draw(rng, (trials, accrual.n_patients))
        contact = np.minimum(cut_month - entry, loss)
        censored_at = accrual.followup.last_assessment(contact)
        exposure = rng.exponential(size=(trials, accrual.n_patients))
        for scenario, (cuts, _) in SCENARIOS.items():
            event_time = np.where(
                treated, piecewise_exponential(exposure, rate, cuts, hazard_ratios(scenario, hr)), exposure / rate
            )
            event = event_time <= contact
            time = np.where(event, event_time, censored_at)
            scores = weighted_logrank_scores(time, event.astype(np.int64), treated)
            z = scores.z
            rmst_p = np.array(
                [
                    survival.rmst_difference(time[k], event[k].astype(np.int64), treated, TAU_MONTHS).p_value
                    for k in range(trials)
                ]
            )
            two_sided = 2 * stats.norm.sf(np.abs(z))
            rows.append(
                {
                    "scenario": scenario,
                    "hr": hr,
                    "hazard_ratios": " then ".join(f"{ratio:.4g}" for ratio in hazard_ratios(scenario, hr)),
                    "change_months": " ".join(f"{cut:g}" for cut in cuts),
                    "trials": trials,
                    "mean_events": float(event.sum(axis=1).mean()),
                    "mean_events_treatment": float(event[:, treated].sum(axis=1).mean()),
                    "power_logrank": float(np.mean(two_sided[:, 0] < ALPHA)),
                    "power_fh01": float(np.mean(two_sided[:, 1] < ALPHA)),
                    "power_maxcombo": float(np.mean(decide_maxcombo(z, scores.correlation))),
                    "power_rmst": float(np.mean(rmst_p < ALPHA)),
                    "tau_months": TAU_MONTHS,
                    **model.fingerprint(),
                }
            )
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the simulation and write the CSV file; returns its path."""
    return simulation_command(
        argv,
        description=__doc__.splitlines()[0],
        script="nph_power.py",
        filename="nph_power.csv",
        simulate=simulate_power,
        trials=2_000,
        trials_help="simulated trials per scenario and hazard ratio",
    )


if __name__ == "__main__":
    print(f"wrote {main()}")
