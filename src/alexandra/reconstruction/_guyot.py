"""Pseudo-individual patient data from a published Kaplan–Meier figure (Guyot et al., 2012).

:func:`guyot` rebuilds one arm's patients from the digitised curve and the
numbers at risk printed under it (or only the arm size and its number of
events). The input is first cleaned by the rules of :mod:`alexandra.reconstruction`;
every change is returned with the result (``patients.attrs["changes"]``) and
shown as a :class:`~alexandra.reconstruction.CleaningWarning`.

>>> curve_time = [0, 2, 4, 6, 8, 10]
>>> curve_survival = [1, 0.9, 0.8, 0.7, 0.6, 0.5]
>>> patients = guyot(curve_time, curve_survival, risk_time=[0, 5], n_risk=[100, 68])
>>> len(patients), int(patients.event.sum())
(100, 40)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra.errors import DataError
from alexandra.reconstruction._digitised import Change, clean_curve, clean_risk_table, warn_changes

__all__ = ["guyot"]

_SWAPPED_ROWS_SLACK = 0.05
"""A first guess of censored patients below minus this share of the patients at risk means the
table cannot belong to the curve (for example the other arm's row); smaller negatives are read error."""

_MAX_ADJUSTMENTS = 10_000
"""Safety net for the censoring adjustment loops, which converge in a handful of steps in practice."""


def guyot(
    km_time: npt.ArrayLike,
    km_surv: npt.ArrayLike,
    risk_time: npt.ArrayLike,
    n_risk: npt.ArrayLike,
    total_events: int | None = None,
    *,
    warn: bool = True,
) -> pd.DataFrame:
    """Reconstruct one arm's patients from its Kaplan–Meier curve (Guyot et al., 2012).

    The algorithm walks along the digitised curve one interval of the
    numbers-at-risk table at a time. In each interval it guesses how many
    patients were censored, spreads them evenly over the interval, derives the
    number of events at each curve point from the drop in survival, and
    corrects the number censored until the patients left at the start of the
    next interval match the published number at risk. Beyond the last row of
    the table, censoring continues at the average rate of the earlier
    intervals, or, when ``total_events`` is given and the table has one row
    (only the arm size), at the rate that makes the events add up to it: the
    paper's "total events only" case.

    **Total events.** A published total counts the events after the end of
    the figure too. When it is given and patients are still at risk where the
    curve ends (a figure cut before the last follow-up), those patients are
    spread evenly after the end, over the time the table's last interval took
    to lose as many patients, and the events the curve does not show are
    the first of them (so that the patients left in both arms are in the
    risk sets of those events, as they were in the trial). Any difference
    left is met over the whole curve, one event at a time, at the points
    where rounding the drops of the curve to whole events was least fair (an
    event removed becomes a censoring at the same time, so the numbers at
    risk still match the table).

    Departures from the published R code, all deterministic:

    * censored patients get the evenly spread times the algorithm assumes, not
      the mid-point of the curve step they fall in, and an interval's
      censorings are spread up to the next time of the table: the rebuilt
      numbers at risk then match the table;
    * a negative number of events at a point is set to 0;
    * the first guess of censored patients in an interval is never negative
      (as in the Stata command ``ipdfc``); a guess far below zero is an error;
    * the curve gets a point at every time of the table where it has none
      (at the level of the curve there), so that every interval's censorings
      are spread from the interval's start, not from its first drop, and a
      row whose interval holds no drop still counts;
    * when the curve drops more over an interval than the numbers at risk
      allow even with nobody censored, events are removed where rounding the
      drops added most (the table is exact, the reading of the curve is not).

    Parameters
    ----------
    km_time, km_surv
        The digitised points of the curve, in any order: time, and survival
        as a proportion or a percentage. Cleaned by :func:`alexandra.reconstruction.clean_curve`.
    risk_time, n_risk
        The numbers-at-risk table: ``risk_time[0]`` must be 0 and
        ``n_risk[0]`` the arm size; times increasing, numbers not increasing.
    total_events
        The arm's number of events, when published.
    warn
        Show the changes made to the input as a warning (they are always in
        ``attrs["changes"]`` of the result).

    Returns
    -------
    pandas.DataFrame
        One row per patient, sorted by time: ``time`` (float, the curve's unit)
        and ``event`` (1 = event, 0 = censored). ``attrs["changes"]`` is a
        tuple of :class:`~alexandra.reconstruction.Change`: what cleaning changed,
        where events were cut to what the numbers at risk allow, and how the
        total events were met.

    Raises
    ------
    DataError
        For input no cleaning can fix (see :mod:`alexandra.reconstruction`), a table
        that cannot belong to the curve, or ``total_events`` outside 0..arm size.

    Examples
    --------
    An arm of 10 patients whose curve drops by a tenth at months 1 to 5, with
    4 patients at risk at month 5. The curve alone would leave 5 at month 5:
    the algorithm censors 2 patients, spread evenly before month 5, and the
    four patients left at the end of the curve are censored there:

    >>> time = [0, 1, 2, 3, 4, 5]
    >>> survival = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]
    >>> patients = guyot(time, survival, risk_time=[0, 5], n_risk=[10, 4])
    >>> patients.time.round(2).tolist()
    [1.0, 1.67, 2.0, 3.0, 3.33, 4.0, 5.0, 5.0, 5.0, 5.0]
    >>> patients.event.tolist()
    [1, 0, 1, 1, 0, 1, 0, 0, 0, 0]

    Without the table, only the arm size and its events:

    >>> guyot(time, survival, risk_time=[0], n_risk=[10], total_events=5).event.sum()
    np.int64(5)
    """
    curve = clean_curve(km_time, km_surv)
    table_time, table_n, curve = clean_risk_table(risk_time, n_risk, curve)
    events_total = _checked_total_events(total_events, int(table_n[0]))
    curve_time, curve_survival = _points_at_rows(curve.time, curve.survival, table_time)
    walk = _GuyotWalk(curve_time, curve_survival, table_time, table_n)
    walk.run(events_total)
    changes = curve.changes + tuple(walk.changes)
    if warn:
        warn_changes(changes, "guyot")
    patients = walk.patients()
    patients.attrs["changes"] = changes
    return patients


class _GuyotWalk:
    """The state of the algorithm along one arm's curve.

    ``lower[i]``/``upper[i]`` are the first and last curve points of interval
    ``i`` (from ``table_time[i]`` up to, not including, ``table_time[i + 1]``).
    """

    def __init__(
        self,
        curve_time: npt.NDArray[np.float64],
        curve_survival: npt.NDArray[np.float64],
        table_time: npt.NDArray[np.float64],
        table_n: npt.NDArray[np.int64],
    ) -> None:
        self.time = curve_time
        self.survival = curve_survival
        self.table_time = table_time
        self.table_n = table_n
        n_points = len(curve_time)
        self.lower = np.searchsorted(curve_time, table_time, side="left")
        self.upper = np.append(self.lower[1:] - 1, n_points - 1)
        self.events = np.zeros(n_points, dtype=np.int64)
        # What the drop of the curve at each point says before rounding (events are its rounded value).
        self.expected = np.zeros(n_points)
        self.censored = np.zeros(n_points, dtype=np.int64)
        # Events added (> 0) or removed (< 0) at each point to meet the total events.
        self.moved = np.zeros(n_points, dtype=np.int64)
        # Per interval: how many were spread over it by the last pass.
        self.n_censored = np.zeros(len(table_time), dtype=np.int64)
        self.remaining = 0
        # Patients left at the end of the curve whose times lie after it (see _events_after_the_curve).
        self.after_time = np.empty(0)
        self.after_event = np.empty(0, dtype=np.int64)
        self.changes: list[Change] = []
        # The rebuilt Kaplan–Meier estimate where an interval starts, and after the latest walk.
        self.km_at_interval_start = 1.0
        self._km_after_walk = 1.0

    # -- the pieces of one pass over an interval -------------------------------------------

    def _spread_times(
        self, interval: int, n_censored: int, is_last: bool
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Times of ``n_censored`` patients spread evenly over the interval, and the curve step of each.

        Earlier intervals spread up to the next time of the table; the last
        interval up to its own last point (after which everyone left is
        censored at the end of the curve).
        """
        lo, hi = self.lower[interval], self.upper[interval]
        start = self.time[lo]
        end = self.time[hi] if is_last else self.table_time[interval + 1]
        last_step = hi - 1 if is_last else hi
        if n_censored <= 0 or last_step < lo:
            return np.empty(0), np.empty(0, dtype=np.int64)
        times = start + np.arange(1, n_censored + 1) * (end - start) / (n_censored + 1)
        # Step k runs from curve point k up to, not including, point k + 1.
        steps = np.searchsorted(self.time[lo : last_step + 1], times, side="right") - 1 + lo
        return times, steps

    def _spread(self, interval: int, n_censored: int, is_last: bool) -> None:
        """Censor ``n_censored`` patients in the interval, counted per curve step."""
        lo, hi = self.lower[interval], self.upper[interval]
        _, steps = self._spread_times(interval, n_censored, is_last)
        self.n_censored[interval] = len(steps)
        self.censored[lo : hi + 1] = np.bincount(steps - lo, minlength=hi - lo + 1)

    def _walk(self, interval: int, n_at_start: int) -> int:
        """Events at each point of the interval from the drops in survival; patients left after it."""
        lo, hi = int(self.lower[interval]), int(self.upper[interval])
        # Plain Python numbers: this loop runs for every point at every correction of the censoring.
        survival = self.survival[lo : hi + 1].tolist()
        censored = self.censored[lo : hi + 1].tolist()
        expected, events = [0.0] * len(survival), [0] * len(survival)
        at_risk = int(n_at_start)
        km = float(self.km_at_interval_start)
        for k, point in enumerate(range(lo, hi + 1)):
            if point > 0 and at_risk > 0 and km > 0:
                expected[k] = at_risk * (1.0 - survival[k] / km)
            # round() halves to even, as numpy's rint.
            events[k] = min(max(round(expected[k]), 0), at_risk)
            if events[k]:
                km *= 1.0 - events[k] / at_risk
            censored[k] = min(censored[k], at_risk - events[k])  # cannot censor more than are left
            at_risk -= events[k] + censored[k]
        self.expected[lo : hi + 1] = expected
        self.events[lo : hi + 1] = events
        self.censored[lo : hi + 1] = censored
        self._km_after_walk = km
        return at_risk

    def _adjust(
        self, interval: int, n_at_start: int, first_guess: int, is_last: bool, mismatch: Callable[[int], int]
    ) -> int:
        """Change the number censored in the interval until ``mismatch`` (patients too many) is 0.

        Stops early when no censoring is left to remove, or when the
        correction starts cycling (rounding can make it hop between two values).
        """
        n_censored = max(0, first_guess)
        seen: set[int] = set()
        for _ in range(_MAX_ADJUSTMENTS):
            self._spread(interval, n_censored, is_last)
            left = self._walk(interval, n_at_start)
            excess = mismatch(left)
            seen.add(n_censored)
            if excess == 0 or (excess < 0 and n_censored == 0):
                break
            proposal = max(0, n_censored + excess)
            if proposal in seen:
                break
            n_censored = proposal
        return left

    # -- the whole arm ---------------------------------------------------------------------

    def run(self, total_events: int | None) -> None:
        n_intervals = len(self.table_n)
        at_risk = int(self.table_n[0])
        for interval in range(n_intervals - 1):
            lo, next_lo = self.lower[interval], self.lower[interval + 1]
            expected = self.table_n[interval] * self.survival[next_lo] / max(self.survival[lo], 1e-12)
            first_guess = int(np.rint(expected - self.table_n[interval + 1]))
            if first_guess < -max(3.0, _SWAPPED_ROWS_SLACK * self.table_n[interval]):
                raise DataError(
                    f"guyot(n_risk): rows {interval} and {interval + 1} ({self.table_n[interval]} then "
                    f"{self.table_n[interval + 1]} at risk) need {-first_guess} fewer events than the curve shows "
                    "between them: the numbers at risk do not belong to this curve (the other arm's row?)"
                )
            target = int(self.table_n[interval + 1])

            def too_many_left(left: int, target: int = target) -> int:
                return left - target

            n_at_start = at_risk
            at_risk = self._adjust(interval, n_at_start, first_guess, False, too_many_left)
            if at_risk < target:
                at_risk = self._remove_events(interval, n_at_start, target - at_risk)
            self.km_at_interval_start = self._km_after_walk
        last = n_intervals - 1
        self._last_interval(last, at_risk, total_events)
        if total_events is not None:
            self._meet_total_events(total_events)

    def _remove_events(self, interval: int, n_at_start: int, n_events: int) -> int:
        """Remove ``n_events`` events of the interval where rounding the drops of the curve added most.

        Used when the curve drops more over the interval than the numbers at
        risk allow even with nobody censored: the table is exact, the reading
        of the curve is not. The patients stay at risk into the next interval.
        """
        lo, hi = int(self.lower[interval]), int(self.upper[interval])
        events = self.events[lo : hi + 1]
        removed = np.zeros_like(events)
        room = events - self.expected[lo : hi + 1]  # how much rounding added at each point
        for _ in range(n_events):
            candidates = np.flatnonzero(removed < events)
            if not candidates.size:
                break
            removed[candidates[np.argmax(room[candidates] - removed[candidates])]] += 1
        self.events[lo : hi + 1] = events - removed
        self.changes.append(
            Change(
                "numbers at risk",
                f"n_risk row {interval + 1} (time {self.table_time[interval + 1]:g})",
                f"{int(removed.sum())} events removed between rows {interval} and {interval + 1}: the curve drops "
                "more than the numbers at risk allow",
            )
        )
        # The rebuilt Kaplan–Meier estimate and the patients left, with the events that remain.
        at_risk, km = n_at_start, float(self.km_at_interval_start)
        pairs = zip(self.events[lo : hi + 1].tolist(), self.censored[lo : hi + 1].tolist(), strict=True)
        for n_event, n_censored in pairs:
            if n_event:
                km *= 1.0 - n_event / at_risk
            at_risk -= n_event + n_censored
        self._km_after_walk = km
        return at_risk

    def _last_interval(self, last: int, at_risk: int, total_events: int | None) -> None:
        lo, hi = self.lower[last], self.upper[last]
        # Beyond the table: censoring at the average rate per unit time of the earlier intervals,
        # which together span the table from 0 to its last time.
        first_guess = 0
        if last > 0:
            rate = self.n_censored[:last].sum() / self.table_time[last]
            first_guess = int(min(np.rint(rate * (self.time[hi] - self.time[lo])), at_risk))
        if total_events is None:
            self.remaining = self._adjust(last, at_risk, first_guess, True, lambda left: 0)
            return
        events_before = int(self.events[:lo].sum())
        if last > 0 and events_before >= total_events:
            # The earlier intervals already hold all the events: nobody has one in the last interval.
            self._spread(last, 0, True)
            self.events[lo : hi + 1] = 0
            self.remaining = at_risk
            return

        def too_few_censored(left: int) -> int:
            return int(self.events[: hi + 1].sum()) - total_events

        self.remaining = self._adjust(last, at_risk, first_guess, True, too_few_censored)

    def _meet_total_events(self, total_events: int) -> None:
        """Make the events add up to ``total_events`` (see :func:`guyot`, "Total events")."""
        missing = total_events - int(self.events.sum())
        if self.remaining > 0:
            placed = min(max(missing, 0), self.remaining)
            self._events_after_the_curve(placed)
            missing -= placed
        if missing != 0:
            self._spread_over_points(missing)

    def _events_after_the_curve(self, n_events: int) -> None:
        """Spread the patients left at the curve's end after it, ``n_events`` of them with an event."""
        end = float(self.time[-1])
        if len(self.table_n) > 1 and self.table_time[-1] > self.table_time[-2]:
            lost = self.table_n[-2] - self.table_n[-1]
            rate = lost / (self.table_time[-1] - self.table_time[-2])
        else:
            rate = (self.table_n[0] - self.remaining) / max(end, 1e-12)
        # The time the last interval took to lose as many patients as are left, at most the curve's length.
        span = min(self.remaining / rate, end) if rate > 0 else end
        n_left = self.remaining
        self.after_time = end + span * (np.arange(n_left) + 0.5) / n_left
        self.after_event = np.zeros(n_left, dtype=np.int64)
        if n_events:
            self.after_event[:n_events] = 1
        self.remaining = 0
        self.changes.append(
            Change(
                "total events",
                f"after the end of the curve (time {end:g})",
                f"the {n_left} patients left spread over {span:.3g} time units after it, "
                f"{n_events} of them with the events the curve does not show",
            )
        )

    def _spread_over_points(self, difference: int) -> None:
        """Add (``difference`` > 0) or remove events at the curve points where rounding was least fair.

        Each event's count at a point is the rounded drop of the curve there
        (``expected``): one event is removed where rounding added the most,
        added where it took the most, one at a time, over the whole curve. An
        event added turns a censoring at the same step into an event; one
        removed turns an event into a censoring at its time. Either way the
        numbers at risk stay those of the table.
        """
        sign = 1 if difference > 0 else -1
        pool = self.censored if sign > 0 else self.events
        room = sign * (self.expected - self.events)  # how much rounding took (adding) or gave (removing)
        counts = np.zeros_like(self.events)
        for _ in range(abs(difference)):
            candidates = np.flatnonzero(counts < pool)
            if not candidates.size:
                break
            counts[candidates[np.argmax(room[candidates] - counts[candidates])]] += 1
        if counts.sum() < abs(difference):
            self.changes.append(
                Change("total events", "whole curve", f"{abs(difference) - int(counts.sum())} could not be met")
            )
        self.events += sign * counts
        self.censored -= sign * counts
        self.moved += sign * counts
        self.changes.append(
            Change(
                "total events",
                f"{int((counts > 0).sum())} curve points",
                f"{int(counts.sum())} events {'added' if sign > 0 else 'removed'} where rounding the drops of the "
                f"curve had taken {'most' if sign > 0 else 'added most'}",
            )
        )

    def patients(self) -> pd.DataFrame:
        """One row per patient: events at their curve point, censorings at their spread times."""
        event_times = np.repeat(self.time, self.events)
        # Events removed to meet the total stay as censorings at their point's time.
        removed_times = np.repeat(self.time, np.maximum(-self.moved, 0))
        censor_times = [self._censor_times(interval) for interval in range(len(self.table_n))]
        leftover = np.full(self.remaining, self.time[-1])
        censored_after = self.after_time[self.after_event == 0]
        times = np.concatenate(
            [
                event_times,
                self.after_time[self.after_event == 1],
                removed_times,
                *censor_times,
                censored_after,
                leftover,
            ]
        )
        n_events = len(event_times) + int(self.after_event.sum())
        events = np.concatenate([np.ones(n_events, dtype=np.int64), np.zeros(len(times) - n_events, dtype=np.int64)])
        order = np.argsort(times, kind="stable")
        return pd.DataFrame({"time": times[order], "event": events[order]})

    def _censor_times(self, interval: int) -> npt.NDArray[np.float64]:
        lo, hi = self.lower[interval], self.upper[interval]
        times, steps = self._spread_times(interval, int(self.n_censored[interval]), interval == len(self.table_n) - 1)
        # Each step keeps the first of its spread times that it still holds (fewer when the walk
        # had to cancel censorings because nobody was left to censor, or when censorings became
        # events to meet the total); censorings that were events keep their point's time (patients()).
        held = self.censored[lo : hi + 1] + np.minimum(self.moved[lo : hi + 1], 0)
        rank = np.arange(len(steps)) - np.searchsorted(steps, steps, side="left")
        return times[rank < held[steps - lo]]


# -- input checks ------------------------------------------------------------------------------


def _checked_total_events(total_events: int | None, arm_size: int) -> int | None:
    if total_events is None:
        return None
    if isinstance(total_events, bool) or not float(total_events).is_integer() or not 0 <= total_events <= arm_size:
        raise DataError(
            f"guyot(total_events): {total_events!r} must be a whole number from 0 to the arm size {arm_size}"
        )
    return int(total_events)


def _points_at_rows(
    curve_time: npt.NDArray[np.float64], curve_survival: npt.NDArray[np.float64], table_time: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The curve with a point at each time of the table, at the curve's level there (a flat step)."""
    missing = np.setdiff1d(table_time, curve_time)
    level = curve_survival[np.searchsorted(curve_time, missing, side="right") - 1]
    order = np.argsort(np.concatenate([curve_time, missing]), kind="stable")
    return np.concatenate([curve_time, missing])[order], np.concatenate([curve_survival, level])[order]
