"""How much of ALEXANDRA's reconstruction is forced by what was published, and how much is assumption?

Rebuilds the pseudo-individual data (``alexandra_pseudo_ipd``: reconstructed,
not trial data) under other assumptions, one factor at a time, each with
several seeds, and records what each rebuild gives:

* ``seed`` — the base reconstruction (enrolment shape fitted, the assumed
  loss to follow-up and visit schedule, constant hazards, hazard ratio forced)
  with many seeds;
* ``enrolment shape`` — the shape of enrolment fixed instead of fitted;
* ``event-time distribution`` — Weibull hazards that fall or rise with time;
* ``loss to follow-up`` — another yearly risk shared by both arms, or fitted
  (forcing the hazard ratio still adds a difference on one arm);
* ``hazard ratio`` — not forced: it follows from the events and follow-up.

Per rebuild: the Cox hazard ratio and 95% interval, the log-rank P, both also
stratified by the SIMULATED strata; how far the follow-up quartiles and the
patients at risk at 48 months land from the published ones; 3-year IDFS per
arm; the RMST difference at 48 months; and how many rows of the comparison
table (:mod:`alexandra.reconstruction`) are within tolerance.

Usage::

    python scripts/reconstruction_sensitivity.py              # 75 rebuilds, about 2 minutes on 2 cores
    python scripts/reconstruction_sensitivity.py --seeds 1 --scenarios base --out /tmp/sensitivity.csv

The first line of the file is a comment with the command that made it (read it
with ``pandas.read_csv(path, comment="#")``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from alexandra import published, survival
from alexandra.published import REFERENCE_ARM
from alexandra.reconstruction import comparison_table
from alexandra.trial import FALLING_HAZARD_SHAPE, alexandra_pseudo_ipd
from generated_table import write_table  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "sensitivity.csv"
FIRST_SEED = 2025
"""Seeds run from here: the chapter's own reconstruction is the first of the base scenario."""
LANDMARK_MONTHS = 36.0
RMST_MONTHS = 48.0


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions: a name, the factor it changes, a reader-facing level and the overrides."""

    name: str
    factor: str
    level: str
    assumptions: dict[str, Any] = field(default_factory=dict)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("base", "seed", "base assumptions, several seeds"),
    Scenario("enrolment_uniform", "enrolment shape", "uniform", {"enrolment_shape": (0.0, 1.0, 1.0)}),
    Scenario(
        "enrolment_plateau",
        "enrolment shape",
        "linear ramp over 12 months, then flat",
        {"enrolment_shape": (12.0, 1.0, 1.0)},
    ),
    Scenario(
        "enrolment_slow_start",
        "enrolment shape",
        "linear ramp over 24 months, then flat",
        {"enrolment_shape": (24.0, 1.0, 1.0)},
    ),
    Scenario(
        "weibull_falling",
        "event-time distribution",
        f"Weibull, falling hazard (shape {FALLING_HAZARD_SHAPE:g})",
        {"event_distribution": "weibull", "weibull_shape": FALLING_HAZARD_SHAPE},
    ),
    Scenario(
        "weibull_rising",
        "event-time distribution",
        "Weibull, rising hazard (shape 1.4)",
        {"event_distribution": "weibull", "weibull_shape": 1.4},
    ),
    # The forced hazard ratio adds a difference in loss on one arm on top of the shared risk.
    Scenario("loss_none", "loss to follow-up", "0% a year", {"annual_loss": 0.0}),
    Scenario("loss_low", "loss to follow-up", "1% a year", {"annual_loss": 0.01}),
    Scenario("loss_high", "loss to follow-up", "5% a year", {"annual_loss": 0.05}),
    Scenario("loss_fitted", "loss to follow-up", "fitted", {"annual_loss": None}),
    Scenario("hr_not_forced", "hazard ratio", "not forced", {"hazard_ratio": None}),
)
"""The scenarios, base first; every other one changes one assumption of the base."""


def run(scenario: Scenario, seed: int) -> dict[str, Any]:
    """Rebuild the pseudo-data under ``scenario`` with ``seed`` and measure what it gives."""
    pseudo = alexandra_pseudo_ipd(seed=seed, with_strata=True, **scenario.assumptions)
    data = pseudo.data
    plain = survival.compare_arms(data, reference=REFERENCE_ARM)
    stratified = survival.compare_arms(data, reference=REFERENCE_ARM, strata=list(pseudo.simulated_columns))
    cox, logrank = plain.hazard_ratio, plain.logrank
    cox_stratified, logrank_stratified = stratified.hazard_ratio, stratified.logrank
    constraints = pseudo.constraints.set_index("constraint")
    followup_misses = constraints.difference[constraints.index.str.startswith("followup_")]
    at_risk = constraints.achieved[constraints.index.str.startswith("at_risk_")]
    parameters = pseudo.parameters.set_index("parameter").value
    target_hr = published.get("idfs_hr_stratified").number
    row: dict[str, Any] = {
        "scenario": scenario.name,
        "factor": scenario.factor,
        "level": scenario.level,
        "seed": seed,
        "hr_forced": "hazard_ratio" not in scenario.assumptions,
        "hr": cox.hr,
        "hr_lower": cox.lower,
        "hr_upper": cox.upper,
        "se_log_hr": cox.se,
        "logrank_p": logrank.p_value,
        "hr_stratified": cox_stratified.hr,
        "hr_lower_stratified": cox_stratified.lower,
        "hr_upper_stratified": cox_stratified.upper,
        "logrank_p_stratified": logrank_stratified.p_value,
        "hr_minus_published": cox.hr - target_hr,
        "followup_max_miss_months": float(followup_misses.abs().max()),
        "at_risk_48": float(at_risk.iloc[0]),
        "enrolment_ramp_months": parameters["enrolment_ramp_months"],
        "enrolment_ramp_power": parameters["enrolment_ramp_power"],
        "enrolment_end_rate": parameters["enrolment_end_rate"],
        "annual_loss_atezolizumab": parameters["annual_loss[atezolizumab]"],
        "annual_loss_chemotherapy": parameters["annual_loss[chemotherapy]"],
        "event_shape": parameters["event_shape"],
    }
    for arm in published.ARMS:
        in_arm = data[data.arm == arm]
        curve = survival.kaplan_meier(in_arm.time, in_arm.event, at=[LANDMARK_MONTHS])
        row[f"idfs_3y_{arm}"] = float(curve.survival.iloc[0])
    rmst = survival.rmst_difference(data.time, data.event, data.arm, tau=RMST_MONTHS, reference=REFERENCE_ARM)
    row["rmst_difference_48"] = rmst.estimate
    table = comparison_table(data)
    row["rows_within_tolerance"] = int(table.within_tolerance.sum())
    row["rows"] = len(table)
    return row


def _run_pair(pair: tuple[Scenario, int]) -> dict[str, Any]:
    return run(*pair)


def plan(seeds: int, seeds_per_scenario: int, names: list[str] | None = None) -> list[tuple[Scenario, int]]:
    """The (scenario, seed) pairs: ``seeds`` seeds for the base, ``seeds_per_scenario`` for the others."""
    chosen = [scenario for scenario in SCENARIOS if names is None or scenario.name in names]
    return [
        (scenario, FIRST_SEED + offset)
        for scenario in chosen
        for offset in range(seeds if scenario.name == "base" else seeds_per_scenario)
    ]


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds of the base scenario (default 20)")
    parser.add_argument("--seeds-per-scenario", type=int, default=5, help="seeds of each other scenario (default 5)")
    parser.add_argument(
        "--scenarios", nargs="+", choices=[scenario.name for scenario in SCENARIOS], help="run only these scenarios"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the CSV")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    arguments = parser.parse_args(argv)
    if arguments.seeds < 1 or arguments.seeds_per_scenario < 1:
        parser.error("--seeds and --seeds-per-scenario must be 1 or more")
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    command = (
        f"python scripts/reconstruction_sensitivity.py --seeds {arguments.seeds} "
        f"--seeds-per-scenario {arguments.seeds_per_scenario}"
        + (f" --scenarios {' '.join(arguments.scenarios)}" if arguments.scenarios else "")
        + f" --out {shlex.quote(str(shown_out))}"
    )
    pairs = plan(arguments.seeds, arguments.seeds_per_scenario, arguments.scenarios)
    if arguments.jobs > 1:
        with ProcessPoolExecutor(max_workers=arguments.jobs) as pool:
            rows = list(pool.map(_run_pair, pairs))
    else:
        rows = [run(scenario, seed) for scenario, seed in pairs]
    results = pd.DataFrame(rows)
    write_table(results, out, f"made by: {command}")
    spread = results.groupby(["factor", "level"], sort=False)[["hr", "hr_lower", "hr_upper", "logrank_p"]].agg(
        ["min", "max"]
    )
    print(spread.round(3).to_string(), file=sys.stdout)
    return results


if __name__ == "__main__":
    main()
