"""Computed numbers in the prose, in the HTML book and in a live notebook alike.

A chapter computes a number in a code cell, glues it under a key, and its prose
shows it with an inline expression::

    glue_numbers(se=0.1226)                    # code cell
    The standard error is {eval}`glued["se:.3f"]`.   # markdown cell

``glued["key:spec"]`` formats the glued value with a Python format
specification (``.3f``, ``,.0f``, ``.1%``; none gives ``str(value)``). The same
expression is evaluated by the kernel in both places where a chapter is read:

* the HTML book executes each chapter inline (myst-nb's ``{eval}`` role) and
  prints the text into the page;
* JupyterLab with ``jupyterlab-myst`` evaluates it when the markdown cell runs,
  so an instructor who changes a code cell and runs the chapter again sees the
  prose follow.

Each key is also glued with myst-nb (not displayed), so that a self-check
question can name its answer by key.

>>> import numpy as np
>>> glue_numbers(design_hr=np.float64(0.7529), events=np.int64(390), when="May 2023")
>>> print(glued["design_hr:.2f"], glued["events:,"], glued["when"])
0.75 390 May 2023
"""

from __future__ import annotations

import numbers
from typing import Any

from alexandra.errors import DataError

Gluable = float | int | str


def plain(key: str, value: object) -> Gluable:
    """``value`` as a plain Python float, int or str (what a format spec accepts), else a DataError.

    >>> plain("n", 3.0), plain("x", True)
    (3.0, 1)
    """
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise DataError(f"glue({key!r}, ...): {type(value).__name__} {value!r} is not a number or a string")


class Shown(str):
    """Text for the prose: printed without the quotes a ``str`` repr would add.

    >>> Shown("0.75")
    0.75
    """

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


class Glued:
    """The numbers a chapter has glued so far, formatted on request: ``glued["key:spec"]``."""

    def __init__(self) -> None:
        self._values: dict[str, Gluable] = {}

    def __setitem__(self, key: str, value: object) -> None:
        self._values[key] = plain(key, value)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __getitem__(self, reference: str) -> Shown:
        key, _, spec = reference.partition(":")
        if key not in self._values:
            raise KeyError(
                f"{key!r} has not been glued yet: run the code cell that computes it "
                f"(glue_numbers({key}=...)) before the text that shows it"
            )
        try:
            return Shown(format(self._values[key], spec))
        except ValueError as error:
            raise DataError(f'glued["{reference}"]: {error}') from error

    def value(self, key: str) -> Gluable:
        """The glued value itself, unformatted."""
        return self._values[key]


glued = Glued()
"""The chapter's glued numbers (one per kernel: each chapter runs in its own)."""


def glue(key: str, value: object) -> None:
    """Glue one number (or text) under ``key`` for the prose, without displaying it."""
    from myst_nb import glue as myst_nb_glue  # type: ignore[import-untyped]

    glued[key] = value
    myst_nb_glue(key, glued.value(key), display=False)


def glue_numbers(**values: object) -> None:
    """Glue each keyword as a number (or text) for the prose.

    Numpy scalars become plain floats and ints, which format specifications
    (``:.2f``) accept. Nothing is returned, so a cell that ends with it shows no
    raw dictionary to the reader: the numbers appear where the prose uses them.
    """
    for key, value in values.items():
        glue(key, value)
