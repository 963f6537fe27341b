"""How close do reconstructions get to the truth? A simulation study.

Simulates two-arm trials whose patients are known (:mod:`alexandra.simulate`),
"publishes" each one — the Kaplan–Meier figure as a digitiser reads it, the
numbers at risk under it, the patients and events per arm, the follow-up — and
rebuilds the patients three ways:

(a) ``guyot_risk_table``: Guyot's algorithm with the numbers-at-risk table and total events;
(b) ``guyot_events_only``: Guyot's algorithm with only the arm size and total events;
(c) ``from_aggregates``: no figure at all, only the aggregates a paper like
    ALEXANDRA prints (patients, events, follow-up quartiles per arm, enrolment
    window, data cut, patients at risk where the figure stops); the hazard
    ratio is *not* given, so it has to come out of the rebuilt data.

Each rebuilt trial is compared with the true patients: the error of the Cox log
hazard ratio, the ratio of its standard errors, the largest and the mean gap
between the Kaplan–Meier curves (up to where the figure stops) and the
difference in log-rank P values. Figures are read with a small digitising
error (:data:`READING_ERROR`).

Usage::

    python scripts/accuracy_study.py                     # 240 trials, ~2 minutes on 2 cores
    python scripts/accuracy_study.py --trials 3 --out /tmp/study.csv

Trials cycle through three event-time shapes (exponential, Weibull, a delayed
effect), four sizes (200 to 2000 patients), two settings (many events; few
events with long accrual, like ALEXANDRA) and four true hazard ratios.

Writes one row per trial and method to ``--out`` and a summary by method
(over all trials, then by setting, shape and size) next to it (``*_summary.csv``). The
first line of each file is a comment with the command that made it (read them
with ``pandas.read_csv(path, comment="#")``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from alexandra import survival
from alexandra.reconstruct import from_aggregates, guyot
from alexandra.simulate import BASELINES, Baseline, published_figure, simulate_trial
from generated_table import write_table  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "accuracy_study.csv"

METHODS = ("guyot_risk_table", "guyot_events_only", "from_aggregates")
"""The three reconstructions, (a), (b) and (c)."""

TRIAL_SIZES = (200, 500, 1000, 2000)
"""Patients per trial (both arms)."""

SETTINGS: dict[str, dict[str, float]] = {
    # About half the patients have an event: the kind of trial reconstruction papers test on.
    "many_events": {
        "accrual_months": 24.0,
        "followup_months": 36.0,
        "control_median_months": 36.0,
        "dropout_rate": 0.01,
    },
    # Like ALEXANDRA: long accrual, short minimum follow-up, about one patient in eight with an event.
    "few_events": {
        "accrual_months": 48.0,
        "followup_months": 12.0,
        "control_median_months": 170.0,
        "dropout_rate": 0.005,
    },
}
"""Trial designs: accrual, follow-up after the last entry, control median (months) and dropout per month."""

HAZARD_RATIOS = (0.7, 0.85, 1.0, 1.15)
"""True hazard ratios (for "nonph": after the delay)."""

RISK_EVERY = 6.0  # months between the columns of the numbers-at-risk table
CURVE_POINTS = 200
READING_ERROR = 0.002
"""Digitising error, as a share of each axis (about one pixel on a 500-pixel axis)."""
MIN_SHARE_AT_RISK = 0.05
"""Figures stop at the last table time where at least this share of the patients is still at risk."""

KM_GRID_POINTS = 400


@dataclass(frozen=True)
class TrialDesign:
    """One simulated trial of the study."""

    baseline: Baseline
    n_total: int
    setting: str
    hazard_ratio: float
    seed: int


def design(trial: int) -> TrialDesign:
    """The design of trial number ``trial``: cycles through shapes, sizes, settings, then hazard ratios."""
    cells = [len(BASELINES), len(TRIAL_SIZES), len(SETTINGS), len(HAZARD_RATIOS)]
    shape, size, setting, hazard_ratio = np.unravel_index(trial % int(np.prod(cells)), cells[::-1])[::-1]
    return TrialDesign(
        baseline=BASELINES[shape],
        n_total=TRIAL_SIZES[size],
        setting=list(SETTINGS)[setting],
        hazard_ratio=HAZARD_RATIOS[hazard_ratio],
        seed=10_000 + trial,
    )


def figure_end(trial: pd.DataFrame) -> float:
    """Where the published figure stops: the last table time with enough patients at risk."""
    table_times = np.arange(0.0, trial.time.max(), RISK_EVERY)
    at_risk = survival.number_at_risk(trial.time, trial.event, table_times)
    return float(table_times[at_risk >= MIN_SHARE_AT_RISK * len(trial)].max())


def reconstruct(method: str, trial: pd.DataFrame, end: float, setting: str, seed: int) -> pd.DataFrame:
    """Rebuild the trial's patients from what its paper would show."""
    if method == "from_aggregates":
        design_of = SETTINGS[setting]
        arms = list(dict.fromkeys(trial.arm))
        followup = {arm: survival.reverse_km_followup(group.time, group.event) for arm, group in trial.groupby("arm")}
        at_end = int(survival.number_at_risk(trial.time, trial.event, [end])[0])
        pseudo = from_aggregates(
            n={arm: int((trial.arm == arm).sum()) for arm in arms},
            events={arm: int(trial.event[trial.arm == arm].sum()) for arm in arms},
            followup=followup,
            enrolment_months=design_of["accrual_months"],
            data_cut_months=design_of["accrual_months"] + design_of["followup_months"],
            at_risk=(end, at_end),
            reference="control",
            seed=seed,
        )
        return pseudo.data[["time", "event", "arm"]]
    arms = []
    figure = published_figure(
        trial, n_points=CURVE_POINTS, risk_every=RISK_EVERY, until=end, reading_error=READING_ERROR, seed=seed
    )
    for arm, reading in figure.items():
        if method == "guyot_risk_table":
            risk_time, n_risk = reading.at_risk.time, reading.at_risk.n_risk
        else:
            risk_time, n_risk = [0.0], [reading.n]
        patients = guyot(reading.curve.time, reading.curve.survival, risk_time, n_risk, total_events=reading.events)
        arms.append(patients.assign(arm=arm))
    return pd.concat(arms, ignore_index=True)


def km_differences(truth: pd.DataFrame, rebuilt: pd.DataFrame, end: float) -> tuple[float, float]:
    """Largest and mean vertical gap between the true and rebuilt Kaplan–Meier curves on [0, end].

    The largest gap is the worst arm's; the mean is over a grid of times and both arms. The
    largest gap of a small trial is often one step of the curve read a little early or late.
    """
    grid = np.linspace(0.0, end, KM_GRID_POINTS)
    gaps = []
    for arm, patients in truth.groupby("arm"):
        other = rebuilt[rebuilt.arm == arm]
        true_curve = survival.kaplan_meier(patients.time, patients.event, at=grid).survival.to_numpy()
        rebuilt_curve = survival.kaplan_meier(other.time, other.event, at=grid).survival.to_numpy()
        gaps.append(np.abs(true_curve - rebuilt_curve))
    return float(np.max(gaps)), float(np.mean(gaps))


def run_trial(trial_number: int) -> list[dict[str, object]]:
    """Simulate one trial, rebuild it three ways, and measure each."""
    plan = design(trial_number)
    setting = SETTINGS[plan.setting]
    trial = simulate_trial(
        plan.n_total // 2,
        plan.hazard_ratio,
        plan.baseline,
        accrual_months=setting["accrual_months"],
        followup_months=setting["followup_months"],
        dropout_rate=setting["dropout_rate"],
        seed=plan.seed,
        control_median_months=setting["control_median_months"],
    )
    end = figure_end(trial)
    true_hr = survival.cox_hazard_ratio(trial.time, trial.event, trial.arm, reference="control")
    true_p = survival.logrank_test(trial.time, trial.event, trial.arm, reference="control").p_value
    rows = []
    for method in METHODS:
        rebuilt = reconstruct(method, trial, end, plan.setting, seed=plan.seed)
        hr = survival.cox_hazard_ratio(rebuilt.time, rebuilt.event, rebuilt.arm, reference="control")
        p_value = survival.logrank_test(rebuilt.time, rebuilt.event, rebuilt.arm, reference="control").p_value
        km_max, km_mean = km_differences(trial, rebuilt, end)
        rows.append(
            {
                "trial": trial_number,
                **asdict(plan),
                "figure_end_months": end,
                "method": method,
                "events_true": int(trial.event.sum()),
                "events": int(rebuilt.event.sum()),
                "log_hr_true": true_hr.log_hr,
                "log_hr": hr.log_hr,
                "log_hr_error": hr.log_hr - true_hr.log_hr,
                "se_true": true_hr.se,
                "se": hr.se,
                "se_ratio": hr.se / true_hr.se,
                "km_max_difference": km_max,
                "km_mean_difference": km_mean,
                "logrank_p_true": true_p,
                "logrank_p": p_value,
                "p_difference": p_value - true_p,
            }
        )
    return rows


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Bias, mean absolute error and the other measures, by method: over all trials, then by
    setting, by event-time shape and by trial size (column ``grouping``, value in ``group``)."""

    def measures(group: pd.DataFrame) -> pd.Series:
        error = group.log_hr_error
        return pd.Series(
            {
                "trials": len(group),
                "log_hr_bias": error.mean(),
                "log_hr_mae": error.abs().mean(),
                "log_hr_rmse": float(np.sqrt((error**2).mean())),
                "log_hr_max_abs_error": error.abs().max(),
                "se_ratio_mean": group.se_ratio.mean(),
                "km_mean_difference_mean": group.km_mean_difference.mean(),
                "km_max_difference_mean": group.km_max_difference.mean(),
                "km_max_difference_max": group.km_max_difference.max(),
                "p_difference_mae": group.p_difference.abs().mean(),
                "events_mae": (group.events - group.events_true).abs().mean(),
            }
        )

    tables = []
    for grouping in ("all", "setting", "baseline", "n_total"):
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
    parser.add_argument("--trials", type=int, default=240, help="number of simulated trials (default 240)")
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
    print(summary[summary.grouping.isin(["all", "setting"])].to_string(index=False), file=sys.stdout)


if __name__ == "__main__":
    main()
