"""How far each regenerated number moves when the floating point under it moves in its last bits.

Another processor computes ``exp``, ``log`` and ``pow`` with other vector instructions, and its results
differ from ours in the last bits. This script imitates that on one machine: it reruns every computation
whose committed output a test regenerates, with the results of numpy's and Python's ``exp``, ``log``,
``log1p``, ``expm1`` and ``power`` multiplied by ``1 − δ·s`` (``s`` = 0 or 1 per element, alternating, so
that a probability stays at most 1),
for δ = 4 units in the last place and δ = 1e-12, and prints the largest change of each number next to
the tolerance its test allows. A number whose change comes near its tolerance is ill-conditioned.

    python benchmarks/conditioning.py [--out benchmarks/conditioning.csv]

(``make bench`` runs it.) The committed ``benchmarks/conditioning.csv`` is what the tests' tolerances cite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import accuracy_study  # noqa: E402
import precompute_sampling  # noqa: E402
import reconstruction_comparison  # noqa: E402
import reconstruction_sensitivity  # noqa: E402
from alexandra import inference, published, reconstruction, trial  # noqa: E402

PERTURBATIONS = {"4 ulp": 4 * np.finfo(float).eps, "1e-12": 1e-12}
_FUNCTIONS = ("exp", "log", "log1p", "expm1", "power")


@contextlib.contextmanager
def last_bits_moved(relative: float) -> Iterator[None]:
    """numpy's and math's transcendental functions, every other result moved down by ``relative``."""
    originals = {name: getattr(np, name) for name in _FUNCTIONS}
    scalar = {name: getattr(math, name) for name in ("exp", "log", "log1p", "expm1")}

    def moved(function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            result = function(*args, **kwargs)
            if isinstance(result, np.ndarray) and result.dtype.kind == "f":
                moved_down = np.arange(result.size).reshape(result.shape) % 2
                return result * (1.0 - relative * moved_down)
            if isinstance(result, float | np.floating):
                return type(result)(result * (1.0 - relative))
            return result

        return call

    for name, function in originals.items():
        setattr(np, name, moved(function))
    for name, function in scalar.items():
        setattr(math, name, moved(function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(np, name, function)
        for name, function in scalar.items():
            setattr(math, name, function)


def _numbers(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """Every numeric cell of ``frame`` as one series, named by the key columns and the column."""
    numeric = frame.select_dtypes("number").drop(columns=[c for c in key if c in frame], errors="ignore")
    labels = frame[key].astype(str).agg("/".join, axis=1)
    stacked = numeric.set_axis(labels).stack()
    stacked.index = [f"{row}:{column}" for row, column in stacked.index]
    return stacked.astype(float)


def pseudo_ipd() -> pd.Series:
    fresh = trial.alexandra_pseudo_ipd()
    check = reconstruction.regeneration_check(reconstruction.load_pseudo_ipd(), fresh)
    return check.set_index("quantity").fresh


def accuracy() -> pd.Series:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "study.csv"
        trials = len(accuracy_study.SCENARIOS)
        accuracy_study.main(["--trials", str(trials), "--out", str(out), "--jobs", "1"])
        return _numbers(pd.read_csv(out, comment="#"), ["trial", "method"])


def comparison() -> pd.Series:
    with tempfile.TemporaryDirectory() as folder:
        path = reconstruction_comparison.main(["--out", str(Path(folder) / "comparison.csv")])
        return _numbers(pd.read_csv(path, comment="#"), ["quantity"])


def sensitivity() -> pd.Series:
    with tempfile.TemporaryDirectory() as folder:
        arguments = ["--seeds", "1", "--seeds-per-scenario", "1", "--scenarios", "base", "hr_not_forced"]
        fresh = reconstruction_sensitivity.main([*arguments, "--out", str(Path(folder) / "s.csv"), "--jobs", "1"])
        return _numbers(fresh, ["scenario"])


def sampling() -> pd.Series:
    """The sampling tables of one true HR, rerun as tests/test_uncertainty.py does (trials and bins)."""
    header = (published.find_data_dir() / "simulated" / inference.SAMPLING_FILES["summary"]).read_text()
    arguments = header.splitlines()[0].split("Made by: ")[1].split()[2:]
    with tempfile.TemporaryDirectory() as folder:
        one_hr = [*arguments[: arguments.index("--true-hrs")], "--true-hrs", "0.85", "--out", folder]
        precompute_sampling.main(one_hr)
        histogram, summary = inference.load_sampling(Path(folder))
    bins = histogram.set_index("bin_lower").trials.rename(lambda edge: f"bin {edge:.2f}")
    return pd.concat([bins.astype(float), summary.drop(columns="true_hr").iloc[0].astype(float)])


def trial_model() -> pd.Series:
    model = trial.alexandra_trial_model()
    return pd.Series(
        {
            "enrolment_ramp_months": model.accrual.enrolment_shape.ramp_months,
            "control_event_free_3y": model.control_event_free_3y,
        }
    )


CASES: dict[str, Callable[[], pd.Series]] = {
    "pseudo-IPD (tests/test_pseudo_ipd.py)": pseudo_ipd,
    "accuracy study, 7 trials (tests/test_accuracy_study.py)": accuracy,
    "comparison table (tests/test_comparison.py)": comparison,
    "sensitivity, 2 rows (tests/test_comparison.py)": sensitivity,
    "sampling tables, true HR 0.85 (tests/test_uncertainty.py)": sampling,
    "trial model of the simulated tables (tests/test_design.py, test_monitoring.py)": trial_model,
}


def measure() -> pd.DataFrame:
    rows = []
    for case, compute in CASES.items():
        with contextlib.redirect_stdout(io.StringIO()):  # the scripts print their tables
            base = compute()
        for label, relative in PERTURBATIONS.items():
            with last_bits_moved(relative), contextlib.redirect_stdout(io.StringIO()):
                moved = compute()
            change = (moved.reindex(base.index) - base).abs()
            worst = change.idxmax() if change.notna().any() else ""
            rows.append(
                {
                    "case": case,
                    "perturbation": label,
                    "numbers": len(base),
                    "largest_change": float(change.max()),
                    "where": worst,
                    "largest_relative_change": float((change / base.abs().where(base != 0)).max()),
                }
            )
            print(f"{case:80s} {label:6s} max |Δ| {rows[-1]['largest_change']:.3g} at {worst}", flush=True)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="CSV file for the measurements")
    arguments = parser.parse_args(argv)
    table = measure()
    if arguments.out:
        command = "# made by: python benchmarks/conditioning.py --out " + str(arguments.out)
        arguments.out.write_text(command + "\n" + table.to_csv(index=False), encoding="utf-8")
    return table


if __name__ == "__main__":
    main()
