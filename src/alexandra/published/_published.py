"""The published numbers of ALEXANDRA/IMpassion030, with their sources.

Every number the book takes from the literature lives in one table,
``data/published/alexandra.csv``: one row per number (per arm where the paper
gives one per arm), with the citation key of its source, where in the source it
is printed, and a note. :func:`load` reads and checks the table; :func:`get`
returns one number as an :class:`Estimate`. Chapters never type a published
number: they ask for it here.

This module holds the keys the table may use (:data:`QUANTITIES`) and the ways to
ask for its numbers; it gathers, for one import, the names of four modules:

- :mod:`alexandra.published` — :class:`Estimate` (one number), :class:`Quantity`
  (what a key means), the table's :data:`COLUMNS`, :data:`ARMS` and :data:`TIERS`;
- :mod:`alexandra.published` — the checks every row passes, and the :data:`UNITS`;
- :mod:`alexandra.published` — where the data and the bibliography are
  (:func:`find_data_dir`, :func:`bibliography_keys`), and :func:`context_fact`;
- :mod:`alexandra.published` — :func:`months_between` and :func:`date_text`.

>>> hr = get("idfs_hr_stratified")
>>> hr.value, hr.lower, hr.upper, hr.interval
(1.11, 0.87, 1.42, '95% CI')
>>> hr.text()
'1.11 (95% CI 0.87–1.42)'
>>> get("idfs_events", arm="atezolizumab").number
141.0
>>> get("data_cutoff").when
datetime.date(2023, 8, 18)
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import pandas as pd

from alexandra.errors import DataError
from alexandra.published._estimate import ARMS, COLUMNS, Estimate, Quantity
from alexandra.published._files import (
    DATA_ENV_VAR,
    DEFAULT_PATH,
    bibliography_keys,
)
from alexandra.published._table_checks import _check_header, _Checker, _did_you_mean

__all__ = [
    "QUANTITIES",
    "get",
    "keys",
    "load",
    "provenance",
]

# The registry: a row whose key is not here is a typo until someone declares it.
QUANTITIES: dict[str, Quantity] = {
    # Primary: the JAMA paper.
    "n_randomized": Quantity("patients randomized (intention to treat)", "count", per_arm=True),
    "n_randomized_total": Quantity("patients randomized, both arms", "count"),
    "n_planned": Quantity("patients planned", "count"),
    "allocation_ratio": Quantity("allocation ratio, atezolizumab to chemotherapy alone", "ratio"),
    "n_centres": Quantity("centres", "count"),
    "n_countries": Quantity("countries", "count"),
    "median_age_years": Quantity("median age", "years"),
    "enrolment_start": Quantity("first day of enrolment", "date"),
    "enrolment_end": Quantity("last day of enrolment", "date"),
    "data_cutoff": Quantity("last patient follow-up (data cut-off)", "date"),
    "chemo_duration_weeks": Quantity("duration of chemotherapy", "weeks"),
    "atezolizumab_duration_months": Quantity("planned duration of atezolizumab", "months"),
    "idfs_events": Quantity("invasive disease-free survival events", "count", per_arm=True, at_most="n_randomized"),
    "idfs_events_pct": Quantity("patients with an invasive disease-free survival event", "percent", per_arm=True),
    "median_followup_months": Quantity("median follow-up", "months", per_arm=True),
    "median_followup_overall_months": Quantity("median follow-up, both arms", "months"),
    "idfs_hr_stratified": Quantity("stratified hazard ratio for invasive disease-free survival", "ratio"),
    "idfs_logrank_p": Quantity("P value of the stratified log-rank test", "p-value"),
    "km_truncation_months": Quantity("time where the Kaplan-Meier plot is truncated", "months"),
    "at_risk_at_truncation": Quantity(
        "patients still in follow-up at the truncation time, both arms", "count", at_most="n_randomized_total"
    ),
    "trae_grade_3_4_pct": Quantity("treatment-related grade 3-4 adverse events", "percent", per_arm=True),
    "fatal_ae_pct": Quantity("fatal adverse events", "percent", per_arm=True),
    # Secondary: SABCS 2023 abstract GS01-03 (interim analysis and design).
    "idfs_events_planned": Quantity("invasive disease-free survival events planned", "count"),
    "accrual_paused": Quantity("accrual paused", "date"),
    "protocol_amendment_month": Quantity("protocol amended for an early interim analysis", "year-month"),
    "interim_information_fraction": Quantity("interim analysis: fraction of the planned events", "fraction"),
    "futility_boundary_hr": Quantity("interim futility boundary on the hazard ratio", "ratio"),
    "futility_recommendation": Quantity("data monitoring committee's futility recommendation", "date"),
    "interim_median_followup_months": Quantity("interim analysis: median follow-up", "months"),
    "interim_idfs_events": Quantity(
        "interim analysis: invasive disease-free survival events", "count", per_arm=True, at_most="n_randomized"
    ),
    "interim_idfs_hr": Quantity("interim analysis: hazard ratio for invasive disease-free survival", "ratio"),
    "paclitaxel_dose_mg_m2": Quantity("paclitaxel dose", "mg/m2"),
    "paclitaxel_weeks": Quantity("weeks of paclitaxel", "weeks"),
    "epirubicin_dose_mg_m2": Quantity("epirubicin dose", "mg/m2"),
    "doxorubicin_dose_mg_m2": Quantity("doxorubicin dose", "mg/m2"),
    "cyclophosphamide_dose_mg_m2": Quantity("cyclophosphamide dose", "mg/m2"),
    "anthracycline_doses": Quantity("doses of anthracycline plus cyclophosphamide", "count"),
    "atezolizumab_dose_with_chemo_mg": Quantity("atezolizumab dose during chemotherapy", "mg"),
    "atezolizumab_dose_maintenance_mg": Quantity("atezolizumab dose after chemotherapy", "mg"),
    # Secondary and weak: the pathway.md trial summary.
    "n_female": Quantity("women randomized", "count", at_most="n_randomized_total"),
    "n_male": Quantity("men randomized", "count", at_most="n_randomized_total"),
    "idfs_3y_pct": Quantity("3-year invasive disease-free survival", "percent", per_arm=True),
    "os_3y_pct": Quantity("3-year overall survival", "percent", per_arm=True),
    "rfs_3y_pct": Quantity("3-year recurrence-free survival", "percent", per_arm=True),
    "dfs_3y_pct": Quantity("3-year disease-free survival", "percent", per_arm=True),
}


def load(
    path: str | os.PathLike[str] | None = None, *, bibliography: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Read and check the table of published numbers.

    Parameters
    ----------
    path
        A CSV in the format of ``data/published/alexandra.csv`` (the default,
        read once and cached).
    bibliography
        The BibTeX file whose keys the ``source`` column may use (default: the
        book's ``references.bib``).

    Returns
    -------
    pandas.DataFrame
        One row per number, columns :data:`COLUMNS`. ``value`` holds floats and
        dates; ``lower``/``upper`` are NaN without an interval; ``arm`` is None
        for whole-trial numbers.

    Raises
    ------
    DataError
        Listing every problem found, each with the file, line, row, field and
        what is wrong.

    Examples
    --------
    >>> table = load()
    >>> table.loc[(table.key == "idfs_events") & (table.arm == "chemotherapy"), "value"].item()
    125.0
    """
    estimates = _default_estimates() if path is None and bibliography is None else _read(path, bibliography)
    return pd.DataFrame([asdict(estimate) for estimate in estimates], columns=list(COLUMNS))


def keys() -> list[str]:
    """The keys of the default table, in table order.

    >>> keys()[:3]
    ['n_randomized', 'n_randomized_total', 'n_planned']
    """
    return list(_default_index())


def get(key: str, arm: str | None = None) -> Estimate:
    """One published number of the default table.

    Parameters
    ----------
    key
        A key of the table (see :func:`keys`).
    arm
        ``"atezolizumab"`` or ``"chemotherapy"`` for numbers given per arm;
        None for whole-trial numbers.

    Raises
    ------
    DataError
        For an unknown key or arm, a per-arm number asked without an arm, or a
        whole-trial number asked with one.

    Examples
    --------
    >>> get("n_randomized", arm="chemotherapy").value
    1098.0
    >>> get("n_randomized")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: get(key='n_randomized'): this number is given per arm; pass arm='atezolizumab' or arm='chemotherapy'
    """
    index = _default_index()
    if key not in index:
        raise DataError(
            f"get(key={key!r}): no such key in {DEFAULT_PATH}{_did_you_mean(key, index)}; valid keys: {', '.join(index)}"
        )
    by_arm = index[key]
    if arm is None:
        if None in by_arm:
            return by_arm[None]
        choices = " or ".join(f"arm={name!r}" for name in by_arm)
        raise DataError(f"get(key={key!r}): this number is given per arm; pass {choices}")
    if arm not in ARMS:
        raise DataError(
            f"get(arm={arm!r}): unknown arm{_did_you_mean(arm, ARMS)}; arms are {', '.join(map(repr, ARMS))} "
            "(or None for a whole-trial number)"
        )
    if arm not in by_arm:
        raise DataError(f"get(key={key!r}, arm={arm!r}): {key} is a whole-trial number; call get({key!r}) without arm")
    return by_arm[arm]


def provenance(
    path: str | os.PathLike[str] | None = None, *, bibliography: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The table with one row per quantity, as text, for a provenance page.

    Per-arm numbers are joined as "atezolizumab vs chemotherapy" (in that
    order, whatever the order of the rows); their notes are joined per arm
    when the arms' notes differ. ``path`` and ``bibliography`` are as in
    :func:`load`.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``quantity`` (the description in :data:`QUANTITIES`),
        ``value``, ``tier``, ``source``, ``location``, ``note``; all text.

    Examples
    --------
    >>> rows = provenance().set_index("key")
    >>> rows.loc["idfs_events", ["quantity", "value"]].tolist()
    ['invasive disease-free survival events', '141 vs 125']
    >>> rows.loc["idfs_hr_stratified", "value"]
    '1.11 (95% CI 0.87–1.42)'
    """
    index = _default_index() if path is None and bibliography is None else _index(_read(path, bibliography))
    rows = []
    for key, by_arm in index.items():
        estimates = [by_arm[None]] if None in by_arm else [by_arm[arm] for arm in ARMS]
        notes = [estimate.note for estimate in estimates]
        rows.append(
            {
                "key": key,
                "quantity": QUANTITIES[key].description,
                "value": " vs ".join(estimate.text() for estimate in estimates),
                "tier": _joined(estimate.tier for estimate in estimates),
                "source": _joined(estimate.source for estimate in estimates),
                "location": _joined(estimate.location for estimate in estimates),
                "note": notes[0]
                if len(set(notes)) == 1
                else "; ".join(f"{estimate.arm}: {estimate.note}" for estimate in estimates),
            }
        )
    return pd.DataFrame(rows)


def _joined(texts: Iterable[str]) -> str:
    """The distinct texts in order of appearance, joined (one text when the arms agree)."""
    return "; ".join(dict.fromkeys(texts))


@lru_cache(maxsize=1)
def _default_estimates() -> tuple[Estimate, ...]:
    return _read(None, None)


@lru_cache(maxsize=1)
def _default_index() -> dict[str, dict[str | None, Estimate]]:
    return _index(_default_estimates())


def _index(estimates: Iterable[Estimate]) -> dict[str, dict[str | None, Estimate]]:
    """key -> arm (None for whole-trial numbers) -> Estimate, keys in table order."""
    index: dict[str, dict[str | None, Estimate]] = {}
    for estimate in estimates:
        index.setdefault(estimate.key, {})[estimate.arm] = estimate
    return index


def _read(path: str | os.PathLike[str] | None, bibliography: str | os.PathLike[str] | None) -> tuple[Estimate, ...]:
    table = Path(path) if path is not None else DEFAULT_PATH
    sources = bibliography_keys(bibliography)
    try:
        with table.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_header(table, reader.fieldnames or [])
            # reader.line_num is the file line a row ends on: the number an editor shows.
            rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise DataError(
            f"{table}: no such file. The published numbers live in data/published/alexandra.csv of the book's "
            f"repository; set {DATA_ENV_VAR} to that data/ folder if the package is installed elsewhere."
        ) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"{table}: not a readable UTF-8 CSV file ({error})") from None
    return _Checker(table, sources, QUANTITIES).check(rows)
