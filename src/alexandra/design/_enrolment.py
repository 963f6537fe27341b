"""How patients enter a trial and how long they are followed: the one model of the book.

Every chapter that puts patients in calendar time uses this model: the design
(chapter 2), stopping early (chapter 3), the IDFS histories (chapter 4), the
reconstruction (chapter 5) and the uncertainty around the hazard ratio (chapter 6).

* **Enrolment** (:class:`Enrolment`) ramps up as centres open, reaches its peak
  rate, may then slow, and stops abruptly when recruitment is closed (ALEXANDRA's
  was paused by its monitoring committee short of its target).
* **Follow-up** (:class:`FollowUpPlan`): a patient is followed until the data
  cut unless she is lost to follow-up first (a constant yearly risk). Her
  event-free status is known only at the assessments of a visit schedule, so an
  event-free patient is censored at her last assessment, which precedes the cut;
  events are dated when they happen. Follow-up, as trials report it, runs to the
  last contact (the cut or the loss).
* **A trial's conduct** (:class:`Conduct`) joins the two with a data cut.

ALEXANDRA's enrolment shape is not published: the book fits it once, to the
published follow-up quartiles and numbers at risk, in the reconstruction
(``make data``), and every chapter reads that fit back (:func:`alexandra_conduct`).

>>> conduct = Conduct(Enrolment(24.0, ramp_months=6.0), FollowUpPlan(annual_loss=0.02), cut_months=60.0)
>>> float(conduct.enrolment.share_enrolled(24.0)), round(float(conduct.enrolment.share_enrolled(6.0)), 3)
(1.0, 0.143)
>>> drawn = conduct.draw([0.5], [0.5])
>>> round(float(drawn.entry[0]), 2), round(float(drawn.last_contact[0]), 2), float(drawn.last_assessment[0])
(13.5, 46.5, 42.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra import checks, survival

__all__ = [
    "ASSESSMENT_MONTHS",
    "Conduct",
    "Draw",
    "Enrolment",
    "FollowUpPlan",
    "reported_followup",
]

ASSESSMENT_MONTHS: tuple[float, ...] = (
    *(3.0 * k for k in range(1, 13)),
    *(36.0 + 6.0 * k for k in range(1, 5)),
    *(60.0 + 12.0 * k for k in range(1, 6)),
)
"""Months after randomisation of the assessments: every 3 months for 3 years, every 6 to 5 years, then yearly.

An ASSUMPTION of this book: ALEXANDRA's visit schedule is not in the abstract and
figure legends it uses. The intervals sit within the range of the ASCO guideline on
follow-up after breast cancer treatment (history and examination every 3–6 months
for 3 years, every 6–12 months in years 4–5, then yearly).
"""


@dataclass(frozen=True)
class Enrolment:
    """Enrolment over ``window_months``: a ramp up, a peak, a linear change to the stop, then nothing.

    The rate of enrolment, relative to its peak, is :math:`(t/R)^p` during the
    ramp (:math:`t < R`, ``ramp_months``; :math:`p` = ``ramp_power``, 1 for a
    linear ramp), then changes linearly from 1 at :math:`R` to ``end_rate`` at
    the end of the window, where it stops. ``end_rate`` 1 is a plateau; below 1
    enrolment slowed before it stopped. ``ramp_months`` 0 and ``end_rate`` 1
    is uniform enrolment.

    >>> uniform = Enrolment(10.0)
    >>> uniform.share_enrolled([0.0, 2.5, 10.0, 12.0]).tolist()
    [0.0, 0.25, 1.0, 1.0]
    >>> ramp = Enrolment(10.0, ramp_months=4.0, ramp_power=2.0, end_rate=0.5)
    >>> share = ramp.share_enrolled([1.0, 4.0, 7.0])
    >>> bool(np.allclose(ramp.entry_months(share), [1.0, 4.0, 7.0]))
    True
    """

    window_months: float
    ramp_months: float = 0.0
    ramp_power: float = 1.0
    end_rate: float = 1.0

    def __post_init__(self) -> None:
        where = "Enrolment"
        checks.number(where, "window_months", self.window_months, low=0)
        checks.number(where, "ramp_months", self.ramp_months, low=0, high=self.window_months)
        checks.positive(where, "ramp_power", self.ramp_power)
        checks.number(where, "end_rate", self.end_rate, low=0)

    @property
    def _plateau_months(self) -> float:
        return self.window_months - self.ramp_months

    @property
    def _ramp_area(self) -> float:
        return self.ramp_months / (self.ramp_power + 1)

    @property
    def _total_area(self) -> float:
        return self._ramp_area + self._plateau_months * (1 + self.end_rate) / 2

    def rate(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The enrolment rate at ``months``, relative to its peak (0 outside the window)."""
        t = np.asarray(months, dtype=float)
        ramp = np.clip(t / self.ramp_months, 0, 1) ** self.ramp_power if self.ramp_months > 0 else np.ones_like(t)
        after = np.clip(t - self.ramp_months, 0, None) / self._plateau_months if self._plateau_months > 0 else 0.0
        inside = (t >= 0) & (t <= self.window_months)
        return np.asarray(np.where(inside, np.where(t < self.ramp_months, ramp, 1 + (self.end_rate - 1) * after), 0.0))

    def share_enrolled(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Share of the patients enrolled by ``months`` months after the start."""
        if self.window_months == 0:
            return np.ones(np.shape(months))
        t = np.clip(np.asarray(months, dtype=float), 0, self.window_months)
        in_ramp = np.minimum(t, self.ramp_months)
        ramp = self._ramp_area * (in_ramp / self.ramp_months) ** (self.ramp_power + 1) if self.ramp_months > 0 else 0.0
        s = np.clip(t - self.ramp_months, 0, None)
        slope = (self.end_rate - 1) / self._plateau_months if self._plateau_months > 0 else 0.0
        share = np.minimum((ramp + s + slope * s**2 / 2) / self._total_area, 1.0)
        return np.asarray(np.where(t >= self.window_months, 1.0, share))

    def entry_months(self, share: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """When a given share of the patients has been enrolled (the inverse of :meth:`share_enrolled`)."""
        area = np.clip(np.asarray(share, dtype=float), 0, 1) * self._total_area
        ramp_share = np.clip(area / self._ramp_area, 0, 1) if self.ramp_months > 0 else np.zeros_like(area)
        in_ramp = self.ramp_months * ramp_share ** (1 / (self.ramp_power + 1))
        # After the ramp, solve s + slope s^2 / 2 = rest; this form of the root is exact when slope is 0.
        rest = np.clip(area - self._ramp_area, 0, None)
        slope = (self.end_rate - 1) / self._plateau_months if self._plateau_months > 0 else 0.0
        after = 2 * rest / (1 + np.sqrt(np.clip(1 + 2 * slope * rest, 0, None)))
        return np.asarray(np.where(area <= self._ramp_area, in_ramp, self.ramp_months + after))


def _count(number: float, unit: str) -> str:
    return f"{number:g} {unit}" if number == 1 else f"{number:g} {unit}s"


@dataclass(frozen=True)
class FollowUpPlan:
    """Loss to follow-up at a constant yearly risk, and the assessments that date the last event-free visit.

    ``assessment_months=None`` assesses continuously: an event-free patient is
    censored at her last contact (as in a simulation without visits).

    >>> plan = FollowUpPlan(annual_loss=0.02)
    >>> plan.last_assessment([2.0, 3.0, 37.5, 61.0]).tolist()
    [0.0, 3.0, 36.0, 60.0]
    >>> round(plan.loss_rate * 12, 5), float(plan.next_assessment(47.0))
    (0.0202, 48.0)
    >>> FollowUpPlan(assessment_months=None).last_assessment([2.5]).tolist()
    [2.5]
    """

    annual_loss: float = 0.0
    assessment_months: tuple[float, ...] | None = ASSESSMENT_MONTHS

    def __post_init__(self) -> None:
        where = "FollowUpPlan"
        checks.number(where, "annual_loss", self.annual_loss, low=0, high=1, inclusive=True, hint="(a yearly risk)")
        if self.annual_loss == 1:
            checks.fail(checks.call(where, "annual_loss", 1), "a yearly risk of 1 follows nobody")
        if self.assessment_months is not None:
            months = checks.values(where, "assessment_months", self.assessment_months, minimum=0)
            if months.size == 0 or np.any(np.diff(months) <= 0):
                checks.fail(checks.call(where, "assessment_months"), "give increasing months, at least one (or None)")

    @property
    def loss_rate(self) -> float:
        """The constant hazard of loss to follow-up, per month."""
        return -math.log1p(-self.annual_loss) / 12

    def still_followed(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Chance of not being lost to follow-up by ``months`` after randomisation."""
        return np.asarray(np.exp(-self.loss_rate * np.asarray(months, dtype=float)))

    def loss_months(self, uniforms: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Months to the loss to follow-up, one per uniform in (0, 1) (infinite without loss)."""
        u = np.asarray(uniforms, dtype=float)
        if self.loss_rate == 0:
            return np.full(u.shape, np.inf)
        return np.asarray(-np.log1p(-u) / self.loss_rate)

    def schedule_text(self) -> str:
        """The visit schedule in words, for a reader.

        >>> FollowUpPlan().schedule_text()
        'every 3 months for 3 years, then every 6 months to 5 years, then yearly to 10 years'
        >>> FollowUpPlan(assessment_months=None).schedule_text()
        'continuously'
        """
        if self.assessment_months is None:
            return "continuously"
        months = np.asarray(self.assessment_months, dtype=float)
        intervals = np.diff(months, prepend=0.0)
        # Runs of equal intervals, each ending at its last assessment.
        ends = [*np.flatnonzero(np.diff(intervals) != 0), len(months) - 1]
        parts = []
        for number, end in enumerate(ends):
            every = "yearly" if intervals[end] == 12 else f"every {_count(intervals[end], 'month')}"
            until = _count(months[end] / 12, "year") if months[end] % 12 == 0 else _count(months[end], "month")
            parts.append(f"{every} {'for' if number == 0 else 'to'} {until}")
        return ", then ".join(parts)

    def last_assessment(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The last assessment at or before ``months`` after randomisation (0: randomisation itself)."""
        t = np.asarray(months, dtype=float)
        if self.assessment_months is None:
            return np.asarray(np.clip(t, 0, None))
        schedule = np.concatenate(([0.0], self.assessment_months))
        return np.asarray(schedule[np.clip(np.searchsorted(schedule, t, side="right") - 1, 0, None)])

    def next_assessment(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The first assessment at or after ``months`` (infinite past the schedule)."""
        t = np.asarray(months, dtype=float)
        if self.assessment_months is None:
            return t
        schedule = np.concatenate(([0.0], self.assessment_months, [np.inf]))
        return np.asarray(schedule[np.searchsorted(schedule, t, side="left")])


@dataclass(frozen=True)
class Draw:
    """Patients drawn from a :class:`Conduct`, months: entry (since enrolment start), then since randomisation."""

    entry: npt.NDArray[np.float64]
    last_contact: npt.NDArray[np.float64]  # the data cut or the loss to follow-up, whichever first
    last_assessment: npt.NDArray[np.float64]  # where an event-free patient is censored


@dataclass(frozen=True)
class Conduct:
    """Enrolment, follow-up and a data cut (``cut_months`` after the start of enrolment)."""

    enrolment: Enrolment
    followup: FollowUpPlan
    cut_months: float

    def __post_init__(self) -> None:
        checks.number(
            "Conduct", "cut_months", self.cut_months, low=self.enrolment.window_months, hint="(after enrolment ends)"
        )

    def followed(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Expected share of patients still in follow-up ``months`` after randomisation, ignoring events."""
        t = np.asarray(months, dtype=float)
        return np.asarray(self.enrolment.share_enrolled(self.cut_months - t) * self.followup.still_followed(t))

    def followup_quartiles(self) -> tuple[float, float, float]:
        """Expected median, lower and upper quartile of follow-up to the last contact, in months.

        >>> conduct = Conduct(Enrolment(24.0), FollowUpPlan(), cut_months=36.0)
        >>> [round(value, 3) for value in conduct.followup_quartiles()]
        [24.0, 18.0, 30.0]
        """
        grid = np.linspace(0.0, self.cut_months, 12_001)
        median, q1, q3 = np.interp([-0.5, -0.75, -0.25], -self.followed(grid), grid)
        return float(median), float(q1), float(q3)

    def at_risk_share(self, months: float) -> float:
        """Expected share of patients, ignoring events, still counted at risk at ``months``.

        A patient counts at ``months`` only if an assessment at or after it came
        before her last contact: she is censored at her last assessment.
        """
        return float(self.followed(self.followup.next_assessment(months)))

    def draw(self, entry_uniforms: npt.ArrayLike, loss_uniforms: npt.ArrayLike) -> Draw:
        """Entry, last contact and last assessment of patients, from two uniforms each."""
        entry = self.enrolment.entry_months(entry_uniforms)
        contact = np.minimum(self.cut_months - entry, self.followup.loss_months(loss_uniforms))
        return Draw(entry, contact, self.followup.last_assessment(contact))


def reported_followup(patients: pd.DataFrame) -> survival.FollowUp:
    """Median follow-up and quartiles as a trial reports them, for one arm's patients.

    With a ``last_contact`` column (the data cut or the loss to follow-up, as
    :class:`Conduct` draws it), follow-up runs to it for every patient, events or
    not: a reverse Kaplan–Meier curve with nothing to censor, so the plain
    quartiles of the time to last contact. Without it, the reverse Kaplan–Meier
    estimate of ``time`` and ``event`` (IDFS events censor the follow-up).

    >>> reported_followup(pd.DataFrame({"time": [3.0, 6.0, 9.0, 12.0], "event": [1, 0, 0, 0],
    ...                                 "last_contact": [10.0, 7.0, 11.0, 13.0]})).median
    10.5
    """
    if "last_contact" in patients:
        contact = patients.last_contact.to_numpy(dtype=float)
        return survival.reverse_km_followup(contact, np.zeros(contact.size, dtype=np.int64))
    return survival.reverse_km_followup(patients.time, patients.event)
