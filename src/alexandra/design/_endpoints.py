"""Which events count for which endpoint, and how a patient's history becomes (time, event).

Adjuvant breast cancer trials name their endpoints after the STEEP system
(Hudis et al. 2007; version 2.0, Tolaney et al. 2021). An endpoint is a list of
event types: the first of them to happen ends the patient's event-free time.
This module holds that list as data (:func:`steep_table`), turns one patient's
history into the pair a survival analysis needs (:func:`to_time_event`), and
simulates a cohort to show how the same patients give different event counts
under different definitions (:func:`simulate_histories`).

The endpoints, by their STEEP names:

* **DFS** — disease-free survival; STEEP calls it DFS-DCIS because, unlike
  IDFS, it also counts ductal carcinoma in situ (DCIS).
* **IDFS** — invasive disease-free survival (STEEP 2007): invasive recurrence
  anywhere, invasive cancer in the opposite breast, a second primary invasive
  cancer that is not breast cancer, or death from any cause.
* **IBCFS** — invasive breast cancer-free survival (STEEP 2.0): IDFS without
  second primary non-breast cancers. ALEXANDRA calls its primary endpoint
  IDFS, but the events its registry entry lists (NCT03498716) and its
  abstract names are these ones: see :data:`ALEXANDRA_PRIMARY_ENDPOINT`.
* **RFS** — recurrence-free survival: recurrence in the same breast, the chest
  wall or regional nodes, or elsewhere in the body, or death from any cause;
  new primary cancers do not count.
* **DRFS** — distant recurrence-free survival: distant recurrence or death from
  any cause.
* **OS** — overall survival: death from any cause.

>>> steep_table().loc["Distant recurrence (metastasis)"].tolist()
[True, True, True, True, True, False]
>>> counts_as_event("second_primary_nonbreast", "IDFS"), counts_as_event("second_primary_nonbreast", ALEXANDRA_PRIMARY_ENDPOINT)
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from alexandra import checks
from alexandra.design._enrolment import Enrolment, FollowUpPlan
from alexandra.errors import DataError
from alexandra.published import DAYS_PER_MONTH, months_between

__all__ = [
    "ADMINISTRATIVE_CENSORING",
    "ALEXANDRA_PRIMARY_ENDPOINT",
    "ENDPOINTS",
    "EVENT_TYPES",
    "ILLUSTRATIVE_ANNUAL_RATES",
    "LOST_TO_FOLLOW_UP",
    "Event",
    "History",
    "TimeEvent",
    "counts_as_event",
    "simulate_histories",
    "steep_table",
    "to_table",
    "to_time_event",
]

EVENT_TYPES: dict[str, str] = {
    "ipsilateral_invasive": "Invasive cancer in the same breast",
    "locoregional_invasive": "Invasive recurrence in chest wall, skin or regional nodes",
    "distant_recurrence": "Distant recurrence (metastasis)",
    "contralateral_invasive": "Invasive cancer in the opposite breast",
    "second_primary_nonbreast": "Second primary invasive cancer, not breast",
    "dcis": "Ductal carcinoma in situ (either breast)",
    "death_breast_cancer": "Death from breast cancer",
    "death_other_cause": "Death from another cause",
    "death_unknown_cause": "Death from unknown cause",
}
"""Event types (key → the reader's label), in the order of the STEEP tables."""

ENDPOINTS: dict[str, str] = {
    "DFS": "disease-free survival (STEEP: DFS-DCIS)",
    "IDFS": "invasive disease-free survival (STEEP 2007)",
    "IBCFS": "invasive breast cancer-free survival (STEEP 2.0)",
    "RFS": "recurrence-free survival",
    "DRFS": "distant recurrence-free survival",
    "OS": "overall survival",
}
"""Endpoints (STEEP abbreviation → name), from the broadest to the narrowest."""

ALEXANDRA_PRIMARY_ENDPOINT = "IBCFS"
"""The STEEP endpoint whose events match ALEXANDRA's primary endpoint.

The trial calls it IDFS. Its registry entry lists invasive recurrence in the
same breast or region, a second primary invasive cancer in the same breast,
invasive cancer in the opposite breast, distant recurrence and death from any
cause — but not second primary non-breast cancers, which STEEP 2007 counts in
IDFS and STEEP 2.0 leaves out of IBCFS.
"""

_DEATHS = ("death_breast_cancer", "death_other_cause", "death_unknown_cause")

# Event type -> endpoints it ends. Every endpoint here counts death from any cause,
# so deaths end all of them; the endpoints differ in which cancers they count.
_COUNTED_BY: dict[str, frozenset[str]] = {
    "ipsilateral_invasive": frozenset({"DFS", "IDFS", "IBCFS", "RFS"}),
    "locoregional_invasive": frozenset({"DFS", "IDFS", "IBCFS", "RFS"}),
    "distant_recurrence": frozenset({"DFS", "IDFS", "IBCFS", "RFS", "DRFS"}),
    "contralateral_invasive": frozenset({"DFS", "IDFS", "IBCFS"}),
    "second_primary_nonbreast": frozenset({"DFS", "IDFS"}),
    "dcis": frozenset({"DFS"}),
    **{death: frozenset(ENDPOINTS) for death in _DEATHS},
}

ADMINISTRATIVE_CENSORING = "administrative censoring"
"""Reason of a patient followed, event-free, up to the data cut-off."""

LOST_TO_FOLLOW_UP = "lost to follow-up"
"""Reason of a patient whose follow-up ended, event-free, before the data cut-off."""


def steep_table() -> pd.DataFrame:
    """Which event types count for which endpoint: event labels × endpoints, True or False.

    >>> table = steep_table()
    >>> table.shape
    (9, 6)
    >>> table.loc["Ductal carcinoma in situ (either breast)"].sum()
    np.int64(1)
    """
    return pd.DataFrame(
        [[endpoint in _COUNTED_BY[kind] for endpoint in ENDPOINTS] for kind in EVENT_TYPES],
        index=pd.Index(list(EVENT_TYPES.values()), name="event"),
        columns=pd.Index(list(ENDPOINTS), name="endpoint"),
    )


def counts_as_event(kind: str, endpoint: str) -> bool:
    """True when an event of type ``kind`` ends the event-free time of ``endpoint``.

    >>> counts_as_event("dcis", "DFS"), counts_as_event("dcis", "IDFS")
    (True, False)
    >>> counts_as_event("relapse", "IDFS")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: counts_as_event(kind='relapse'): 'relapse' is not an event type; known types: ipsilateral_invasive, locoregional_invasive, distant_recurrence, contralateral_invasive, second_primary_nonbreast, dcis, death_breast_cancer, death_other_cause, death_unknown_cause
    """
    _check_kind(checks.call("counts_as_event", "kind", kind), kind)
    checks.one_of("counts_as_event", "endpoint", endpoint, ENDPOINTS)
    return endpoint in _COUNTED_BY[kind]


@dataclass(frozen=True)
class Event:
    """Something that happened to a patient: an event type (a key of :data:`EVENT_TYPES`) and its date."""

    kind: str
    when: date


@dataclass(frozen=True)
class History:
    """What is known of one patient: randomisation, events, and the last date her status is known.

    ``last_follow_up`` is the last date the patient was seen (or her date of
    death). Events cannot precede randomisation or follow ``last_follow_up``;
    nothing can follow a death, and a patient who died was followed until
    that day. Each event type appears at most once (its first occurrence).

    Raises
    ------
    DataError
        Naming the patient, the field and what is wrong.

    Examples
    --------
    >>> History("A", date(2020, 1, 1), date(2019, 12, 1))
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: History(patient='A'): last_follow_up 2019-12-01 is before randomisation on 2020-01-01
    """

    patient: str
    randomised: date
    last_follow_up: date
    events: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        where = f"History(patient={self.patient!r})"
        if self.last_follow_up < self.randomised:
            raise DataError(
                f"{where}: last_follow_up {self.last_follow_up} is before randomisation on {self.randomised}"
            )
        # Store events in time order, whatever order they were given in.
        ordered = tuple(sorted(self.events, key=lambda event: event.when))
        object.__setattr__(self, "events", ordered)
        seen: set[str] = set()
        for position, event in enumerate(ordered):
            _check_kind(checks.place(where, field="events"), event.kind)
            if event.kind in seen:
                raise DataError(f"{where}: event type {event.kind!r} appears twice; record only its first occurrence")
            seen.add(event.kind)
            if not self.randomised <= event.when <= self.last_follow_up:
                raise DataError(
                    f"{where}: event {event.kind!r} on {event.when} is outside follow-up "
                    f"({self.randomised} to last_follow_up {self.last_follow_up})"
                )
            if event.kind in _DEATHS:
                if position != len(ordered) - 1:
                    later = ordered[position + 1]
                    raise DataError(f"{where}: event {later.kind!r} on {later.when} comes after death on {event.when}")
                if self.last_follow_up != event.when:
                    raise DataError(
                        f"{where}: died on {event.when} but last_follow_up is {self.last_follow_up}; "
                        "a patient who died is followed until her death"
                    )

    @property
    def died(self) -> bool:
        """True when the history ends with a death."""
        return bool(self.events) and self.events[-1].kind in _DEATHS


class TimeEvent(NamedTuple):
    """One patient's contribution to a survival analysis of one endpoint.

    ``time`` is in months since randomisation; ``event`` is True when the
    endpoint's event was observed (False: censored at ``time``); ``reason``
    is the event type, or why the follow-up was censored
    (:data:`ADMINISTRATIVE_CENSORING` or :data:`LOST_TO_FOLLOW_UP`).
    """

    time: float
    event: bool
    reason: str


def to_time_event(
    history: History, endpoint: str, data_cutoff: date, assessments: FollowUpPlan | None = None
) -> TimeEvent:
    """Turn a patient's history into (time, event) for one endpoint, as of a data cut-off.

    The time runs from randomisation to the first event the endpoint counts.
    Without such an event on or before the earlier of ``last_follow_up`` and
    ``data_cutoff``, the patient is censored there: *administrative
    censoring* when she was followed to the cut-off, *lost to follow-up*
    when her follow-up ended before it. Events after the cut-off do not exist
    for that analysis. With ``assessments``, a patient's event-free status is
    known only at its scheduled assessments: she is censored at the last one
    before that date.

    Parameters
    ----------
    history
        The patient's :class:`History`.
    endpoint
        A key of :data:`ENDPOINTS`.
    data_cutoff
        The last date the analysis counts (18 August 2023 for ALEXANDRA's final analysis).
    assessments
        The visit schedule (:class:`~alexandra.design.FollowUpPlan`); None:
        status known every day.

    Raises
    ------
    DataError
        For an unknown endpoint, or a patient randomised after the cut-off.

    Examples
    --------
    >>> patient = History(
    ...     "B", date(2019, 3, 1), date(2023, 8, 18),
    ...     (Event("dcis", date(2020, 3, 1)), Event("distant_recurrence", date(2021, 9, 1))),
    ... )
    >>> to_time_event(patient, "DFS", date(2023, 8, 18))
    TimeEvent(time=12.02, event=True, reason='dcis')
    >>> to_time_event(patient, "IDFS", date(2023, 8, 18)).reason
    'distant_recurrence'
    >>> to_time_event(patient, "OS", date(2023, 8, 18))
    TimeEvent(time=53.59, event=False, reason='administrative censoring')
    >>> to_time_event(patient, "IDFS", date(2021, 1, 1))
    TimeEvent(time=22.08, event=False, reason='administrative censoring')
    >>> to_time_event(patient, "IDFS", date(2021, 1, 1), FollowUpPlan()).time
    21.0
    """
    where = f"to_time_event(patient={history.patient!r}, endpoint={endpoint!r}, data_cutoff={data_cutoff})"
    checks.one_of("to_time_event", "endpoint", endpoint, ENDPOINTS)
    if history.randomised > data_cutoff:
        raise DataError(f"{where}: randomised on {history.randomised}, after the data cut-off")
    end = min(history.last_follow_up, data_cutoff)
    for event in history.events:
        if event.when > end:
            break
        if endpoint in _COUNTED_BY[event.kind]:
            return TimeEvent(_months(history.randomised, event.when), True, event.kind)
    reason = ADMINISTRATIVE_CENSORING if history.last_follow_up >= data_cutoff else LOST_TO_FOLLOW_UP
    months = _months(history.randomised, end)
    if assessments is not None:
        months = float(assessments.last_assessment(months))
    return TimeEvent(months, False, reason)


def to_table(
    histories: Iterable[History],
    data_cutoff: date,
    endpoints: Sequence[str] = tuple(ENDPOINTS),
    assessments: FollowUpPlan | None = None,
) -> pd.DataFrame:
    """(time, event) of every patient for every endpoint, one row each (see :func:`to_time_event`).

    Columns: ``patient``, ``endpoint``, ``time`` (months), ``event``, ``reason``.

    >>> cohort = [History("C", date(2020, 1, 1), date(2021, 1, 1)), History("D", date(2020, 1, 1), date(2020, 7, 1),
    ...           (Event("death_other_cause", date(2020, 7, 1)),))]
    >>> to_table(cohort, date(2023, 8, 18), ["OS"])
      patient endpoint   time  event             reason
    0       C       OS  12.02  False  lost to follow-up
    1       D       OS   5.98   True  death_other_cause
    """
    for endpoint in endpoints:
        checks.one_of("to_table", "endpoints", endpoint, ENDPOINTS)
    rows = [
        {
            "patient": history.patient,
            "endpoint": endpoint,
            **to_time_event(history, endpoint, data_cutoff, assessments)._asdict(),
        }
        for history in histories
        for endpoint in endpoints
    ]
    return pd.DataFrame(rows, columns=["patient", "endpoint", "time", "event", "reason"])


ILLUSTRATIVE_ANNUAL_RATES: dict[str, float] = {
    "ipsilateral_invasive": 0.006,
    "locoregional_invasive": 0.008,
    "distant_recurrence": 0.030,
    "contralateral_invasive": 0.004,
    "second_primary_nonbreast": 0.005,
    "dcis": 0.003,
    "death_other_cause": 0.003,
    "death_unknown_cause": 0.001,
}
"""Constant yearly rates of each first event, for :func:`simulate_histories`.

These are **illustrative assumptions of this book**, of the order of magnitude
of an adjuvant TNBC trial; they are not ALEXANDRA's rates, which are not
published by event type. Death from breast cancer is not listed: in the
simulation it follows a distant recurrence (see
:func:`simulate_histories`).
"""


def simulate_histories(
    n: int,
    *,
    enrolment_start: date,
    enrolment_end: date,
    data_cutoff: date,
    seed: int,
    annual_rates: Mapping[str, float] = ILLUSTRATIVE_ANNUAL_RATES,
    enrolment: Enrolment | None = None,
    followup: FollowUpPlan | None = None,
    breast_cancer_death_rate_after_distant: float = 0.5,
) -> list[History]:
    """Simulate what is known at the data cut-off about ``n`` fictional patients.

    Each patient is randomised on a day drawn from ``enrolment`` (an
    :class:`~alexandra.design.Enrolment` over the window; uniform when None).
    Each event type in ``annual_rates`` happens after an exponential
    time with that yearly rate (independently of the others); after a
    distant recurrence, death from breast cancer follows after an exponential
    time with rate ``breast_cancer_death_rate_after_distant`` per year. Patients
    are lost to follow-up at the yearly risk of ``followup`` (by default none:
    ALEXANDRA's assumed loss is :data:`alexandra.trial.ALEXANDRA_FOLLOWUP`). A patient's history keeps what happened
    before her death, her loss to follow-up and the cut-off; pass the same
    ``followup`` to :func:`to_table` to censor at the last scheduled assessment.

    These are simulated patients under stated assumptions, not trial data.

    Raises
    ------
    DataError
        For ``n`` below 1, an enrolment window that is empty or ends after the
        cut-off, unknown event types, or negative rates.

    Examples
    --------
    >>> cohort = simulate_histories(
    ...     200, enrolment_start=date(2018, 8, 2), enrolment_end=date(2022, 11, 11),
    ...     data_cutoff=date(2023, 8, 18), seed=1,
    ... )
    >>> len(cohort), all(h.last_follow_up <= date(2023, 8, 18) for h in cohort)
    (200, True)
    """
    where = f"simulate_histories(n={n!r}, seed={seed!r})"
    n = checks.whole("simulate_histories", "n", n, minimum=1)
    if not enrolment_start <= enrolment_end <= data_cutoff:
        raise DataError(
            f"{where}: need enrolment_start <= enrolment_end <= data_cutoff, got "
            f"{enrolment_start}, {enrolment_end}, {data_cutoff}"
        )
    for kind, rate in annual_rates.items():
        _check_kind(checks.call("simulate_histories", "annual_rates"), kind)
        if kind == "death_breast_cancer":
            raise DataError(
                f"{where}, annual_rates['death_breast_cancer']: breast cancer deaths follow distant recurrences; "
                "set breast_cancer_death_rate_after_distant instead"
            )
        checks.number("simulate_histories", f"annual_rates[{kind!r}]", rate, low=0, hint="(a yearly rate)")
    window_months = months_between(enrolment_start, enrolment_end)
    if enrolment is None:
        enrolment = Enrolment(window_months) if window_months > 0 else None
    elif abs(enrolment.window_months - window_months) > 1e-9:
        raise DataError(
            f"{where}: enrolment covers {enrolment.window_months:g} months, the window {window_months:g} months"
        )
    checks.number(
        "simulate_histories",
        "breast_cancer_death_rate_after_distant",
        breast_cancer_death_rate_after_distant,
        low=0,
        hint="(a yearly rate)",
    )

    rng = np.random.default_rng(seed)
    kinds = list(annual_rates)
    entry_months = enrolment.entry_months(rng.random(n)) if enrolment is not None else np.zeros(n)
    randomised_offsets = np.floor(entry_months * DAYS_PER_MONTH)
    # Times in days; an exponential with yearly rate r has mean 365.25 / r days (rate 0: never).
    event_days = {kind: _exponential_days(rng, annual_rates[kind], n) for kind in kinds}
    death_after_distant = _exponential_days(rng, breast_cancer_death_rate_after_distant, n)
    loss_days = (followup or FollowUpPlan()).loss_months(rng.random(n)) * DAYS_PER_MONTH

    histories = []
    for i in range(n):
        randomised = enrolment_start + timedelta(days=int(randomised_offsets[i]))
        horizon = (data_cutoff - randomised).days
        times = {kind: event_days[kind][i] for kind in kinds}
        if "distant_recurrence" in times:
            times["death_breast_cancer"] = times["distant_recurrence"] + death_after_distant[i]
        death_day = min((times[kind] for kind in _DEATHS if kind in times), default=np.inf)
        end_day = min(death_day, loss_days[i], horizon)
        # Whole days: an event on the last follow-up day is known, one after it is not.
        end = int(np.floor(end_day))
        events = tuple(
            Event(kind, randomised + timedelta(days=int(np.floor(day))))
            for kind, day in times.items()
            if np.floor(day) <= end and (kind not in _DEATHS or day == death_day)
        )
        histories.append(History(f"S{i + 1:04d}", randomised, randomised + timedelta(days=end), events))
    return histories


def _exponential_days(rng: np.random.Generator, annual_rate: float, n: int) -> np.ndarray:
    if annual_rate == 0:
        return np.full(n, np.inf)
    return rng.exponential(365.25 / annual_rate, size=n)


def _months(start: date, end: date) -> float:
    # Two decimals: a day is 0.03 months, so nothing finer is meaningful.
    return round(months_between(start, end), 2)


def _check_kind(source: str, kind: str) -> None:
    if kind not in EVENT_TYPES:
        checks.fail(source, f"{kind!r} is not an event type; known types: {', '.join(EVENT_TYPES)}")
