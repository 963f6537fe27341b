"""Tests of alexandra.published: months between two days, and dates as the prose writes them."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from alexandra import published


def test_months_between_counts_average_months_either_way() -> None:
    # Four calendar years hold one leap day: 1461 days, 48 average months.
    assert published.months_between(date(2019, 1, 1), date(2023, 1, 1)) == pytest.approx(48)
    assert published.months_between(date(2023, 1, 1), date(2019, 1, 1)) == pytest.approx(-48)
    assert published.months_between is published.months_between


def test_date_text_writes_dates_as_the_prose_does() -> None:
    assert published.date_text(published.get("data_cutoff").when) == "18 August 2023"
    assert published.date_text(pd.Timestamp("2018-08-02")) == "2 August 2018"  # no leading zero
    assert published.date_text(date(2023, 2, 1), with_day=False) == "February 2023"
    assert published.date_text(date(2023, 2, 1), with_day=False, short=True) == "Feb 2023"


def test_chapters_write_dates_with_date_text() -> None:
    """One date formatter for the chapters: no hand-made %B / %d formats in their code cells."""
    book = Path(__file__).resolve().parents[1] / "book"
    hand_made = re.compile(r"\{[^{}]*:%[^{}]*[BbdY][^{}]*\}|strftime\(")
    offenders = []
    for notebook in sorted(book.glob("*.ipynb")) + sorted(book.glob("appendix/*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            code = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            offenders += [f"{notebook.name}: {line.strip()}" for line in code.splitlines() if hand_made.search(line)]
    assert offenders == []
