"""One published number, :class:`Estimate`, and the words of the table that holds them.

A row of ``data/published/alexandra.csv`` becomes an :class:`Estimate`: a value (a number or a
date) with its interval, unit, tier and source. :data:`COLUMNS`, :data:`ARMS` and :data:`TIERS`
are the table's columns and the values its ``arm`` and ``tier`` columns take; a :class:`Quantity`
says what one key means. :mod:`alexandra.published` reads the table and hands out its estimates
(``published.get``); every name here is importable from there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alexandra import checks

__all__ = ["ARMS", "COLUMNS", "PRIMARY_SOURCE", "REFERENCE_ARM", "TIERS", "Estimate", "Quantity"]

COLUMNS = ("key", "arm", "value", "lower", "upper", "interval", "unit", "tier", "source", "location", "note")
"""The columns of the table, in order."""

ARMS = ("atezolizumab", "chemotherapy")
"""Arm names: atezolizumab plus chemotherapy, and chemotherapy alone."""

REFERENCE_ARM = "chemotherapy"
"""The control arm: the published hazard ratio is atezolizumab versus chemotherapy alone."""

TIERS = ("primary", "secondary")
"""How sure a number is: from the JAMA paper, or from a conference abstract or report."""

PRIMARY_SOURCE = "ignatiadis2025"
"""The citation key of the JAMA paper, the only source of primary numbers."""


@dataclass(frozen=True)
class Quantity:
    """What one key of the table means.

    Parameters
    ----------
    description
        The quantity in the reader's words.
    unit
        The unit every row of this key must have (see :data:`~alexandra.published.UNITS`).
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


_SUFFIX = {"percent": "%", "years": " years", "months": " months", "weeks": " weeks", "mg": " mg", "mg/m2": " mg/m²"}


def _readable(number: float) -> str:
    """A number as the book prints it: thousands separators from 1,000 (``2,199``), else as short as exact.

    >>> _readable(2199.0), _readable(1.11), _readable(0.8)
    ('2,199', '1.11', '0.8')
    """
    if float(number).is_integer() and abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:g}"


#: How :class:`Estimate` names its source in messages (it does not keep the path it was read from).
_TABLE = "the table of published numbers"


@dataclass(frozen=True)
class Estimate:
    """One published number with its uncertainty and provenance.

    ``value`` is a float, or a :class:`datetime.date` when ``unit`` is
    ``"date"`` or ``"year-month"`` (a month is stored as its first day).
    ``lower`` and ``upper`` bound the interval named by ``interval``
    (``"95% CI"``, ``"IQR"``), or are None when the source gives none.

    >>> from alexandra.published import get
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

        >>> from alexandra.published import get
        >>> get("fatal_ae_pct", arm="atezolizumab").text()
        '0.8%'
        >>> get("protocol_amendment_month").text()
        '2023-02'
        """
        if isinstance(self.value, date):
            return self.value.strftime("%Y-%m") if self.unit == "year-month" else self.value.isoformat()
        suffix = _SUFFIX.get(self.unit, "")
        shown = f"{_readable(self.value)}{suffix}"
        if self.lower is not None and self.upper is not None:
            shown += f" ({self.interval} {_readable(self.lower)}–{_readable(self.upper)})"
        return shown

    def _label(self) -> str:
        return f"{self.key}/{self.arm}" if self.arm else self.key
