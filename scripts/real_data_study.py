"""How close do reconstructions get on real patients? A validation study on public data sets.

Each data set below holds real patients of two groups (lifelines' data sets, installed with the
book). Its Kaplan–Meier figure is "published" — drawn up to where about a tenth of the patients
are still at risk, with the numbers at risk every 6 or 12 time units and each group's events
within the figure — and read several times with a digitiser-error model whose size was measured
on two real readings of one figure (:data:`alexandra.reconstruction.READING_ERROR`, measured
again here on the two readings of Bonner et al. 2006 in ``data/digitised/``). Each reading is
rebuilt by our engine (:func:`alexandra.reconstruction.guyot`) and, when the peer is present
(``../shared/peers/IPDfromKM``, with ``Rscript``), by the R package IPDfromKM on the same input.
The rebuilt Cox hazard ratio is compared with the real patients' (censored at the figure's end),
with the largest gap between the Kaplan–Meier curves and the error of the medians.

Only some comparisons were randomised (column ``design``); the others compare groups that
were not assigned at random, and are labelled ``observational``: they test the rebuild, not a
treatment.

Usage::

    python scripts/real_data_study.py                      # 5 readings a data set, about 2 minutes
    python scripts/real_data_study.py --readings 1 --out /tmp/real.csv --no-peer

Writes one row per data set, reading and method to ``--out``, a summary by data set and method
next to it (``*_summary.csv``) and the reading-error calibration (``*_reading_error.csv``); the
first line of each is the command that made it.
"""

from __future__ import annotations

import argparse
import math
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from alexandra import survival
from alexandra.reconstruction import (
    CleaningWarning,
    ReadingError,
    clean_curve,
    guyot,
    read_curve_csv,
    read_figure,
    risk_table,
)
from generated_table import write_table  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reconstructed" / "real_data_study.csv"
PEERS = Path(__file__).parents[1].parent / "shared" / "peers"
PEER_SCRIPT = PEERS / "IPDfromKM" / "run.R"
DIGITISED = ROOT / "data" / "digitised"
BONNER_TABLE_TIMES = (10.0, 20.0, 30.0, 40.0, 50.0)

MIN_SHARE_AT_RISK = 0.10
"""The figure stops where this share of the patients is still at risk (or at the last follow-up)."""
CURVE_POINTS = 120
"""Clicks per reading: the two real readings of Bonner et al. have 145 and 102."""
KM_GRID_POINTS = 400
DAYS_PER_MONTH = 365.25 / 12
METHODS = ("ours", "IPDfromKM")


@dataclass(frozen=True)
class DataSet:
    """A public data set of two groups: how to load it, and how its figure is published."""

    load: Callable[[], pd.DataFrame]
    reference: str
    unit: str
    risk_every: float
    design: str
    note: str


def _rossi() -> pd.DataFrame:
    from lifelines.datasets import load_rossi

    data = load_rossi()
    arm = np.where(data.fin == 1, "financial aid", "no aid")
    return pd.DataFrame({"time": data.week.astype(float), "event": data.arrest, "arm": arm})


def _leukemia() -> pd.DataFrame:
    from lifelines.datasets import load_leukemia

    data = load_leukemia()
    arm = np.where(data.Rx == 0, "6-MP", "placebo")
    return pd.DataFrame({"time": data.t.astype(float), "event": data.status, "arm": arm})


def _gbsg2() -> pd.DataFrame:
    from lifelines.datasets import load_gbsg2

    data = load_gbsg2()
    arm = np.where(data.horTh == "yes", "hormonal therapy", "none")
    return pd.DataFrame({"time": data.time / DAYS_PER_MONTH, "event": data.cens, "arm": arm})


def _lung() -> pd.DataFrame:
    from lifelines.datasets import load_lung

    data = load_lung()
    arm = np.where(data.sex == 2, "women", "men")
    return pd.DataFrame({"time": data.time / DAYS_PER_MONTH, "event": data.status, "arm": arm})


def _kidney() -> pd.DataFrame:
    from lifelines.datasets import load_kidney_transplant

    data = load_kidney_transplant()
    arm = np.where((data.black_male == 1) | (data.white_male == 1), "men", "women")
    return pd.DataFrame({"time": data.time / DAYS_PER_MONTH, "event": data.death, "arm": arm})


DATASETS: dict[str, DataSet] = {
    "rossi": DataSet(
        _rossi, "no aid", "weeks", 6.0, "randomised", "Rossi 1980: financial aid after release, re-arrest"
    ),
    "leukemia": DataSet(
        _leukemia, "placebo", "weeks", 6.0, "randomised", "Freireich 1963: 6-MP vs placebo, remission (pairs)"
    ),
    "gbsg2": DataSet(
        _gbsg2,
        "none",
        "months",
        12.0,
        "observational",
        "GBSG-2: hormonal therapy randomised for part of the patients only; recurrence-free survival",
    ),
    "lung": DataSet(_lung, "men", "months", 6.0, "observational", "NCCTG advanced lung cancer: women vs men, death"),
    "kidney": DataSet(
        _kidney, "men", "months", 12.0, "observational", "Kidney transplant (Klein & Moeschberger): women vs men"
    ),
}


# -- the reading error, measured on two real readings -----------------------------------------


def reading_error_calibration() -> pd.DataFrame:
    """The between-reader spread of the two real readings of Bonner et al. (2006), radiotherapy arm.

    Returns one row per measure: the step functions' vertical gaps, the horizontal gaps at
    survival levels (their median: one reading's shift; their robust spread: the clicks' time
    error), the gaps at the times of the numbers at risk, and the resulting
    :class:`~alexandra.reconstruction.ReadingError` (each reader's share: the between-reader
    spread divided by √2).
    """
    readings = [
        clean_curve(curve.time, curve.survival)
        for curve in (
            read_curve_csv(DIGITISED / "bonner2006_radiotherapy_curve.csv"),
            read_curve_csv(DIGITISED / "bonner2006_ipdfc_radiotherapy_curve.csv"),
        )
    ]
    axis = min(float(reading.time[-1]) for reading in readings)
    grid = np.linspace(0.0, axis, 2000)
    first, second = (reading.survival[np.searchsorted(reading.time, grid, side="right") - 1] for reading in readings)
    vertical = second - first
    lowest = max(float(reading.survival[-1]) for reading in readings)
    levels = np.linspace(lowest + 0.01, 0.97, 200)
    crossing = [
        np.array([reading.time[np.argmax(reading.survival <= level)] for level in levels]) for reading in readings
    ]
    horizontal = crossing[1] - crossing[0]
    shift = float(np.median(horizontal))
    spread = float(1.4826 * np.median(np.abs(horizontal - shift)))
    table = np.array(BONNER_TABLE_TIMES)
    at_table = np.array(
        [reading.survival[np.searchsorted(reading.time, table, side="right") - 1] for reading in readings]
    )
    table_gap = float(np.sqrt(np.mean((at_table[1] - at_table[0]) ** 2)))
    error = ReadingError(
        time=spread / math.sqrt(2) / axis, survival=table_gap / math.sqrt(2), shift=abs(shift) / math.sqrt(2) / axis
    )
    rows = [
        ("time axis (months)", axis),
        ("vertical gap: largest", float(np.max(np.abs(vertical)))),
        ("vertical gap: median of |gap|", float(np.median(np.abs(vertical)))),
        ("vertical gap: SD", float(np.std(vertical))),
        ("horizontal gap: median (months)", shift),
        ("horizontal gap: robust SD (months)", spread),
        ("gap at the numbers-at-risk times: RMS", table_gap),
        ("reading error: time (share of axis)", error.time),
        ("reading error: survival", error.survival),
        ("reading error: shift (share of axis)", error.shift),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def measured_error(calibration: pd.DataFrame) -> ReadingError:
    """The :class:`ReadingError` of a calibration table."""
    value = calibration.set_index("measure").value
    return ReadingError(
        time=float(value["reading error: time (share of axis)"]),
        survival=float(value["reading error: survival"]),
        shift=float(value["reading error: shift (share of axis)"]),
    )


# -- one data set, one reading ------------------------------------------------------------------


def figure_end(patients: pd.DataFrame) -> float:
    """Where the figure stops: the last time at which at least MIN_SHARE_AT_RISK of the patients are at risk."""
    times = np.sort(patients.time.to_numpy())
    at_risk = len(times) - np.arange(len(times))  # patients with time >= times[k]
    return float(times[at_risk >= MIN_SHARE_AT_RISK * len(times)].max())


def truth(name: str) -> tuple[pd.DataFrame, float]:
    """The data set's patients censored at the figure's end, and that end."""
    patients = DATASETS[name].load()
    end = figure_end(patients)
    after = patients.time > end
    censored = patients.assign(time=patients.time.where(~after, end), event=patients.event.where(~after, 0))
    return censored.astype({"event": np.int64}), end


def run_peer(curve: pd.DataFrame, table: pd.DataFrame, total: int, folder: Path) -> tuple[pd.DataFrame, float]:
    """IPDfromKM on one arm (its own timing of the algorithm, without R's start-up)."""
    points, risk, out = folder / "points.csv", folder / "risk.csv", folder / "out.csv"
    curve[["time", "survival"]].to_csv(points, index=False)
    table[["time", "n_risk"]].to_csv(risk, index=False)
    done = subprocess.run(
        ["Rscript", str(PEER_SCRIPT), str(points), str(risk), str(out), str(total)],
        capture_output=True,
        text=True,
        check=True,
    )
    return pd.read_csv(out), float(done.stdout.split()[-1])


def measures(
    rebuilt: pd.DataFrame, patients: pd.DataFrame, reference: str, end: float, true_medians: dict[str, float]
) -> dict[str, float]:
    summary = survival.compare_arms(rebuilt, reference=reference)
    grid = np.linspace(0.0, end, KM_GRID_POINTS)
    gaps = [
        survival.km_gap(group, rebuilt[rebuilt.arm == arm], at=grid).largest for arm, group in patients.groupby("arm")
    ]
    errors = [abs(summary.arms.loc[arm, "median"] - true_medians[arm]) for arm in true_medians]
    known = [error for error in errors if not math.isnan(error)]
    return {
        "log_hr": summary.hazard_ratio.log_hr,
        "km_max_difference": float(max(gaps)),
        "median_abs_error": float(max(known)) if known else math.nan,
    }


def run_reading(job: tuple[str, int, bool, ReadingError]) -> list[dict[str, object]]:
    """Read one data set's figure once and rebuild it with each method."""
    warnings.simplefilter("ignore", CleaningWarning)
    name, reading, with_peer, error = job
    spec = DATASETS[name]
    patients, end = truth(name)
    true = survival.compare_arms(patients, reference=spec.reference)
    true_medians = {str(arm): float(row["median"]) for arm, row in true.arms.iterrows()}
    seed = 1000 * (list(DATASETS).index(name) + 1) + reading
    inputs = {}
    for index, (arm, group) in enumerate(patients.groupby("arm", sort=False)):
        curve = read_figure(group.time, group.event, until=end, error=error, n_points=CURVE_POINTS, seed=seed + index)
        table = risk_table(group.time, group.event, every=spec.risk_every, until=end)
        inputs[str(arm)] = (curve, table, int(group.event.sum()))
    rebuilt: dict[str, list[pd.DataFrame]] = {method: [] for method in METHODS}
    seconds = dict.fromkeys(METHODS, 0.0)
    with tempfile.TemporaryDirectory() as folder:
        for arm, (curve, table, total) in inputs.items():
            start = time.perf_counter()
            ours = guyot(curve.time, curve.survival, table.time, table.n_risk, total, warn=False)
            seconds["ours"] += time.perf_counter() - start
            rebuilt["ours"].append(ours.assign(arm=arm))
            if with_peer:
                theirs, peer_seconds = run_peer(curve, table, total, Path(folder))
                seconds["IPDfromKM"] += peer_seconds
                rebuilt["IPDfromKM"].append(theirs.assign(arm=arm))
    rows = []
    for method in METHODS if with_peer else METHODS[:1]:
        found = measures(pd.concat(rebuilt[method], ignore_index=True), patients, spec.reference, end, true_medians)
        rows.append(
            {
                "dataset": name,
                "design": spec.design,
                "unit": spec.unit,
                "patients": len(patients),
                "events": int(patients.event.sum()),
                "figure_end": end,
                "reading": reading,
                "method": method,
                "log_hr_true": true.hazard_ratio.log_hr,
                **found,
                "log_hr_error": found["log_hr"] - true.hazard_ratio.log_hr,
                "seconds_per_arm": seconds[method] / len(inputs),
            }
        )
    return rows


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """By data set (then over all) and method: median and worst |Δ log HR|, KM gap, median error, time."""

    def measure(group: pd.DataFrame) -> pd.Series:
        absolute = group.log_hr_error.abs()
        return pd.Series(
            {
                "readings": len(group),
                "log_hr_median_abs_error": absolute.median(),
                "log_hr_max_abs_error": absolute.max(),
                "km_max_difference_median": group.km_max_difference.median(),
                "km_max_difference_max": group.km_max_difference.max(),
                "median_abs_error_median": group.median_abs_error.median(),
                "seconds_per_arm": group.seconds_per_arm.median(),
            }
        )

    warnings.simplefilter("ignore", RuntimeWarning)  # the median error of data sets whose medians are not reached
    by_set = results.groupby(["dataset", "design", "method"], sort=False).apply(measure, include_groups=False)
    overall = results.groupby("method", sort=False).apply(measure, include_groups=False)
    overall.index = pd.MultiIndex.from_tuples([("all", "all", method) for method in overall.index])
    table = pd.concat([by_set, overall]).reset_index()
    table.columns = ["dataset", "design", "method", *table.columns[3:]]
    table["readings"] = table.readings.astype(int)
    return table


def peer_available() -> bool:
    """IPDfromKM can run: the peers folder is there and so is Rscript."""
    return PEER_SCRIPT.is_file() and shutil.which("Rscript") is not None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=5, help="readings of each figure (default 5)")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated data sets (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="per-reading CSV (summaries written next to it)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--no-peer", action="store_true", help="leave IPDfromKM out even when it is present")
    arguments = parser.parse_args(argv)
    names = [name.strip() for name in arguments.datasets.split(",") if name.strip()]
    unknown = [name for name in names if name not in DATASETS]
    if arguments.readings < 1 or unknown:
        parser.error(f"--readings must be 1 or more; data sets are {', '.join(DATASETS)}")
    with_peer = peer_available() and not arguments.no_peer
    out = arguments.out.resolve()
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else arguments.out
    command = f"python scripts/real_data_study.py --readings {arguments.readings}"
    if names != list(DATASETS):
        command += f" --datasets {','.join(names)}"
    command += f" --out {shlex.quote(str(shown_out))}" + ("" if with_peer else " --no-peer")

    calibration = reading_error_calibration()
    error = measured_error(calibration)
    jobs = [(name, reading, with_peer, error) for name in names for reading in range(arguments.readings)]
    if arguments.jobs > 1:
        with ProcessPoolExecutor(max_workers=arguments.jobs) as pool:
            per_reading = list(pool.map(run_reading, jobs))
    else:
        per_reading = [run_reading(job) for job in jobs]
    results = pd.DataFrame([row for rows in per_reading for row in rows])
    made_by = f"made by: {command} (real patients of public data sets; rebuilt from simulated readings)"
    write_table(results, arguments.out, made_by)
    summary = summarise(results)
    write_table(summary, path_with(arguments.out, "_summary"), made_by)
    write_table(calibration, path_with(arguments.out, "_reading_error"), f"made by: {command}")
    print(summary.to_string(index=False), file=sys.stdout)


def path_with(out: Path, suffix: str) -> Path:
    return out.with_name(out.stem + suffix + out.suffix)


if __name__ == "__main__":
    main()
