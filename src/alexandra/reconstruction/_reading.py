"""How much a rebuilt hazard ratio owes to the reading of the figure: re-reads with a digitiser-error model.

Two people who digitise the same Kaplan–Meier figure click different points:
each click is off by a little in time and in survival, and a whole reading can
sit a little left or right of the curve (where the reader put the axis). A
:class:`ReadingError` states those three sizes as shares of the axes;
:data:`READING_ERROR` is the size measured between two real readings of one
published figure (``scripts/real_data_study.py`` measures it on the two
readings of Bonner et al. 2006 in ``data/digitised/``).

:func:`reread` draws another reading of a figure around the one given,
:func:`read_figure` reads a figure from patients (the corners of its steps,
then the reading error), and :func:`reading_uncertainty` rebuilds a two-arm
trial from many re-reads of its figure: the spread of the rebuilt log hazard
ratio is the reading's share of the uncertainty, to be added to the Cox
model's own.

>>> error = ReadingError(time=0.01, survival=0.01)
>>> time, surv = reread([0, 5, 10], [1.0, 0.8, 0.6], error, seed=1)
>>> time.round(3).tolist(), surv.round(3).tolist()
([0.0, 5.035, 10.082], [1.0, 0.803, 0.587])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra import checks, survival
from alexandra.errors import DataError
from alexandra.reconstruction._digitised import SURVIVAL_SLACK, clean_curve
from alexandra.reconstruction._guyot import guyot
from alexandra.reconstruction._simulate import digitise_curve
from alexandra.stats_common import z_for

__all__ = [
    "READING_ERROR",
    "ReadingError",
    "ReadingUncertainty",
    "read_figure",
    "reading_uncertainty",
    "reread",
]


@dataclass(frozen=True)
class ReadingError:
    """The size of a digitiser's errors, as standard deviations in shares of the axes.

    Attributes
    ----------
    time
        Each click's error in time, as a share of the time axis (the curve's last time).
    survival
        Each click's error in survival (a proportion: 0.005 is half a percentage point).
    shift
        One reading's systematic error in time, the same for all its clicks, as a share
        of the time axis (where the reader put the axis; 0 for none).
    """

    time: float
    survival: float
    shift: float = 0.0

    def __post_init__(self) -> None:
        for name in ("time", "survival", "shift"):
            checks.number("ReadingError", name, getattr(self, name), low=0, hint="(a share of the axis)")

    @classmethod
    def of(cls, size: float | ReadingError) -> ReadingError:
        """``size`` as a :class:`ReadingError` (a number: that share on both axes, no shift).

        >>> ReadingError.of(0.002)
        ReadingError(time=0.002, survival=0.002, shift=0.0)
        """
        return size if isinstance(size, ReadingError) else cls(time=float(size), survival=float(size))

    def scaled(self, factor: float) -> ReadingError:
        """The same error ``factor`` times as large.

        >>> ReadingError(0.01, 0.02, 0.03).scaled(0.5)
        ReadingError(time=0.005, survival=0.01, shift=0.015)
        """
        return ReadingError(self.time * factor, self.survival * factor, self.shift * factor)


READING_ERROR = ReadingError(time=0.0044, survival=0.0065, shift=0.0089)
"""Measured between the two real readings of Bonner et al. (2006), radiotherapy arm (``data/digitised/``):
the clicks' time error is the robust spread of the horizontal gaps between the two readings (over
survival levels) divided by √2, the shift their median divided by √2, both over the 58-month axis;
the survival error is the root mean square of the vertical gaps between the two readings at the
times of the numbers at risk divided by √2. ``scripts/real_data_study.py`` measures it again and its test
checks these numbers."""


def reread(
    time: npt.ArrayLike,
    survival: npt.ArrayLike,
    error: float | ReadingError,
    seed: int | np.random.Generator = 0,
    *,
    end: float | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Another reading of a curve: each click moved by the reading error (the origin stays).

    Points at time 0 and survival 1 (where the axes meet) are kept; every other
    click gets a normal error in time (``error.time`` × ``end``, plus one
    ``error.shift`` × ``end`` for the whole reading; never below 0) and in survival
    (clipped to [0, 1], and never more than half of
    :data:`~alexandra.reconstruction.SURVIVAL_SLACK` above a lower click made before it: a reader
    follows the curve down). ``end`` is the length of the time axis (default: the last time).

    Parameters
    ----------
    time, survival
        The clicks (survival as a proportion).
    error
        A :class:`ReadingError`, or one share for both axes.
    seed
        A seed or a numpy generator.
    end
        The length of the time axis.

    Returns
    -------
    tuple of numpy arrays
        The re-read times and survival, in the order given.

    Examples
    --------
    >>> reread([0, 1, 2], [1.0, 0.9, 0.8], 0.0)
    (array([0., 1., 2.]), array([1. , 0.9, 0.8]))
    """
    size = ReadingError.of(error)
    times = np.array(time, dtype=float)
    values = np.array(survival, dtype=float)
    if times.shape != values.shape or times.ndim != 1:
        raise DataError(f"reread(time, survival): {times.shape} times but {values.shape} survival values")
    axis = float(times.max()) if end is None else float(end)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    origin = (times == 0) & (values >= 1)
    moved = ~origin
    shift = rng.normal(0.0, size.shift * axis) if size.shift > 0 else 0.0
    if size.time > 0 or shift:
        noise = rng.normal(0.0, size.time * axis, int(moved.sum())) if size.time > 0 else 0.0
        times[moved] = np.maximum(times[moved] + noise + shift, 0.0)
    if size.survival > 0:
        values[moved] = np.clip(values[moved] + rng.normal(0.0, size.survival, int(moved.sum())), 0.0, 1.0)
        # A reader follows the curve down: no click lies more than half the cleaning's slack above
        # a lower click made before it (clicks in the order given).
        ceiling = np.minimum.accumulate(np.concatenate(([1.0], values[:-1]))) + SURVIVAL_SLACK / 2
        values = np.minimum(values, ceiling)
    return times, values


def read_figure(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    until: float,
    error: float | ReadingError,
    n_points: int = 120,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """One arm's Kaplan–Meier figure as a reader clicks it: the corners of its steps, then the reading error.

    At most ``n_points`` corners up to ``until`` (nearby drops merge, see
    :func:`~alexandra.reconstruction.digitise_curve`), each moved by
    :func:`reread` on a time axis of length ``until``.

    >>> figure = read_figure([1, 2, 3, 4, 6], [1, 1, 0, 1, 0], until=5, error=0.0)
    >>> figure.round(2).to_dict("list")
    {'time': [0.0, 1.0, 2.0, 4.0, 5.0], 'survival': [1.0, 0.8, 0.6, 0.3, 0.3]}
    """
    corners = digitise_curve(time, event, n_points=n_points, until=until)
    times, values = reread(corners.time, corners.survival, error, seed, end=until)
    return pd.DataFrame({"time": times, "survival": values})


@dataclass(frozen=True)
class ReadingUncertainty:
    """A two-arm rebuild's hazard ratio with and without the reading's uncertainty.

    Attributes
    ----------
    hazard_ratio
        The Cox hazard ratio rebuilt from the reading as given (second arm against the first).
    log_hr_rereads
        The rebuilt log hazard ratio of each re-read.
    sd_log_hr
        Their standard deviation: the reading's share of the uncertainty.
    lower, upper
        The confidence interval widened by it: the log hazard ratio ± z × √(se² + sd²).
    level
        The confidence level.
    refused
        Re-reads that the algorithm refused (a curve dropping further than the numbers at risk
        allow), drawn again.
    """

    hazard_ratio: survival.HazardRatio
    log_hr_rereads: npt.NDArray[np.float64]
    sd_log_hr: float
    lower: float
    upper: float
    level: float
    refused: int = 0


def _rebuild(
    arms: list[str],
    curves: Mapping[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    risk: Mapping[str, pd.DataFrame],
    totals: Mapping[str, int | None],
) -> pd.DataFrame:
    rebuilt = []
    for arm in arms:
        time, values = curves[arm]
        table = risk[arm]
        patients = guyot(time, values, table["time"], table["n_risk"], totals.get(arm), warn=False)
        rebuilt.append(patients.assign(arm=arm))
    return pd.concat(rebuilt, ignore_index=True)


def reading_uncertainty(
    curve: Mapping[str, pd.DataFrame],
    risk: Mapping[str, pd.DataFrame],
    total_events: Mapping[str, int | None] | None = None,
    reading_error: float | ReadingError = READING_ERROR,
    n_rereads: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> ReadingUncertainty:
    """The rebuilt hazard ratio of a two-arm figure, and how much it moves when the figure is read again.

    Each arm's clicks are cleaned (:func:`~alexandra.reconstruction.clean_curve`) and
    re-read ``n_rereads`` times with ``reading_error`` (:func:`reread`, the time axis
    being the arm's last time); each re-read is rebuilt with
    :func:`~alexandra.reconstruction.guyot` and its Cox log hazard ratio taken (a re-read that
    ``guyot`` refuses is drawn again, and counted in ``refused``). Their
    standard deviation is added to the Cox model's standard error (in quadrature)
    to widen the interval. A re-read is drawn around the reading given, so it
    differs from it as another reader's reading would differ from the true curve.

    Parameters
    ----------
    curve
        Arm name to its clicks (columns ``time`` and ``survival``, proportion or percent);
        exactly two arms, the first the reference.
    risk
        Arm name to its numbers at risk (columns ``time`` and ``n_risk``).
    total_events
        Arm name to its total events, for the arms whose paper gives them.
    reading_error
        A :class:`ReadingError`, or one share for both axes (0: no reading error).
    n_rereads
        How many re-reads.
    seed
        Seed of the re-reads: the same seed gives the same result.
    level
        Confidence level of the intervals.

    Raises
    ------
    DataError
        For other than two arms, arms missing from ``risk``, or what
        :func:`~alexandra.reconstruction.guyot` refuses (named with the arm).

    Examples
    --------
    >>> curves = {"A": pd.DataFrame({"time": [0, 2, 4, 6, 8], "survival": [1, 0.8, 0.6, 0.5, 0.4]}),
    ...           "B": pd.DataFrame({"time": [0, 2, 4, 6, 8], "survival": [1, 0.9, 0.8, 0.7, 0.6]})}
    >>> risk = {arm: pd.DataFrame({"time": [0, 4], "n_risk": [100, 70 if arm == "B" else 55]}) for arm in curves}
    >>> result = reading_uncertainty(curves, risk, reading_error=0.01, n_rereads=20, seed=1)
    >>> round(result.hazard_ratio.hr, 2), result.sd_log_hr > 0, result.lower < result.hazard_ratio.lower
    (0.51, True, True)
    >>> reading_uncertainty(curves, risk, reading_error=0.0, n_rereads=5).sd_log_hr
    0.0
    """
    arms = list(curve)
    if len(arms) != 2:
        raise DataError(f"reading_uncertainty(curve): {len(arms)} arms; give exactly two, the reference first")
    missing = [arm for arm in arms if arm not in risk]
    if missing:
        raise DataError(f"reading_uncertainty(risk): no numbers at risk for arm(s) {', '.join(map(repr, missing))}")
    n_rereads = checks.whole("reading_uncertainty", "n_rereads", n_rereads, minimum=2)
    checks.level("reading_uncertainty", level)
    error = ReadingError.of(reading_error)
    totals = dict(total_events or {})
    cleaned = {}
    for arm in arms:
        points = curve[arm]
        try:
            clean = clean_curve(points["time"], points["survival"])
        except DataError as problem:
            raise DataError(f"reading_uncertainty, arm {arm!r}: {problem}") from None
        cleaned[arm] = (clean.time, clean.survival)
    try:
        rebuilt = _rebuild(arms, cleaned, risk, totals)
        base = survival.cox_hazard_ratio(rebuilt.time, rebuilt.event, rebuilt.arm, reference=arms[0])
    except DataError as problem:
        raise DataError(f"reading_uncertainty: {problem}") from None
    rng = np.random.default_rng(seed)
    log_hrs: list[float] = []
    refused = 0
    while len(log_hrs) < n_rereads:
        reread_curves = {arm: reread(*cleaned[arm], error, rng) for arm in arms}
        try:
            rebuilt = _rebuild(arms, reread_curves, risk, totals)
        except DataError:
            # A re-read the algorithm refuses (its curve drops further than the table allows): draw again.
            refused += 1
            if refused > n_rereads:
                raise DataError(
                    f"reading_uncertainty(reading_error={reading_error!r}): more than {n_rereads} re-reads refused; "
                    "the reading error is too large for this figure"
                ) from None
            continue
        log_hrs.append(survival.cox_hazard_ratio(rebuilt.time, rebuilt.event, rebuilt.arm, reference=arms[0]).log_hr)
    spread = float(np.std(log_hrs, ddof=1))
    if spread < 1e-12:
        spread = 0.0
    half = z_for(level) * math.sqrt(base.se**2 + spread**2)
    return ReadingUncertainty(
        hazard_ratio=base,
        log_hr_rereads=np.array(log_hrs),
        sd_log_hr=spread,
        lower=math.exp(base.log_hr - half),
        upper=math.exp(base.log_hr + half),
        level=level,
        refused=refused,
    )
