"""Tests of the R reference the survival tests share.

The agreement tests themselves are in tests/test_survival_curves.py and tests/test_two_arms.py;
the numbers come from R (tests/r/reference.R, which writes tests/r/reference.json from the data
sets in tests/r/fixtures/).
"""

from __future__ import annotations

import hashlib

from survival_reference import FIXTURES, R_DIR, REFERENCE, fixture


def test_reference_numbers_belong_to_the_committed_fixtures() -> None:
    assert REFERENCE["generated_by"] == "Rscript tests/r/reference.R"
    assert len(FIXTURES) >= 4
    for name in FIXTURES:
        digest = hashlib.md5((R_DIR / "fixtures" / f"{name}.csv").read_bytes()).hexdigest()
        assert digest == REFERENCE["fixtures"][name]["md5"], f"{name}.csv changed: rerun tests/r/reference.R"


def test_fixtures_cover_the_hard_cases() -> None:
    ties = fixture("ties")
    tied = ties.groupby("time")["event"].agg(["min", "max"])
    assert ((tied["min"] == 0) & (tied["max"] == 1)).any()  # an event and a censoring at one time
    stratified = fixture("stratified")
    arms_per_stratum = stratified.groupby("stratum")["arm"].nunique()
    assert (arms_per_stratum == 1).any() and (arms_per_stratum == 2).any()
    assert fixture("censored")["event"].mean() < 0.2
    trial = fixture("trial")
    assert len(trial) >= 500 and trial["stratum"].nunique() >= 3


def test_reference_records_r_versions() -> None:
    assert REFERENCE["r_version"].startswith("R version ")
    assert REFERENCE["survival_version"].count(".") >= 1
