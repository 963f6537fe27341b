"""Tests of alexandra.published: one published number and how it is shown."""

from __future__ import annotations

import pytest

from alexandra import published
from alexandra.errors import DataError


def test_estimate_helpers() -> None:
    hr = published.get("idfs_hr_stratified")
    assert hr.text() == "1.11 (95% CI 0.87–1.42)"
    assert hr.citation() == "{cite:p}`ignatiadis2025`"
    assert not hr.is_secondary
    assert published.get("interim_idfs_hr").is_secondary
    assert published.get("enrolment_start").text() == "2018-08-02"
    with pytest.raises(DataError, match="row enrolment_start, field value: 2018-08-02 is a date, not a number"):
        _ = published.get("enrolment_start").number
    with pytest.raises(DataError, match="row n_planned, field value: 2300 is a number"):
        _ = published.get("n_planned").when
