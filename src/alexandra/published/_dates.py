"""Dates as the book counts and writes them: months between two days, and a date in words.

Published dates (enrolment, data cut-off, the interim analysis) are turned into months with one
average month, :data:`DAYS_PER_MONTH`, and written in prose by :func:`date_text`. Both are
importable from :mod:`alexandra.published` too.
"""

from __future__ import annotations

from datetime import date

__all__ = ["DAYS_PER_MONTH", "date_text", "months_between"]

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
