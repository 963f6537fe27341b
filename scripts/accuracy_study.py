"""How close do reconstructions get to the truth? A simulation study.

Simulates two-arm trials whose patients are known, "publishes" each one — the
Kaplan–Meier figure as a digitiser reads it, the numbers at risk under it, the
patients and events per arm, the follow-up — and rebuilds the patients:

(a) ``guyot_risk_table``: Guyot's algorithm with the numbers-at-risk table and total events;
``guyot_exact_reading``: the same on the figure read without reading error (only the
    drops closer than a 200th of its width merged), to tell the algorithm's loss from the reading's;
``guyot_exact_in_figure``: that rebuild up to the end of the figure, and the ideal's patients
    after it, to tell what is lost inside the figure from what is lost after its end;
(a') ``guyot_no_totals``: the same without the total events;
(b) ``guyot_events_only``: Guyot's algorithm with only the arm size and total events;
(c) ``from_aggregates``: no figure at all, only the aggregates a paper like ALEXANDRA prints
    (patients, events, follow-up quartiles per arm, enrolment window, data cut, patients at
    risk where the figure stops); the hazard ratio is *not* given. Run on the scenarios
    :data:`AGGREGATE_SCENARIOS` only (it takes about a second a trial);
``ideal``: what the information in the figure allows at best: the exact event times, and
    each interval's true number of censored patients spread evenly over the interval;
``ideal_between_events``: more than any figure tells: the exact event times, and the true number
    censored between every two consecutive event times, spread evenly between them.

Each rebuilt trial is compared with the true patients: the error of the Cox log
hazard ratio, the ratio of its standard errors, the largest and the mean gap
between the Kaplan–Meier curves (up to where the figure stops), next to the
largest gap between the digitised curve itself and the true one (what a rebuild
that follows the curve it is given cannot avoid), and the difference in
log-rank P values. The ideal knows the exact events after the end of the figure
too, which no figure shows.

Usage::

    python scripts/accuracy_study.py                     # 420 trials, about 2 minutes on 2 idle cores
    python scripts/accuracy_study.py --trials 7 --out /tmp/study.csv

Trials cycle through the scenarios of :data:`SCENARIOS`. Writes one row per
trial and method to ``--out`` and a summary by method (over all trials, then
by scenario) next to it (``*_summary.csv``): mean, median, 95th percentile and
largest absolute error. The first line of each file is a comment with the
command that made it (read them with ``pandas.read_csv(path, comment="#")``).
The numbers are the same on any processor up to rounding, not byte for byte:
floating-point sums differ in their last bits between vector instruction sets
(AVX2, AVX-512), so ``tests/test_accuracy_study.py`` compares a regenerated run
with the committed one to a relative and absolute tolerance of 1e-6.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from alexandra import survival
from alexandra.reconstruction import (
    CleaningWarning,
    FigureReading,
    clean_curve,
    from_aggregates,
    guyot,
    published_figure,
    simulate_trial,
    trial_conduct,
)
from generated_table import write_table  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "accuracy_study.csv"

METHODS = (
    "ideal",
    "ideal_between_events",
    "guyot_exact_reading",
    "guyot_exact_in_figure",
    "guyot_risk_table",
    "guyot_no_totals",
    "guyot_events_only",
    "from_aggregates",
)
"""The reconstructions compared; ``from_aggregates`` only on :data:`AGGREGATE_SCENARIOS`."""


@dataclass(frozen=True)
class Scenario:
    """A kind of trial: its size, accrual, follow-up, hazards, and how its figure is published."""

    n_per_arm: tuple[int, ...]
    accrual_months: float
    followup_months: float
    control_median_months: float
    dropout_rate: float = 0.0
    baseline: str = "exponential"
    hazard_ratios: tuple[float, ...] = (0.7, 0.85, 1.0, 1.15)
    risk_every: float = 6.0
    reading_error: float = 0.002
    crossing: bool = False


SCENARIOS: dict[str, Scenario] = {
    # Like ALEXANDRA: accrual over most of the study, so censoring is administrative and spread
    # over the whole follow-up, and most patients are censored.
    "long_accrual": Scenario((1100,), 52.0, 9.0, 100.0, hazard_ratios=(0.8, 1.0, 1.11, 1.25)),
    "dropout": Scenario((300, 600), 24.0, 36.0, 36.0, dropout_rate=0.02),
    # Hazard ratio 1.6 for 9 months, then the given one: the curves cross.
    "crossing": Scenario((300, 500), 24.0, 36.0, 30.0, dropout_rate=0.01, hazard_ratios=(0.5, 0.6), crossing=True),
    "small_arms": Scenario((40, 70, 100), 24.0, 24.0, 24.0, dropout_rate=0.01),
    "digitiser_noise": Scenario((400,), 24.0, 36.0, 36.0, dropout_rate=0.01, reading_error=0.005),
    "yearly_table": Scenario((500,), 36.0, 24.0, 60.0, dropout_rate=0.01, risk_every=12.0),
    "weibull": Scenario((500,), 36.0, 24.0, 60.0, dropout_rate=0.005, baseline="weibull"),
}
"""The scenarios, by name; trials cycle through them."""

AGGREGATE_SCENARIOS = ("long_accrual", "dropout")
CROSSING_MONTHS = 9.0
CROSSING_EARLY_HR = 1.6
CURVE_POINTS = 200
MIN_SHARE_AT_RISK = 0.05
"""Figures stop at the last table time where at least this share of the patients is still at risk."""
KM_GRID_POINTS = 400


@dataclass(frozen=True)
class TrialDesign:
    """One simulated trial of the study."""

    scenario: str
    n_per_arm: int
    hazard_ratio: float
    seed: int


def design(trial: int) -> TrialDesign:
    """Trial number ``trial``: cycles through the scenarios, then each scenario's sizes and hazard ratios."""
    names = list(SCENARIOS)
    name = names[trial % len(names)]
    scenario = SCENARIOS[name]
    within = trial // len(names)
    return TrialDesign(
        scenario=name,
        n_per_arm=scenario.n_per_arm[within % len(scenario.n_per_arm)],
        hazard_ratio=scenario.hazard_ratios[(within // len(scenario.n_per_arm)) % len(scenario.hazard_ratios)],
        seed=20_000 + trial,
    )


def simulate(plan: TrialDesign) -> pd.DataFrame:
    """The trial's true patients (crossing curves: the early hazard ratio first, then the planned one)."""
    scenario = SCENARIOS[plan.scenario]
    arguments = {
        "accrual_months": scenario.accrual_months,
        "followup_months": scenario.followup_months,
        "dropout_rate": scenario.dropout_rate,
        "seed": plan.seed,
        "control_median_months": scenario.control_median_months,
    }
    if not scenario.crossing:
        return simulate_trial(plan.n_per_arm, plan.hazard_ratio, scenario.baseline, **arguments)  # type: ignore[arg-type]
    # Crossing curves: the experimental arm's hazard is CROSSING_EARLY_HR times the control's for
    # CROSSING_MONTHS, then hazard_ratio times it. Enrolment, data cut and loss: the conduct of simulate_trial.
    rng = np.random.default_rng(plan.seed)
    conduct = trial_conduct(scenario.accrual_months, scenario.followup_months, scenario.dropout_rate)
    rate = math.log(2) / scenario.control_median_months
    arms = []
    for arm in ("control", "experimental"):
        unit_hazard = rng.exponential(size=plan.n_per_arm)
        if arm == "control":
            event_time = unit_hazard / rate
        else:
            early_hazard = rate * CROSSING_EARLY_HR * CROSSING_MONTHS
            event_time = np.where(
                unit_hazard <= early_hazard,
                unit_hazard / (rate * CROSSING_EARLY_HR),
                CROSSING_MONTHS + (unit_hazard - early_hazard) / (rate * plan.hazard_ratio),
            )
        entry, loss = rng.random(plan.n_per_arm), rng.random(plan.n_per_arm)
        censor_time = conduct.draw(entry, loss).last_contact
        has_event = event_time <= censor_time
        arms.append(
            pd.DataFrame(
                {"time": np.where(has_event, event_time, censor_time), "event": has_event.astype(np.int64), "arm": arm}
            )
        )
    return pd.concat(arms, ignore_index=True)


def figure_end(trial: pd.DataFrame, every: float) -> float:
    """Where the published figure stops: the last table time with enough patients at risk."""
    table_times = np.arange(0.0, trial.time.max(), every)
    at_risk = survival.number_at_risk(trial.time, trial.event, table_times)
    return float(table_times[at_risk >= MIN_SHARE_AT_RISK * len(trial)].max())


def ideal(truth: pd.DataFrame, table_times: np.ndarray) -> pd.DataFrame:
    """Exact event times; each table interval's censored patients spread evenly over it."""
    events = truth.time[truth.event == 1].to_numpy()
    censored = truth.time[truth.event == 0].to_numpy()
    edges = np.append(table_times, max(float(truth.time.max()), table_times[-1]))
    spread = []
    for index, (start, end) in enumerate(pairwise(edges)):
        last = index == len(edges) - 2
        inside = (censored >= start) & ((censored <= end) if last else (censored < end))
        count = int(inside.sum())
        spread.append(start + np.arange(1, count + 1) * (end - start) / (count + 1))
    times = np.concatenate([events, *spread])
    flags = np.concatenate([np.ones(len(events), dtype=np.int64), np.zeros(len(times) - len(events), dtype=np.int64)])
    return pd.DataFrame({"time": times, "event": flags})


def figure(trial: pd.DataFrame, plan: TrialDesign, end: float, exact: bool = False) -> dict[str, FigureReading]:
    """The trial's figure as a digitiser reads it (``exact``: without reading error), arm by arm."""
    scenario = SCENARIOS[plan.scenario]
    return published_figure(
        trial,
        n_points=CURVE_POINTS,
        risk_every=scenario.risk_every,
        until=end,
        reading_error=0.0 if exact else scenario.reading_error,
        seed=plan.seed,
    )


def reconstruct(method: str, trial: pd.DataFrame, plan: TrialDesign, end: float) -> pd.DataFrame:
    """Rebuild the trial's patients from what its paper would show."""
    scenario = SCENARIOS[plan.scenario]
    if method == "from_aggregates":
        arms = list(dict.fromkeys(trial.arm))
        followup = {arm: survival.reverse_km_followup(group.time, group.event) for arm, group in trial.groupby("arm")}
        pseudo = from_aggregates(
            n={arm: int((trial.arm == arm).sum()) for arm in arms},
            events={arm: int(trial.event[trial.arm == arm].sum()) for arm in arms},
            followup=followup,
            enrolment_months=scenario.accrual_months,
            data_cut_months=scenario.accrual_months + scenario.followup_months,
            at_risk=(end, int(survival.number_at_risk(trial.time, trial.event, [end])[0])),
            reference="control",
            assessment_months=None,  # the simulated trials have no visit schedule
            seed=plan.seed,
        )
        return pseudo.data[["time", "event", "arm"]]
    arms = []
    exact = method in ("guyot_exact_reading", "guyot_exact_in_figure")
    for arm, reading in figure(trial, plan, end, exact=exact).items():
        truth = trial[trial.arm == arm]
        if method == "ideal":
            patients = ideal(truth, reading.at_risk.time.to_numpy())
        elif method == "ideal_between_events":
            patients = ideal(truth, np.union1d([0.0], truth.time[truth.event == 1]))
        else:
            with_table = method != "guyot_events_only"
            risk_time, n_risk = (reading.at_risk.time, reading.at_risk.n_risk) if with_table else ([0.0], [reading.n])
            total = None if method == "guyot_no_totals" else reading.events
            patients = guyot(reading.curve.time, reading.curve.survival, risk_time, n_risk, total, warn=False)
            if method == "guyot_exact_in_figure":
                after = ideal(truth, reading.at_risk.time.to_numpy())
                patients = pd.concat([patients[patients.time < end], after[after.time >= end]], ignore_index=True)
        arms.append(patients.assign(arm=arm))
    return pd.concat(arms, ignore_index=True)


def km_differences(truth: pd.DataFrame, rebuilt: pd.DataFrame, end: float) -> tuple[float, float]:
    """Largest and mean vertical gap between the true and rebuilt Kaplan–Meier curves on [0, end].

    The largest gap is the worst arm's; the mean is over a grid of times and both arms.
    """
    grid = np.linspace(0.0, end, KM_GRID_POINTS)
    gaps = [survival.km_gap(patients, rebuilt[rebuilt.arm == arm], at=grid) for arm, patients in truth.groupby("arm")]
    return max(gap.largest for gap in gaps), float(np.mean([gap.mean for gap in gaps]))


def reading_km_gap(trial: pd.DataFrame, plan: TrialDesign, end: float, exact: bool = False) -> float:
    """Largest vertical gap between the digitised curve (cleaned, as a step function) and the true one on [0, end].

    What a rebuild that follows the curve it is given cannot avoid: a step read a little early or
    late, or a little high or low, is where the rebuilt curve puts it. The worst arm's; ``exact``:
    of the figure read without reading error (then only merged drops open a gap).
    """
    grid = np.linspace(0.0, end, KM_GRID_POINTS)
    gaps = []
    for arm, reading in figure(trial, plan, end, exact=exact).items():
        patients = trial[trial.arm == arm]
        true_curve = survival.kaplan_meier(patients.time, patients.event, at=grid).survival.to_numpy()
        curve = clean_curve(reading.curve.time, reading.curve.survival)
        read_curve = curve.survival[np.searchsorted(curve.time, grid, side="right") - 1]
        gaps.append(np.max(np.abs(true_curve - read_curve)))
    return float(max(gaps))


def run_trial(trial_number: int) -> list[dict[str, object]]:
    """Simulate one trial, rebuild it every way, and measure each."""
    warnings.simplefilter("ignore", CleaningWarning)
    plan = design(trial_number)
    trial = simulate(plan)
    end = figure_end(trial, SCENARIOS[plan.scenario].risk_every)
    truth = survival.compare_arms(trial, reference="control")
    true_log_hr, true_se, true_p = truth.hazard_ratio.log_hr, truth.hazard_ratio.se, truth.logrank.p_value
    reading_gap = reading_km_gap(trial, plan, end)
    rows = []
    for method in METHODS:
        if method == "from_aggregates" and plan.scenario not in AGGREGATE_SCENARIOS:
            continue
        rebuilt = reconstruct(method, trial, plan, end)
        summary = survival.compare_arms(rebuilt, reference="control")
        log_hr, se, p_value = summary.hazard_ratio.log_hr, summary.hazard_ratio.se, summary.logrank.p_value
        km_max, km_mean = km_differences(trial, rebuilt, end)
        rows.append(
            {
                "trial": trial_number,
                "scenario": plan.scenario,
                "n_per_arm": plan.n_per_arm,
                "hazard_ratio": plan.hazard_ratio,
                "seed": plan.seed,
                "figure_end_months": end,
                "method": method,
                "events_true": int(trial.event.sum()),
                "events": int(rebuilt.event.sum()),
                "log_hr_true": true_log_hr,
                "log_hr": log_hr,
                "log_hr_error": log_hr - true_log_hr,
                "se_true": true_se,
                "se": se,
                "se_ratio": se / true_se,
                "km_max_difference": km_max,
                "km_mean_difference": km_mean,
                "km_max_difference_reading": reading_gap,
                "logrank_p_true": true_p,
                "logrank_p": p_value,
                "p_difference": p_value - true_p,
            }
        )
    return rows


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """The distribution of the errors by method, over all trials and by scenario (``grouping``, ``group``)."""

    def measures(group: pd.DataFrame) -> pd.Series:
        error = group.log_hr_error
        absolute = error.abs()
        return pd.Series(
            {
                "trials": len(group),
                "log_hr_bias": error.mean(),
                "log_hr_mae": absolute.mean(),
                "log_hr_median_abs_error": absolute.median(),
                "log_hr_p95_abs_error": absolute.quantile(0.95),
                "log_hr_max_abs_error": absolute.max(),
                "se_ratio_mean": group.se_ratio.mean(),
                "km_mean_difference_mean": group.km_mean_difference.mean(),
                "km_max_difference_median": group.km_max_difference.median(),
                "km_max_difference_p95": group.km_max_difference.quantile(0.95),
                "km_max_difference_max": group.km_max_difference.max(),
                "km_reading_difference_median": group.km_max_difference_reading.median(),
                "km_reading_difference_max": group.km_max_difference_reading.max(),
                "p_difference_mae": group.p_difference.abs().mean(),
                "events_mae": (group.events - group.events_true).abs().mean(),
            }
        )

    tables = []
    for grouping in ("all", "scenario"):
        keys = ["method"] if grouping == "all" else ["method", grouping]
        table = results.groupby(keys, sort=False).apply(measures, include_groups=False).reset_index()
        table.insert(1, "grouping", grouping)
        table.insert(2, "group", "all" if grouping == "all" else table.pop(grouping).astype(str))
        tables.append(table)
    summary = pd.concat(tables, ignore_index=True)
    summary["trials"] = summary.trials.astype(int)
    return summary


def summary_path(out: Path) -> Path:
    return out.with_name(out.stem + "_summary" + out.suffix)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=420, help="number of simulated trials (default 420)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="per-trial CSV (summary written next to it)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    arguments = parser.parse_args(argv)
    if arguments.trials < 1:
        parser.error("--trials must be 1 or more")
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    command = f"python scripts/accuracy_study.py --trials {arguments.trials} --out {shlex.quote(str(shown_out))}"

    trial_numbers = range(arguments.trials)
    if arguments.jobs > 1:
        with ProcessPoolExecutor(max_workers=arguments.jobs) as pool:
            per_trial = list(pool.map(run_trial, trial_numbers))
    else:
        per_trial = [run_trial(number) for number in trial_numbers]
    results = pd.DataFrame([row for rows in per_trial for row in rows])
    write_table(results, arguments.out, f"made by: {command}")
    summary = summarise(results)
    write_table(summary, summary_path(arguments.out), f"made by: {command}")
    columns = [
        "method",
        "group",
        "trials",
        "log_hr_median_abs_error",
        "log_hr_p95_abs_error",
        "log_hr_max_abs_error",
        "km_max_difference_median",
        "km_max_difference_max",
        "km_reading_difference_median",
    ]
    print(summary[columns].to_string(index=False), file=sys.stdout)


if __name__ == "__main__":
    main()
