"""The one exception the package raises for bad input."""

from __future__ import annotations

__all__ = ["DataError"]


class DataError(ValueError):
    """Input that the book cannot use.

    The message always says where the problem is (file, row, field or argument)
    and what is wrong, so that a reader can fix the input without reading a
    traceback from inside pandas or numpy.

    >>> raise DataError("data/published/alexandra.csv, row idfs_events/atezolizumab, field value: 'abc' is not a number")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: data/published/alexandra.csv, row idfs_events/atezolizumab, field value: 'abc' is not a number
    """
