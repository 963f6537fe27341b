"""Tests of alexandra.reconstruction's reading uncertainty (_reading.py) and the command's --reading-error/--rereads."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alexandra.errors import DataError
from alexandra.published import find_data_dir
from alexandra.reconstruction import (
    READING_ERROR,
    ReadingError,
    command,
    read_curve_csv,
    read_figure,
    read_risk_csv,
    reading_uncertainty,
    reread,
)

DIGITISED = find_data_dir() / "digitised"
FILES = {
    "radiotherapy": (
        DIGITISED / "bonner2006_ipdfc_radiotherapy_curve.csv",
        DIGITISED / "bonner2006_radiotherapy_risk.csv",
    ),
    "cetuximab": (DIGITISED / "bonner2006_ipdfc_cetuximab_curve.csv", DIGITISED / "bonner2006_cetuximab_risk.csv"),
}


@pytest.fixture(scope="module")
def bonner() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    curves = {arm: read_curve_csv(curve) for arm, (curve, _) in FILES.items()}
    tables = {arm: read_risk_csv(risk) for arm, (_, risk) in FILES.items()}
    return curves, tables


def test_the_same_seed_gives_the_same_spread(bonner: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    first = reading_uncertainty(*bonner, n_rereads=20, seed=3)
    again = reading_uncertainty(*bonner, n_rereads=20, seed=3)
    other = reading_uncertainty(*bonner, n_rereads=20, seed=4)
    np.testing.assert_array_equal(first.log_hr_rereads, again.log_hr_rereads)
    assert first.sd_log_hr == again.sd_log_hr != other.sd_log_hr
    assert first.hazard_ratio == other.hazard_ratio  # the reading as given does not depend on the seed


def test_no_reading_error_gives_no_spread(bonner: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    result = reading_uncertainty(*bonner, reading_error=0.0, n_rereads=5)
    assert result.sd_log_hr == 0.0
    np.testing.assert_allclose(result.log_hr_rereads, result.hazard_ratio.log_hr)
    assert (result.lower, result.upper) == pytest.approx((result.hazard_ratio.lower, result.hazard_ratio.upper))


def test_the_spread_grows_with_the_reading_error(
    bonner: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]],
) -> None:
    spreads = [
        reading_uncertainty(*bonner, reading_error=READING_ERROR.scaled(factor), n_rereads=60, seed=1).sd_log_hr
        for factor in (0.25, 1.0, 3.0)
    ]
    assert 0 < spreads[0] < spreads[1] < spreads[2]
    result = reading_uncertainty(*bonner, n_rereads=60, seed=1)
    # The widened interval holds the Cox interval, and is the Cox one when the spread is small against its SE.
    assert result.lower < result.hazard_ratio.lower < result.hazard_ratio.hr < result.hazard_ratio.upper < result.upper


def test_bad_input_is_refused_with_its_name(bonner: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    curves, tables = bonner
    with pytest.raises(DataError, match=r"reading_uncertainty\(curve\): 1 arms"):
        reading_uncertainty({"radiotherapy": curves["radiotherapy"]}, tables)
    with pytest.raises(DataError, match=r"reading_uncertainty\(risk\): no numbers at risk for arm\(s\) 'cetuximab'"):
        reading_uncertainty(curves, {"radiotherapy": tables["radiotherapy"]})
    with pytest.raises(DataError, match="n_rereads"):
        reading_uncertainty(curves, tables, n_rereads=1)
    with pytest.raises(DataError, match="ReadingError"):
        ReadingError(time=-0.1, survival=0.0)
    swapped = {"radiotherapy": tables["cetuximab"], "cetuximab": tables["radiotherapy"]}
    with pytest.raises(DataError, match="do not belong to this curve"):
        reading_uncertainty(curves, swapped, n_rereads=2)


def test_a_reread_keeps_the_origin_and_follows_the_curve_down() -> None:
    time, survival = reread([0, 1, 2, 3, 4], [1.0, 0.9, 0.8, 0.8, 0.7], ReadingError(0.05, 0.05, 0.05), seed=2)
    assert (time[0], survival[0]) == (0.0, 1.0)
    assert (time >= 0).all() and ((survival >= 0) & (survival <= 1)).all()
    assert (survival[1:] <= np.minimum.accumulate(survival)[:-1] + 0.01 + 1e-12).all()
    figure = read_figure(np.arange(1.0, 11.0), np.ones(10), until=10, error=0.0)
    assert figure.survival.iloc[-1] == 0.0


def run(arguments: list[str], tmp_path: Path) -> tuple[int, str, str]:
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
        status = command([*arguments, "--out", str(tmp_path / "patients.csv")])
    return status, out.getvalue(), err.getvalue()


ARMS = [word for arm, (curve, risk) in FILES.items() for word in ("--arm", arm, str(curve), str(risk))]


def test_the_command_prints_the_reading_spread_beside_the_hazard_ratio(tmp_path: Path) -> None:
    status, printed, _ = run([*ARMS, "--rereads", "10"], tmp_path)
    assert status == 0
    lines = printed.splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("hazard ratio"))
    assert lines[at + 1].startswith("reading: 10 re-reads")
    assert "SD of the log hazard ratio" in lines[at + 1] and "95% CI widened by it" in lines[at + 1]
    status, printed, _ = run([*ARMS, "--reading-error", "0", "--rereads", "3"], tmp_path)
    assert status == 0 and "SD of the log hazard ratio 0.000" in printed
    status, printed, _ = run(ARMS, tmp_path)
    assert status == 0 and "re-reads" not in printed


@pytest.mark.parametrize(
    ("options", "message"),
    [(["--rereads", "1"], "--rereads 1: give 2 or more"), (["--reading-error", "-0.1"], "--reading-error -0.1")],
)
def test_the_command_refuses_bad_reading_options(tmp_path: Path, options: list[str], message: str) -> None:
    status, _, error = run([*ARMS, *options], tmp_path)
    assert status == 2 and message in error
