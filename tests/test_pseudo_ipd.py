"""The committed pseudo-individual data of ALEXANDRA: they load exactly, and a fresh run is equivalent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import alexandra_pseudo_ipd as script  # scripts/ is on the path (tests/conftest.py)
from alexandra import published, reconstruction, survival
from alexandra.errors import DataError
from alexandra.reconstruction import SIMULATED_STRATA


@pytest.fixture(scope="module")
def committed() -> reconstruction.PseudoIPD:
    return reconstruction.load_pseudo_ipd()


def test_committed_files_name_the_command_that_made_them() -> None:
    expected = "# made by: python scripts/alexandra_pseudo_ipd.py --seed 2025 --out data/reconstructed/alexandra_pseudo_ipd.csv"
    for name in reconstruction.PSEUDO_IPD_FILES.values():
        assert (script.DEFAULT_OUT.parent / name).read_text().splitlines()[0] == expected


def test_committed_data_meet_the_published_events_and_arm_sizes(committed: reconstruction.PseudoIPD) -> None:
    for arm in published.ARMS:
        in_arm = committed.data[committed.data.arm == arm]
        assert len(in_arm) == published.get("n_randomized", arm=arm).number
        assert in_arm.event.sum() == published.get("idfs_events", arm=arm).number
    assert committed.simulated_columns == ("stratum_surgery", "stratum_nodes", "stratum_pdl1")


def test_the_files_round_trip_bit_for_bit(committed: reconstruction.PseudoIPD) -> None:
    """The stored constraints were computed on the data before writing: the loaded data give them back exactly."""
    data = committed.data
    cox = survival.cox_hazard_ratio(data.time, data.event, data.arm, reference="chemotherapy")
    stored = committed.constraints.set_index("constraint").achieved
    assert cox.hr == stored["hazard_ratio"]
    assert cox.lower == stored["hazard_ratio_lower"]


def test_a_fresh_reconstruction_is_equivalent_to_the_committed_one(
    committed: reconstruction.PseudoIPD, tmp_path: Path
) -> None:
    """On any processor: equal within REGENERATION_TOLERANCES, not necessarily bit for bit."""
    script.main(["--out", str(tmp_path / "pseudo.csv")])
    check = reconstruction.regeneration_check(committed, reconstruction.load_pseudo_ipd(tmp_path / "pseudo.csv"))
    outside = check[~check.within_tolerance]
    assert outside.empty, f"outside the regeneration tolerance:\n{outside.to_string()}"
    assert len(check) > 20


def test_the_check_sees_a_real_change(committed: reconstruction.PseudoIPD) -> None:
    other = reconstruction.load_pseudo_ipd()
    data = other.data.copy()
    data.loc[data.index[(data.arm == "atezolizumab") & (data.event == 1)][:5], "event"] = 0
    changed = reconstruction.regeneration_check(
        committed,
        reconstruction.PseudoIPD(
            data=data,
            constraints=other.constraints,
            parameters=other.parameters,
            simulated_columns=other.simulated_columns,
            seed=other.seed,
        ),
    )
    assert set(changed.loc[~changed.within_tolerance, "quantity"]) >= {"events, atezolizumab"}


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("time", "-1", r"row 3 \(line 5\), field time: '-1' is not a time in months ≥ 0"),
        ("event", "2", r"row 3 \(line 5\), field event: '2' is not 0 \(censored\) or 1 \(event\)"),
        ("arm", "placebo", r"row 3 \(line 5\), field arm: 'placebo' is not one of atezolizumab, chemotherapy"),
        ("stratum_nodes", "7", r"row 3 \(line 5\), field stratum_nodes: '7' is not one of"),
    ],
)
def test_a_bad_row_is_named(tmp_path: Path, column: str, value: str, message: str) -> None:
    for name in reconstruction.PSEUDO_IPD_FILES.values():
        (tmp_path / name).write_text((script.DEFAULT_OUT.parent / name).read_text())
    path = tmp_path / reconstruction.PSEUDO_IPD_FILES["data"]
    lines = path.read_text().splitlines()
    header = lines[1].split(",")
    fields = lines[4].split(",")
    fields[header.index(column)] = value
    lines[4] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=str(path).replace(".", r"\.") + ", " + message):
        reconstruction.load_pseudo_ipd(path)


def test_a_missing_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found .*scripts/alexandra_pseudo_ipd.py"):
        reconstruction.load_pseudo_ipd(tmp_path / reconstruction.PSEUDO_IPD_FILES["data"])


def test_loaded_strata_are_categories_in_the_simulated_order(committed: reconstruction.PseudoIPD) -> None:
    column = committed.data.stratum_nodes
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert list(column.cat.categories) == list(SIMULATED_STRATA["stratum_nodes"])


def test_write_then_load_gives_the_same_frames(committed: reconstruction.PseudoIPD, tmp_path: Path) -> None:
    reconstruction.write_pseudo_ipd(
        committed, tmp_path / "copy.csv", "python scripts/alexandra_pseudo_ipd.py --out copy.csv"
    )
    again = reconstruction.load_pseudo_ipd(tmp_path / "copy.csv")
    pd.testing.assert_frame_equal(again.data, committed.data, check_exact=True)
    pd.testing.assert_frame_equal(again.constraints, committed.constraints, check_exact=True)
    pd.testing.assert_frame_equal(again.parameters, committed.parameters, check_exact=True)
    assert again.seed == committed.seed
