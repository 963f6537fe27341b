"""Time the stratified log-rank test on simulated trials of growing size, and the tests for non-proportional hazards.

Run: ``.venv/bin/python benchmarks/bench_survival.py``. Prints one line per size, e.g.
``logrank_test n=100000 strata=12: 0.052 s`` (median of several runs); the cost should grow
roughly linearly with the number of patients (it is one sort plus cumulative sums). Then one
line for each of the four tests of :mod:`alexandra.nph` and :mod:`alexandra.nph_estimates`
compared in the power simulation (log-rank, G(0, 1), MaxCombo, RMST difference) on 100 000
patients, unstratified.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from alexandra.survival import logrank_test, maxcombo_test, rmst_difference, weighted_logrank_test

SIZES = (10_000, 100_000, 1_000_000)
NPH_PATIENTS = 100_000
N_STRATA = 12
REPEATS = 5


def simulated_trial(n_patients: int, seed: int = 2025) -> dict[str, np.ndarray]:
    """Exponential follow-up in months (rounded to days, so with ties), 1:1 arms, 12 strata."""
    rng = np.random.default_rng(seed)
    return {
        "time": np.round(rng.exponential(40.0, n_patients) * 30.4375) / 30.4375,
        "event": rng.integers(0, 2, n_patients),
        "group": rng.choice(["atezolizumab", "chemotherapy"], n_patients),
        "strata": rng.integers(0, N_STRATA, n_patients),
    }


def median_seconds(test: Callable[..., Any], data: dict[str, Any]) -> float:
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        test(**data, reference="chemotherapy")
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    for n_patients in SIZES:
        seconds = median_seconds(logrank_test, simulated_trial(n_patients))
        print(f"logrank_test n={n_patients} strata={N_STRATA}: {seconds:.3f} s")
    unstratified = {key: value for key, value in simulated_trial(NPH_PATIENTS).items() if key != "strata"}
    tests: dict[str, Callable[..., Any]] = {
        "logrank_test": logrank_test,
        "weighted_logrank_test G(0, 1)": lambda **data: weighted_logrank_test(**data, gamma=1),
        "maxcombo_test": maxcombo_test,
        "rmst_difference tau=36": lambda **data: rmst_difference(**data, tau=36),
    }
    for name, test in tests.items():
        print(f"{name} n={NPH_PATIENTS}: {median_seconds(test, unstratified):.3f} s")


if __name__ == "__main__":
    main()
