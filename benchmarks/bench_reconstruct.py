"""Time the reconstruction engine: ``python benchmarks/bench_reconstruct.py``.

Prints one line per measurement, e.g. ``guyot n=10000: 0.012 s``: Guyot's
algorithm on one arm of 1 000, 10 000 and 100 000 patients read from a
simulated figure (200 curve points, 10 intervals of the numbers-at-risk
table), then the ALEXANDRA pseudo-data. Each time is the best of a few runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from alexandra.reconstruct import alexandra_pseudo_ipd, guyot
from alexandra.simulate import published_figure, simulate_trial

ARM_SIZES = (1_000, 10_000, 100_000)
CURVE_POINTS = 200
RISK_INTERVALS = 10
FOLLOWUP_END = 60.0  # accrual 24 + follow-up 36 months: the simulated figure ends here


def best_time(run: Callable[[], object], repeats: int) -> float:
    """Fastest of ``repeats`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    for size in ARM_SIZES:
        trial = simulate_trial(size, hazard_ratio=0.8, dropout_rate=0.01, seed=1)
        reading = published_figure(
            trial, n_points=CURVE_POINTS, risk_every=FOLLOWUP_END / RISK_INTERVALS, until=FOLLOWUP_END
        )["control"]
        curve, table = reading.curve, reading.at_risk
        seconds = best_time(
            lambda: guyot(curve.time, curve.survival, table.time, table.n_risk, reading.events), repeats=5
        )
        print(f"guyot n={size}: {seconds:.3f} s ({len(curve)} curve points, {len(table)} at-risk rows)")
    alexandra_pseudo_ipd()  # the first call also pays for importing lifelines
    print(f"alexandra_pseudo_ipd: {best_time(alexandra_pseudo_ipd, repeats=3):.3f} s")


if __name__ == "__main__":
    main()
