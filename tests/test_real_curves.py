"""Real digitised curves rebuilt end to end: both arms of Bonner et al. (2006) against the paper.

The files and their provenance are in ``data/digitised/`` (README.md there). The reading of both
arms is the one shipped with Stata's ``ipdfc`` (Wei and Royston 2017); the radiotherapy arm was
also read, independently, by the authors of IPDfromKM. The published numbers come from the
paper's abstract (``data/digitised/published.csv``).

Tolerances are what the rebuild achieves on this reading, with a margin, not what simulation
reaches: the reading has about 100 points per arm, three significant figures, and ten-month gaps
between the rows of numbers at risk.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alexandra import reconstruction, survival
from alexandra.errors import DataError
from alexandra.reconstruction import clean_curve, read_curve_csv, read_risk_csv

FOLDER = Path(__file__).resolve().parents[1] / "data" / "digitised"

# (curve, numbers at risk) of each arm, the reference arm first.
ARMS = {
    "radiotherapy": ("bonner2006_ipdfc_radiotherapy_curve.csv", "bonner2006_radiotherapy_risk.csv"),
    "radiotherapy_cetuximab": ("bonner2006_ipdfc_cetuximab_curve.csv", "bonner2006_cetuximab_risk.csv"),
}

HR_TOLERANCE = 0.08
"""|log rebuilt HR − log published HR|. The rebuild gives 0.72 against 0.68: 0.052 to 0.062 with
the cleaning and censoring rules tried while issue 13 was worked on; 0.02 is left for later ones."""

P_FACTOR = 3.0
"""Rebuilt and published P within this factor: 0.0095 to 0.012 against 0.005. A shift of the log HR
by 0.05 moves the z statistic (standard error about 0.13) by 0.4, which alone doubles P."""

MEDIAN_TOLERANCE = 1.5
"""Months: near the median the digitised points lie up to 1.2 months apart (14.9 to 16.1)."""


@pytest.fixture(scope="module")
def paper() -> pd.Series:
    return pd.read_csv(FOLDER / "published.csv").set_index(["key", "arm"]).value


@pytest.fixture(scope="module")
def rebuilt() -> dict[str, pd.DataFrame]:
    arms = {}
    for arm, (curve_file, risk_file) in ARMS.items():
        curve, table = read_curve_csv(FOLDER / curve_file), read_risk_csv(FOLDER / risk_file)
        arms[arm] = reconstruction.guyot(curve.time, curve.survival, table.time, table.n_risk, warn=False)
    return arms


def _together(rebuilt: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([patients.assign(arm=arm) for arm, patients in rebuilt.items()], ignore_index=True)


def test_each_arm_has_its_published_size_and_printed_numbers_at_risk(
    rebuilt: dict[str, pd.DataFrame], paper: pd.Series
) -> None:
    for arm, patients in rebuilt.items():
        table = read_risk_csv(FOLDER / ARMS[arm][1])
        assert len(patients) == paper["n_randomized", arm]
        np.testing.assert_array_equal(survival.number_at_risk(patients.time, patients.event, table.time), table.n_risk)


def test_the_hazard_ratio_of_both_rebuilt_arms_is_near_the_published_one(
    rebuilt: dict[str, pd.DataFrame], paper: pd.Series
) -> None:
    data = _together(rebuilt)
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="radiotherapy")
    published = float(paper.xs("locoregional_hr", level="key").iloc[0])
    assert abs(np.log(cox.hr / published)) <= HR_TOLERANCE
    assert cox.lower < published < cox.upper
    test = survival.logrank_test(data.time, data.event, data.arm, reference="radiotherapy")
    published_p = float(paper.xs("locoregional_p_value", level="key").iloc[0])
    assert 1 / P_FACTOR <= test.p_value / published_p <= P_FACTOR


def test_the_rebuilt_medians_are_near_the_published_ones(rebuilt: dict[str, pd.DataFrame], paper: pd.Series) -> None:
    for arm, patients in rebuilt.items():
        published = paper["median_locoregional_control_months", arm]
        assert abs(survival.median_survival(patients.time, patients.event) - published) <= MEDIAN_TOLERANCE, arm


def test_two_independent_readings_of_the_radiotherapy_arm_rebuild_the_same_arm(
    rebuilt: dict[str, pd.DataFrame],
) -> None:
    curve = read_curve_csv(FOLDER / "bonner2006_radiotherapy_curve.csv")  # IPDfromKM's reading
    table = read_risk_csv(FOLDER / "bonner2006_radiotherapy_risk.csv")
    other = reconstruction.guyot(curve.time, curve.survival, table.time, table.n_risk, warn=False)
    # At the months of the numbers at risk the two readings differ by up to 1.2 percentage points
    # (where the curve falls steeply, by up to 11: the early drops were placed apart in time).
    months = table.time[1:].to_numpy()
    ours = survival.kaplan_meier(rebuilt["radiotherapy"].time, rebuilt["radiotherapy"].event, at=months)
    theirs = survival.kaplan_meier(other.time, other.event, at=months)
    assert np.max(np.abs(ours.survival.to_numpy() - theirs.survival.to_numpy())) < 0.03


def test_the_cleaning_report_names_what_each_reading_needed(rebuilt: dict[str, pd.DataFrame]) -> None:
    for arm, patients in rebuilt.items():
        raw = read_curve_csv(FOLDER / ARMS[arm][0])
        rules = {change.what for change in patients.attrs["changes"]}
        # Percent survival, rises inside vertical drops read bottom first, and points clicked twice.
        assert {"percent", "upward step", "duplicate time"} <= rules, arm
        assert "negative time" not in rules and "survival above 1" not in rules, arm
        # The radiotherapy reading has no point at time 0; the cetuximab reading starts at (0, 100).
        starts_at_origin = bool(((raw.time == 0) & (raw.survival == 100)).any())
        assert ("start" in rules) == (not starts_at_origin), arm
        # Duplicates dropped: the cleaned curve has one point per distinct time read (and the origin).
        cleaned = clean_curve(raw.time, raw.survival)
        assert len(cleaned.time) == raw.time.nunique() + (not starts_at_origin)


def test_the_pairing_shipped_with_the_reading_is_refused() -> None:
    # The ipdfc example files put the cetuximab arm's numbers at risk under the radiotherapy curve.
    curve = read_curve_csv(FOLDER / "bonner2006_ipdfc_radiotherapy_curve.csv")
    wrong = read_risk_csv(FOLDER / "bonner2006_cetuximab_risk.csv")
    cleaned = clean_curve(curve.time, curve.survival)
    # Impossible: a Kaplan–Meier curve never lies below the share of the arm still at risk.
    just_before_10 = cleaned.survival[cleaned.time < 10][-1]
    assert just_before_10 < wrong.n_risk[1] / wrong.n_risk[0]
    with pytest.raises(DataError, match="n_risk"):
        reconstruction.guyot(curve.time, curve.survival, wrong.time, wrong.n_risk, warn=False)


def test_the_command_rebuilds_both_arms_end_to_end(rebuilt: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    arguments = []
    for arm, (curve_file, risk_file) in ARMS.items():
        arguments += ["--arm", arm, str(FOLDER / curve_file), str(FOLDER / risk_file)]
    out, figure = tmp_path / "patients.csv", tmp_path / "km.png"
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        status = reconstruction.command([*arguments, "--out", str(out), "--figure", str(figure)])
    assert status == 0
    assert figure.stat().st_size > 0
    written = pd.read_csv(out)
    assert written.arm.value_counts().to_dict() == {arm: len(patients) for arm, patients in rebuilt.items()}
    data = _together(rebuilt)
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="radiotherapy")
    line = next(line for line in printed.getvalue().splitlines() if line.startswith("hazard ratio"))
    shown = [float(number) for number in re.findall(r"\d+\.\d+", line)[:3]]
    np.testing.assert_allclose(shown, [cox.hr, cox.lower, cox.upper], atol=5e-4)
