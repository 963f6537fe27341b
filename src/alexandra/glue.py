"""Helpers for the chapters themselves: putting computed numbers into the prose.

A chapter computes a number in a code cell and refers to it in a markdown cell
as ``{glue:text}`key:.2f```. :func:`glue_numbers` does the gluing for many
numbers at once, so that a cell shows its computation and ends with one line
naming what the prose uses, instead of a ``glue(...)`` line per number.

>>> import numpy as np
>>> from alexandra.glue import glue_numbers
>>> glue_numbers(design_hr=np.float64(0.7529), events=np.int64(390), when="May 2023")
{'design_hr': 0.7529, 'events': 390, 'when': 'May 2023'}
"""

from __future__ import annotations

import numbers

from alexandra.errors import DataError

Gluable = float | int | str


def plain(key: str, value: object) -> Gluable:
    """``value`` as a plain Python float, int or str (what glue can format), else a DataError.

    >>> plain("n", 3.0), plain("x", True)
    (3.0, 1)
    """
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise DataError(f"glue_numbers({key}=...): {type(value).__name__} {value!r} is not a number or a string")


def glue_numbers(**values: object) -> dict[str, Gluable]:
    """Glue each keyword as a number (or text) for the prose, without displaying it.

    Numpy scalars become plain floats and ints, which glue's format specifications
    (``:.2f``) accept. Returns what was glued, for a quick look in a notebook.
    """
    from myst_nb import glue  # type: ignore[import-untyped]

    glued = {key: plain(key, value) for key, value in values.items()}
    for key, value in glued.items():
        glue(key, value, display=False)
    return glued
