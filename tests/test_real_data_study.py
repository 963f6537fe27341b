"""Tests of scripts/real_data_study.py and its committed data (data/reconstructed/real_data_study*.csv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import real_data_study  # scripts/ is on the path (tests/conftest.py)
from alexandra.reconstruction import READING_ERROR

SMALL = ["--readings", "1", "--datasets", "rossi,leukemia", "--jobs", "1", "--no-peer"]


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "real.csv"
    real_data_study.main([*SMALL, "--out", str(out)])
    return out


def test_the_study_writes_every_data_set_and_its_summaries(small_study: Path) -> None:
    assert (
        small_study.read_text()
        .splitlines()[0]
        .startswith(
            f"# made by: python scripts/real_data_study.py --readings 1 --datasets rossi,leukemia --out {small_study} --no-peer"
        )
    )
    rows = pd.read_csv(small_study, comment="#")
    assert list(rows.dataset) == ["rossi", "leukemia"] and set(rows.method) == {"ours"}
    assert set(rows.design) == {"randomised"}
    np.testing.assert_allclose(rows.log_hr_error, rows.log_hr - rows.log_hr_true, atol=1e-5)
    assert (rows.log_hr_error.abs() < 0.2).all() and (rows.seconds_per_arm < 1).all()
    summary = pd.read_csv(real_data_study.path_with(small_study, "_summary"), comment="#")
    overall = summary[summary.dataset == "all"].set_index("method")
    assert overall.loc["ours", "log_hr_max_abs_error"] == pytest.approx(rows.log_hr_error.abs().max(), rel=1e-4)
    assert overall.loc["ours", "readings"] == len(rows)


def test_the_reading_error_is_the_one_measured_on_the_two_bonner_readings(small_study: Path) -> None:
    calibration = pd.read_csv(real_data_study.path_with(small_study, "_reading_error"), comment="#")
    measured = real_data_study.measured_error(calibration)
    assert measured.time == pytest.approx(READING_ERROR.time, abs=5e-5)
    assert measured.survival == pytest.approx(READING_ERROR.survival, abs=5e-5)
    assert measured.shift == pytest.approx(READING_ERROR.shift, abs=5e-5)


def test_observational_data_sets_are_labelled() -> None:
    designs = {name: spec.design for name, spec in real_data_study.DATASETS.items()}
    assert set(designs.values()) == {"randomised", "observational"}
    assert designs["rossi"] == designs["leukemia"] == "randomised" and designs["lung"] == "observational"


@pytest.mark.regeneration
def test_the_committed_study_was_made_by_this_code(small_study: Path) -> None:
    committed = pd.read_csv(real_data_study.DEFAULT_OUT, comment="#")
    assert committed.dataset.nunique() == len(real_data_study.DATASETS) and committed.reading.nunique() >= 3
    if real_data_study.peer_available():
        assert set(committed.method) == set(real_data_study.METHODS)
    rows = pd.read_csv(small_study, comment="#")
    same = committed[(committed.method == "ours") & (committed.reading == 0)]
    same = same[same.dataset.isin(rows.dataset)].reset_index(drop=True)
    columns = ["dataset", "reading", "log_hr_true", "log_hr", "km_max_difference", "median_abs_error"]
    pd.testing.assert_frame_equal(same[columns], rows[columns], check_exact=False, rtol=1e-6, atol=1e-6)
    committed_calibration = pd.read_csv(
        real_data_study.path_with(real_data_study.DEFAULT_OUT, "_reading_error"), comment="#"
    )
    fresh = pd.read_csv(real_data_study.path_with(small_study, "_reading_error"), comment="#")
    pd.testing.assert_frame_equal(committed_calibration, fresh, check_exact=False, rtol=1e-6)
