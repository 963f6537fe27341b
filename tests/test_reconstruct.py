"""Tests of alexandra.reconstruction: the public names, and the command ``python -m alexandra.reconstruction``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alexandra import reconstruction, survival
from alexandra.reconstruction import published_figure, simulate_trial


@pytest.fixture(scope="module")
def trial_files(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[pd.DataFrame, dict[str, tuple[Path, Path]], dict[str, int]]:
    """A simulated trial, its figure written as a digitiser would (percent, a click left of the axis)."""
    folder = tmp_path_factory.mktemp("trial")
    trial = simulate_trial(200, hazard_ratio=0.6, dropout_rate=0.01, seed=4)
    files, events = {}, {}
    for arm, reading in published_figure(trial, risk_every=12.0, until=48.0, reading_error=0.002, seed=1).items():
        curve = reading.curve.assign(survival=100 * reading.curve.survival)
        curve.loc[0, "time"] = -0.2
        curve.to_csv(folder / f"{arm}_curve.csv", index=False)
        reading.at_risk.to_csv(folder / f"{arm}_risk.csv", index=False)
        files[arm] = (folder / f"{arm}_curve.csv", folder / f"{arm}_risk.csv")
        events[arm] = reading.events
    return trial, files, events


def arm_arguments(files: dict[str, tuple[Path, Path]]) -> list[str]:
    return [item for arm, (curve, risk) in files.items() for item in ("--arm", arm, str(curve), str(risk))]


def test_the_command_rebuilds_a_trial_from_csv_files(
    trial_files, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    trial, files, events = trial_files
    out, figure = tmp_path / "patients.csv", tmp_path / "km.png"
    totals = [f"--total-events={arm}={count}" for arm, count in events.items()]
    status = reconstruction.command([*arm_arguments(files), *totals, "--out", str(out), "--figure", str(figure)])
    printed = capsys.readouterr().out
    assert status == 0
    patients = pd.read_csv(out)
    assert list(patients.columns) == ["arm", "time", "event"]
    assert patients.groupby("arm").event.sum().to_dict() == events
    assert patients.arm.value_counts().to_dict() == {"control": 200, "experimental": 200}
    cox = survival.cox_hazard_ratio(patients.time, patients.event, patients.arm, reference="control")
    true = survival.cox_hazard_ratio(trial.time, trial.event, trial.arm, reference="control")
    assert abs(cox.log_hr - true.log_hr) < 0.05
    assert f"control: 200 patients, {events['control']} events" in printed
    assert "changed: km_surv, all rows: percent" in printed and "changed: km_time, row 0: negative time" in printed
    assert f"hazard ratio experimental vs control (Cox): {cox.hr:.3f} (95% CI {cox.lower:.3f}" in printed
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_the_command_reports_bad_files_without_a_traceback(
    trial_files, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    _, files, _ = trial_files
    bad = tmp_path / "bad_risk.csv"
    bad.write_text("time,n_risk\n0,200\n12,210\n")
    curve, _ = files["control"]
    status = reconstruction.command(["--arm", "control", str(curve), str(bad), "--out", str(tmp_path / "x.csv")])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("error: arm 'control'") and "n_risk, row 1: 210 is more than row 0" in error
    status = reconstruction.command(
        [*arm_arguments(files), "--total-events", "placebo=3", "--out", str(tmp_path / "x.csv")]
    )
    assert status == 2 and "'placebo' is not one of the arms" in capsys.readouterr().err


def test_python_dash_m_runs_the_command_and_explains_its_inputs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alexandra.reconstruction", "--help"], capture_output=True, text=True, check=True
    )
    for words in ("--arm NAME CURVE.csv RISK.csv", "--total-events NAME=N", "`time` and `survival`", "`n_risk`"):
        assert words in result.stdout
