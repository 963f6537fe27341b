"""Time the reconstruction engine: ``python benchmarks/bench_reconstruct.py``.

Prints one line per measurement, e.g. ``guyot n=10000: 0.012 s``: Guyot's
algorithm on one arm of 1 000, 10 000 and 100 000 patients read from a
simulated figure (200 curve points, 10 intervals of the numbers-at-risk
table), with how many times faster it is than IPDfromKM's 0.4 s per arm
(target: 100 times); then the ALEXANDRA pseudo-data; then the accuracy study
(``scripts/accuracy_study.py``) on a few trials of each scenario, projected to
the full study on 2 cores; then ours against IPDfromKM per arm on the readings of the real-data
study (``scripts/real_data_study.py``, one reading of each data set): time per arm, median and
worst |Δ log HR| (IPDfromKM only when ``../shared/peers`` and ``Rscript`` are present). Each time
is the best of a few runs.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from alexandra.reconstruction import guyot, published_figure, simulate_trial
from alexandra.trial import alexandra_pseudo_ipd

ARM_SIZES = (1_000, 10_000, 100_000)
CURVE_POINTS = 200
RISK_INTERVALS = 10
FOLLOWUP_END = 60.0  # accrual 24 + follow-up 36 months: the simulated figure ends here
IPDFROMKM_SECONDS = 0.4  # IPDfromKM's time per arm on a curve of this kind (issue 13)
STUDY_TRIALS = 14  # two of each scenario


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
            partial(guyot, curve.time, curve.survival, table.time, table.n_risk, reading.events, warn=False),
            repeats=5,
        )
        print(
            f"guyot n={size}: {seconds:.4f} s ({len(curve)} curve points, {len(table)} at-risk rows; "
            f"{IPDFROMKM_SECONDS / seconds:.0f}x faster than IPDfromKM's {IPDFROMKM_SECONDS} s)"
        )
    alexandra_pseudo_ipd()  # the first call also pays for importing lifelines
    print(f"alexandra_pseudo_ipd: {best_time(alexandra_pseudo_ipd, repeats=3):.3f} s")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import accuracy_study

    with tempfile.TemporaryDirectory() as folder:
        arguments = ["--trials", str(STUDY_TRIALS), "--jobs", "1", "--out", str(Path(folder) / "study.csv")]
        with contextlib.redirect_stdout(io.StringIO()):  # the study prints its summary
            seconds = best_time(partial(accuracy_study.main, arguments), repeats=1)
    per_trial = seconds / STUDY_TRIALS
    trials = 420  # the size `make data` runs
    print(
        f"accuracy study: {per_trial:.2f} s per trial on one core; "
        f"{trials} trials on 2 cores about {trials * per_trial / 2:.0f} s"
    )


def real_data() -> None:
    """Ours vs IPDfromKM on one reading of each real data set: time per arm, median and worst |Δ log HR|."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import real_data_study

    with_peer = real_data_study.peer_available()
    error = real_data_study.measured_error(real_data_study.reading_error_calibration())
    rows = [
        row for name in real_data_study.DATASETS for row in real_data_study.run_reading((name, 0, with_peer, error))
    ]
    for method, group in pd.DataFrame(rows).groupby("method", sort=False):
        absolute = group.log_hr_error.abs()
        print(
            f"real data, {method}: {group.seconds_per_arm.median():.4f} s per arm; |Δ log HR| median "
            f"{absolute.median():.4f}, worst {absolute.max():.4f} ({len(group)} data sets, one reading each)"
        )
    if not with_peer:
        print("real data, IPDfromKM: skipped (../shared/peers or Rscript absent)")


if __name__ == "__main__":
    main()
    real_data()
