"""The published numbers of ALEXANDRA/IMpassion030, with their sources.

Every number the book takes from the literature lives in one table,
``data/published/alexandra.csv``: one row per number (per arm where the paper
gives one per arm), with the citation key of its source, where in the source it
is printed, and a note. :func:`load` reads and checks the table; :func:`get`
returns one number as an :class:`Estimate`. Chapters never type a published
number: they ask for it here.

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
import difflib
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias

import pandas as pd

from alexandra import checks
from alexandra.errors import DataError

__all__ = [
    "ARMS",
    "COLUMNS",
    "DATA_ENV_VAR",
    "DEFAULT_BIBLIOGRAPHY",
    "DEFAULT_PATH",
    "QUANTITIES",
    "TIERS",
    "Estimate",
    "Quantity",
    "bibliography_keys",
    "date_text",
    "find_data_dir",
    "context_fact",
    "get",
    "keys",
    "load",
    "provenance",
]

COLUMNS = ("key", "arm", "value", "lower", "upper", "interval", "unit", "tier", "source", "location", "note")
"""The columns of the table, in order."""

ARMS = ("atezolizumab", "chemotherapy")
"""Arm names: atezolizumab plus chemotherapy, and chemotherapy alone."""

TIERS = ("primary", "secondary")
"""How sure a number is: from the JAMA paper, or from a conference abstract or report."""

PRIMARY_SOURCE = "ignatiadis2025"
"""The citation key of the JAMA paper, the only source of primary numbers."""

DATA_ENV_VAR = "ALEXANDRA_DATA"
"""Environment variable naming the book's ``data/`` folder (for Binder or Colab)."""

DAYS_PER_MONTH = 365.25 / 12
"""Average days in a month: how the whole book turns published dates into months."""


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end`` (negative when ``end`` comes first).

    >>> round(months_between(date(2018, 8, 2), date(2023, 8, 18)), 1)  # enrolment start to data cut-off
    60.5
    """
    return (end - start).days / DAYS_PER_MONTH


def date_text(when: date, *, with_day: bool = True, short: bool = False) -> str:
    """A date as the chapters write it: day without a leading zero, month in words, year.

    ``with_day=False`` drops the day (for a month such as the protocol amendment's);
    ``short=True`` abbreviates the month (for chart labels). Accepts a ``datetime.date``
    or a ``pandas.Timestamp``.

    >>> date_text(date(2018, 8, 2))
    '2 August 2018'
    >>> date_text(date(2023, 2, 1), with_day=False), date_text(date(2022, 11, 11), short=True)
    ('February 2023', '11 Nov 2022')
    """
    month = f"{when:%b %Y}" if short else f"{when:%B %Y}"
    return f"{when.day} {month}" if with_day else month


@dataclass(frozen=True)
class Quantity:
    """What one key of the table means.

    Parameters
    ----------
    description
        The quantity in the reader's words.
    unit
        The unit every row of this key must have (see :data:`UNITS`).
    per_arm
        True when the paper gives one number per arm, False for a whole-trial number.
    at_most
        Another key whose value (in the same arm) this one cannot exceed, e.g.
        events cannot outnumber the patients randomized.
    """

    description: str
    unit: str
    per_arm: bool = False
    at_most: str | None = None


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


@dataclass(frozen=True)
class _Range:
    """The values a numeric unit allows, and how to say so."""

    low: float
    high: float
    rule: str
    whole: bool = False
    low_excluded: bool = False

    def allows(self, number: float) -> bool:
        above_low = number > self.low if self.low_excluded else number >= self.low
        return above_low and number <= self.high and (not self.whole or number.is_integer())


_Report: TypeAlias = Callable[[str, str], None]
"""Records a problem in one field (first argument) of the row being read."""

_NONNEGATIVE = _Range(0, math.inf, "0 or more")
_POSITIVE = _Range(0, math.inf, "greater than 0", low_excluded=True)
_PROPORTION = _Range(0, 1, "between 0 and 1")
UNITS: dict[str, _Range | None] = {
    "count": _Range(0, math.inf, "a whole number, 0 or more", whole=True),
    "percent": _Range(0, 100, "between 0 and 100"),
    "fraction": _PROPORTION,
    "p-value": _PROPORTION,
    "ratio": _POSITIVE,
    "years": _NONNEGATIVE,
    "months": _NONNEGATIVE,
    "weeks": _NONNEGATIVE,
    "mg": _POSITIVE,
    "mg/m2": _POSITIVE,
    # Calendar values carry no range: an ISO date (2018-08-02), or a month (2023-02)
    # when the source gives only the month; a month is stored as its first day.
    "date": None,
    "year-month": None,
}
"""Allowed units. Numbers must lie in the unit's range; dates have no interval."""

_SUFFIX = {"percent": "%", "years": " years", "months": " months", "weeks": " weeks", "mg": " mg", "mg/m2": " mg/m²"}


#: How :class:`Estimate` names its source in messages (it does not keep the path it was read from).
_TABLE = "the table of published numbers"


@dataclass(frozen=True)
class Estimate:
    """One published number with its uncertainty and provenance.

    ``value`` is a float, or a :class:`datetime.date` when ``unit`` is
    ``"date"`` or ``"year-month"`` (a month is stored as its first day).
    ``lower`` and ``upper`` bound the interval named by ``interval``
    (``"95% CI"``, ``"IQR"``), or are None when the source gives none.

    >>> followup = get("median_followup_months", arm="chemotherapy")
    >>> followup.text()
    '31.9 months (IQR 22.5–41.2)'
    >>> followup.citation(), followup.location
    ('{cite:p}`ignatiadis2025`', 'Figure 2 legend')
    >>> get("idfs_events_planned").is_secondary
    True
    """

    key: str
    arm: str | None
    value: float | date
    lower: float | None
    upper: float | None
    interval: str | None
    unit: str
    tier: str
    source: str
    location: str
    note: str

    @property
    def is_secondary(self) -> bool:
        """True when the number is not from the JAMA paper."""
        return self.tier == "secondary"

    @property
    def number(self) -> float:
        """The value as a float; a DataError for a date."""
        if isinstance(self.value, date):
            checks.fail(
                _TABLE, f"{self.value.isoformat()} is a date, not a number; use .when", row=self._label(), field="value"
            )
        return self.value

    @property
    def when(self) -> date:
        """The value as a date; a DataError for a number."""
        if not isinstance(self.value, date):
            checks.fail(
                _TABLE,
                f"{self.value:g} is a number ({self.unit}), not a date; use .number",
                row=self._label(),
                field="value",
            )
        return self.value

    def citation(self) -> str:
        """The MyST role that cites the source, for generated Markdown."""
        return f"{{cite:p}}`{self.source}`"

    def text(self) -> str:
        """The number as a reader sees it, with its unit and interval.

        >>> get("fatal_ae_pct", arm="atezolizumab").text()
        '0.8%'
        >>> get("protocol_amendment_month").text()
        '2023-02'
        """
        if isinstance(self.value, date):
            return self.value.strftime("%Y-%m") if self.unit == "year-month" else self.value.isoformat()
        suffix = _SUFFIX.get(self.unit, "")
        shown = f"{self.value:g}{suffix}"
        if self.lower is not None and self.upper is not None:
            shown += f" ({self.interval} {self.lower:g}–{self.upper:g})"
        return shown

    def _label(self) -> str:
        return f"{self.key}/{self.arm}" if self.arm else self.key


def find_data_dir() -> Path:
    """The book's ``data/`` folder.

    The environment variable ``ALEXANDRA_DATA`` wins when set (Binder, Colab,
    or a copy of the data elsewhere). Otherwise the first folder holding
    ``data/published/alexandra.csv``, walking up from this module (an editable
    install in the repository) and then from the working directory (a notebook
    inside a clone, with the package installed elsewhere).

    >>> (find_data_dir() / "published" / "alexandra.csv").is_file()
    True
    """
    configured = os.environ.get(DATA_ENV_VAR)
    if configured:
        return Path(configured).expanduser().resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / "data" / "published" / "alexandra.csv").is_file():
                return folder / "data"
    # Nothing found: name where an editable install keeps it, so load() says where it looked.
    return Path(__file__).resolve().parents[2] / "data"


DEFAULT_PATH = find_data_dir() / "published" / "alexandra.csv"
"""The table of published numbers (read once, when the module is imported)."""

DEFAULT_BIBLIOGRAPHY = DEFAULT_PATH.parents[2] / "book" / "references.bib"
"""The book's bibliography, whose keys the ``source`` column must use."""

# An entry starts "@article{key," ; @string/@comment/@preamble blocks carry no key.
_BIB_ENTRY = re.compile(r"^\s*@(?!string\b|comment\b|preamble\b)\w+\s*\{\s*([^,\s]+)\s*,", re.IGNORECASE | re.MULTILINE)


def bibliography_keys(path: str | os.PathLike[str] | None = None) -> set[str]:
    """The citation keys of a BibTeX file (the book's own by default).

    >>> {"ignatiadis2025", "ignatiadis2023sabcs"} <= bibliography_keys()
    True
    """
    bib = Path(path) if path is not None else DEFAULT_BIBLIOGRAPHY
    try:
        text = bib.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError(
            f"{bib}: cannot read the bibliography ({error.strerror}); the source column of the published "
            f"table is checked against it. Pass bibliography=, or set {DATA_ENV_VAR} to the data/ folder "
            "of a checkout of the book."
        ) from None
    return set(_BIB_ENTRY.findall(text))


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


def context_fact(trial: str, key: str, arm: str = "", column: str = "value") -> float:
    """One number of another paper, from ``data/context/facts.csv`` (each row names its source).

    >>> context_fact("LOST-IT review", "loss_to_followup_median_pct"), context_fact("LOST-IT review", "loss_to_followup_median_pct", column="upper")
    (6.0, 14.0)
    """
    path = find_data_dir() / "context" / "facts.csv"
    facts = pd.read_csv(path).fillna({"arm": ""}).set_index(["trial", "key", "arm"])
    if (trial, key, arm) not in facts.index:
        raise DataError(f"{path}: no row with trial {trial!r}, key {key!r} and arm {arm!r}")
    if column not in facts.columns:
        raise DataError(f"{path}: no column {column!r}")
    return float(facts.loc[(trial, key, arm), column])


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


def _label(key: str, arm: str) -> str:
    """How a row of the table is named in messages: ``key/arm``, or ``key`` for a whole-trial number."""
    return f"{key}/{arm}" if arm else key or "?"


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


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


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
    return _Checker(table, sources).check(rows)


def _check_header(table: Path, header: Sequence[str]) -> None:
    missing = [column for column in COLUMNS if column not in header]
    unexpected = [column for column in header if column not in COLUMNS]
    wrong = [f"missing column {name!r}" for name in missing] + [f"unexpected column {name!r}" for name in unexpected]
    if wrong:
        checks.fail(str(table), f"{'; '.join(wrong)}; the columns are {', '.join(COLUMNS)}", row="header (line 1)")


class _Checker:
    """Collects every problem of a table, so one run shows them all."""

    def __init__(self, table: Path, sources: set[str]) -> None:
        self.table = table
        self.sources = sources
        self.problems: list[str] = []

    def check(self, rows: list[tuple[int, dict[str | None, str | list[str] | None]]]) -> tuple[Estimate, ...]:
        """The rows as Estimates; a DataError listing every problem if there is any.

        ``rows`` are csv.DictReader rows with their line numbers: a short row has
        None for its last fields, a long one a list of extra fields under None.
        """
        if not rows:
            raise DataError(f"{self.table}: the table has a header but no rows")
        parsed: dict[tuple[str, str | None], tuple[int, Estimate]] = {}
        cleaned: list[tuple[int, dict[str, str]]] = []
        for line, raw in rows:
            extra = raw.pop(None, None)
            if extra:
                self._problem(
                    line,
                    _label(str(raw.get("key") or ""), str(raw.get("arm") or "")),
                    None,
                    f"{len(extra)} more field(s) than the header has columns; put a field that contains a comma in double quotes",
                )
            cleaned.append((line, {str(name): str(text or "").strip() for name, text in raw.items()}))
        written = {(row["key"], row["arm"] or None) for _, row in cleaned}
        for line, row in cleaned:
            estimate = self._row(line, row)
            if estimate is None:
                continue
            cell = (estimate.key, estimate.arm)
            if cell in parsed:
                self._problem(line, estimate._label(), "key", f"duplicate of line {parsed[cell][0]} (same key and arm)")
                continue
            parsed[cell] = (line, estimate)
        self._bounds(parsed)
        self._completeness(written)
        if self.problems:
            count = f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}"
            raise DataError(f"{self.table}: {count} in the table of published numbers:\n" + "\n".join(self.problems))
        return tuple(estimate for _, estimate in parsed.values())

    def _problem(self, line: int, label: str, field: str | None, what: str) -> None:
        self.problems.append(f"{checks.place(str(self.table), row=f'{label} (line {line})', field=field)}: {what}")

    def _row(self, line: int, row: dict[str, str]) -> Estimate | None:
        """The row as an Estimate, or None after recording why it cannot be one."""
        key, arm = row["key"], row["arm"]
        label = _label(key, arm)
        before = len(self.problems)

        def problem(field: str, what: str) -> None:
            self._problem(line, label, field, what)

        quantity = QUANTITIES.get(key)
        if quantity is None:
            problem(
                "key",
                f"unknown key {key!r}{_did_you_mean(key, QUANTITIES)}; declare new keys in "
                "QUANTITIES in src/alexandra/published.py",
            )
        if arm and arm not in ARMS:
            problem("arm", f"unknown arm {arm!r}; use {' or '.join(ARMS)}, or leave it empty for a whole-trial number")
        elif quantity is not None and quantity.per_arm and not arm:
            problem("arm", f"{key} is given per arm: write one row for each of {', '.join(ARMS)}")
        elif quantity is not None and not quantity.per_arm and arm:
            problem("arm", f"{key} is a whole-trial number: leave arm empty")
        if row["tier"] not in TIERS:
            problem("tier", f"unknown tier {row['tier']!r}; use {' or '.join(TIERS)}")
        source = row["source"]
        if not source:
            problem("source", "missing: every number needs the citation key of its source")
        elif source not in self.sources:
            problem("source", f"{source!r} is not a key of the bibliography{_did_you_mean(source, self.sources)}")
        elif row["tier"] == "primary" and source != PRIMARY_SOURCE:
            problem("source", f"a primary number must come from the JAMA paper ({PRIMARY_SOURCE}), not {source!r}")
        if not row["location"]:
            problem("location", "missing: say where in the source the number is printed")
        unit = row["unit"]
        if unit not in UNITS:
            problem("unit", f"unknown unit {unit!r}; units are {', '.join(UNITS)}")
            return None
        if quantity is not None and unit != quantity.unit:
            problem("unit", f"{unit!r}, but {key} is measured in {quantity.unit!r}")
        value = self._value(row, unit, problem)
        lower, upper = self._interval(row, unit, value, problem)
        if len(self.problems) > before or value is None:
            return None
        return Estimate(
            key=key,
            arm=arm or None,
            value=value,
            lower=lower,
            upper=upper,
            interval=row["interval"] or None,
            unit=unit,
            tier=row["tier"],
            source=source,
            location=row["location"],
            note=row["note"],
        )

    @staticmethod
    def _value(row: dict[str, str], unit: str, problem: _Report) -> float | date | None:
        text = row["value"]
        allowed = UNITS[unit]
        if allowed is None:
            return _calendar(text, unit, problem)
        return _number(text, "value", allowed, unit, problem)

    @staticmethod
    def _interval(
        row: dict[str, str], unit: str, value: float | date | None, problem: _Report
    ) -> tuple[float | None, float | None]:
        allowed = UNITS[unit]
        given = [name for name in ("lower", "upper", "interval") if row[name]]
        if allowed is None or not given:
            if given:
                problem(given[0], f"a {unit} has no interval: leave lower, upper and interval empty")
            return None, None
        if len(given) < 3:
            absent = [name for name in ("lower", "upper", "interval") if not row[name]]
            problem(absent[0], "missing: an interval needs lower, upper and interval (e.g. '95% CI' or 'IQR')")
            return None, None
        lower = _number(row["lower"], "lower", allowed, unit, problem)
        upper = _number(row["upper"], "upper", allowed, unit, problem)
        if lower is None or upper is None:
            return None, None
        if lower > upper:
            problem("lower", f"lower {lower:g} is greater than upper {upper:g}")
        elif isinstance(value, float) and not lower <= value <= upper:
            problem("value", f"the {row['interval']} {lower:g}–{upper:g} does not contain the estimate {value:g}")
        return lower, upper

    def _bounds(self, parsed: dict[tuple[str, str | None], tuple[int, Estimate]]) -> None:
        for (key, arm), (line, estimate) in parsed.items():
            bound_key = QUANTITIES[key].at_most
            if bound_key is None or (bound_key, arm) not in parsed:
                continue
            bound_line, bound = parsed[(bound_key, arm)]
            if estimate.number > bound.number:
                where = " in the same arm" if arm else ""
                self._problem(
                    line,
                    estimate._label(),
                    "value",
                    f"{estimate.number:g} {QUANTITIES[key].description} is more than the "
                    f"{bound.number:g} {QUANTITIES[bound_key].description}{where} ({bound_key}, line {bound_line})",
                )

    def _completeness(self, written: set[tuple[str, str | None]]) -> None:
        """Every declared key needs its rows; rows written but broken are reported where they are."""
        for key, quantity in QUANTITIES.items():
            expected: tuple[str | None, ...] = ARMS if quantity.per_arm else (None,)
            missing = [arm for arm in expected if (key, arm) not in written]
            if missing:
                which = f" for arm {', '.join(str(arm) for arm in missing)}" if quantity.per_arm else ""
                self.problems.append(f"{self.table}: no row for key {key!r}{which} ({quantity.description})")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _calendar(text: str, unit: str, problem: _Report) -> date | None:
    try:
        if unit == "date" and _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        month = _ISO_MONTH.fullmatch(text)
        if unit == "year-month" and month:
            return date(int(month[1]), int(month[2]), 1)
    except ValueError:
        pass
    shape = "YYYY-MM-DD, e.g. 2018-08-02" if unit == "date" else "YYYY-MM, e.g. 2023-02"
    problem("value", f"{text!r} is not a valid {unit}: write {shape}")
    return None


def _number(text: str, field: str, allowed: _Range, unit: str, problem: _Report) -> float | None:
    if not text:
        problem(field, "missing")
        return None
    try:
        number = float(text)
    except ValueError:
        problem(field, f"{text!r} is not a number")
        return None
    if not math.isfinite(number):
        problem(field, f"{text!r} is not a finite number")
        return None
    if not allowed.allows(number):
        problem(field, f"{text} is not a valid {unit}: it must be {allowed.rule}")
        return None
    return number
