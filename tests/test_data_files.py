"""Tests of alexandra.published: the data folder, the bibliography, other trials' facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from alexandra import published
from alexandra.errors import DataError

REPOSITORY = Path(__file__).resolve().parents[1]
TABLE = REPOSITORY / "data" / "published" / "alexandra.csv"
BIBLIOGRAPHY = REPOSITORY / "book" / "references.bib"


def test_the_data_folder_is_found_from_the_package() -> None:
    assert published.find_data_dir() == REPOSITORY / "data"
    assert published.DEFAULT_PATH == TABLE
    assert published.DEFAULT_BIBLIOGRAPHY == BIBLIOGRAPHY


def test_the_environment_variable_names_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(published.DATA_ENV_VAR, str(tmp_path))
    assert published.find_data_dir() == tmp_path.resolve()


def test_bibliography_keys_skip_strings_and_comments(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        '@string{jama = "JAMA"}\n@comment{not_a_key,}\n@Article{ smith2020 ,\n title={A}}\n@misc{doe-2,\n}\n',
        encoding="utf-8",
    )
    assert published.bibliography_keys(bib) == {"smith2020", "doe-2"}


def test_published_reexports_the_same_objects() -> None:
    assert published.find_data_dir is published.find_data_dir
    assert published.DEFAULT_PATH is published.DEFAULT_PATH


def test_context_fact_names_a_missing_row_and_column() -> None:
    with pytest.raises(DataError, match=r"facts\.csv: no row with trial 'LOST-IT review', key 'nothing'"):
        published.context_fact("LOST-IT review", "nothing")
    with pytest.raises(DataError, match=r"facts\.csv: no column 'median'"):
        published.context_fact("LOST-IT review", "loss_to_followup_median_pct", column="median")
