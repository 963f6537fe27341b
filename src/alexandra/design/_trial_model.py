"""A trial in calendar time: patients enrolled and followed, events drawn, an analysis at the D-th event.

How many events a design needs, and the futility rule's chance, are in :mod:`alexandra.design`; here is
*when* they happen. :class:`Accrual` and :class:`TrialModel` enrol and follow patients as the book's one
model has it (:mod:`alexandra.design`) and draw events from an assumed survival curve
(:func:`events_by_month`); :func:`simulate_interim` and :func:`interim_snapshot` cut simulated trials at
their D-th event and fit a Cox model. Their pieces (:class:`SimulatedPatients`,
:func:`risk_sets_at_analysis`, :func:`cox_log_hazard_ratio`) serve other models of event times too
(:func:`alexandra.inference.simulate_stopped_treatment`). ALEXANDRA's is :func:`alexandra.trial.alexandra_trial_model`.

A model of the design, not trial data: ALEXANDRA's accrual curve and event times are not in the
abstract and figure legends this book uses.

>>> from alexandra.trial import alexandra_trial_model
>>> model = alexandra_trial_model()
>>> model.accrual.n_patients, model.hazard_ratio
(2199, 1.11)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize

from alexandra import checks, survival
from alexandra.design._enrolment import Enrolment, FollowUpPlan
from alexandra.errors import DataError
from alexandra.published import ARMS, DAYS_PER_MONTH, months_between

__all__ = [
    "Accrual",
    "RiskSets",
    "BOOK_SEED",
    "Seed",
    "SimulatedPatients",
    "TrialModel",
    "cox_log_hazard_ratio",
    "events_by_month",
    "interim_snapshot",
    "risk_sets_at_analysis",
    "simulate_interim",
]

Seed = int | np.random.Generator
"""A seed or a generator: every draw of the book is reproducible (the book's seed is 2025)."""

BOOK_SEED = 2025
"""The seed every drawing function uses unless told otherwise."""


# --- Accrual and events in calendar time --------------------------------------------------


@dataclass(frozen=True)
class Accrual:
    """Patients enrolled between two dates and followed: the book's model of a trial's conduct in calendar time.

    How the enrolment rate changes over the window is an
    :class:`~alexandra.design.Enrolment` (uniform when not given); loss to
    follow-up and the visit schedule are a :class:`~alexandra.design.FollowUpPlan`
    (no loss when not given). ALEXANDRA's are those of
    :func:`alexandra.trial.alexandra_conduct` (see :func:`alexandra_trial_model`).

    Parameters
    ----------
    start, end
        The enrolment window.
    patients
        Patients per arm, keys ``"atezolizumab"`` and ``"chemotherapy"``.
    enrolment
        The shape of enrolment over the window (its ``window_months`` must be the window's).
    followup
        Loss to follow-up and assessments.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> float(accrual.share_enrolled(accrual.window_months / 2))
    0.5
    >>> accrual.date_at(accrual.window_months)
    datetime.date(2022, 11, 11)
    """

    start: date
    end: date
    patients: Mapping[str, int]
    enrolment: Enrolment | None = None
    followup: FollowUpPlan = field(default_factory=FollowUpPlan)
    n_patients: int = field(init=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.start, date) and isinstance(self.end, date)) or self.end <= self.start:
            raise DataError(f"Accrual(start={self.start!r}, end={self.end!r}): end must be a date after start")
        if sorted(self.patients) != sorted(ARMS):
            raise DataError(
                f"Accrual(patients={dict(self.patients)!r}): give the patients of each arm, {', '.join(ARMS)}"
            )
        for arm in ARMS:
            checks.whole("Accrual", f"patients[{arm!r}]", self.patients[arm], minimum=1)
        if self.enrolment is None:
            object.__setattr__(self, "enrolment", Enrolment(self.window_months))
        elif not math.isclose(self.enrolment_shape.window_months, self.window_months, rel_tol=1e-12):
            raise DataError(
                f"Accrual(enrolment=...): its window of {self.enrolment_shape.window_months:g} months is not the "
                f"{self.window_months:g} months from {self.start} to {self.end}"
            )
        object.__setattr__(self, "n_patients", int(sum(self.patients[arm] for arm in ARMS)))

    @property
    def enrolment_shape(self) -> Enrolment:
        """The enrolment shape (never None once built)."""
        assert self.enrolment is not None
        return self.enrolment

    @property
    def window_months(self) -> float:
        """Length of the enrolment window, in months."""
        return months_between(self.start, self.end)

    def months_since_start(self, day: date) -> float:
        """Months from the first day of enrolment to ``day``."""
        return months_between(self.start, day)

    def date_at(self, months: float) -> date:
        """The calendar date ``months`` months after the first day of enrolment."""
        return self.start + timedelta(days=round(float(months) * DAYS_PER_MONTH))

    def share_enrolled(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Share of the patients enrolled ``months`` months after the start."""
        return self.enrolment_shape.share_enrolled(months)

    def entry_months(self, share: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """When a given share of patients has been enrolled (the inverse of :meth:`share_enrolled`)."""
        return self.enrolment_shape.entry_months(share)

    def draw(self, rng: np.random.Generator, size: tuple[int, int]) -> tuple[npt.NDArray[np.float64], ...]:
        """Entry months (since the start) and months to loss to follow-up (since randomisation) of patients."""
        return self.entry_months(rng.random(size)), self.followup.loss_months(rng.random(size))


_QUADRATURE_NODES, _QUADRATURE_WEIGHTS = np.polynomial.legendre.leggauss(400)


@dataclass(frozen=True)
class TrialModel:
    """Accrual plus an assumed survival curve: when do a trial's events happen?

    The chemotherapy-alone arm is free of events at :math:`t` months with
    probability :math:`S(t) = \\exp(-H\\,(t/36)^{\\gamma})`, where
    :math:`H = -\\ln` ``control_event_free_3y``; :math:`\\gamma` = ``hazard_shape``
    is 1 for a constant hazard and below 1 for a hazard that falls with time (as
    recurrences of triple-negative breast cancer do). The atezolizumab arm has
    hazards ``hazard_ratio`` times higher (proportional hazards). A patient is
    followed until the event or the analysis unless lost to follow-up first
    (the accrual's :class:`~alexandra.design.FollowUpPlan`); an event-free
    patient is censored at her last assessment before the analysis.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> model = TrialModel(accrual, control_event_free_3y=0.85)
    >>> float(model.event_free(36, "chemotherapy"))
    0.85
    >>> model.expected_events([0.0, 1e5]).round()
    array([   0., 2199.])
    """

    accrual: Accrual
    control_event_free_3y: float
    hazard_ratio: float = 1.0
    hazard_shape: float = 1.0

    def __post_init__(self) -> None:
        checks.probability("TrialModel", "control_event_free_3y", self.control_event_free_3y)
        checks.positive("TrialModel", "hazard_ratio", self.hazard_ratio)
        checks.positive("TrialModel", "hazard_shape", self.hazard_shape)

    @classmethod
    def calibrated(
        cls, accrual: Accrual, events: float, by: date, hazard_ratio: float = 1.0, hazard_shape: float = 1.0
    ) -> TrialModel:
        """The model whose expected number of events by the date ``by`` is ``events``.

        Only the chemotherapy-alone arm's 3-year event-free share is solved for;
        the hazard ratio and the hazard's shape are assumptions.

        >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
        >>> model = TrialModel.calibrated(accrual, events=266, by=date(2023, 8, 18))
        >>> round(float(model.expected_events(accrual.months_since_start(date(2023, 8, 18)))[0]), 6)
        266.0
        """
        where = "TrialModel.calibrated"
        events = checks.positive(where, "events", events)
        months = accrual.months_since_start(by)
        enrolled = float(accrual.n_patients * accrual.share_enrolled(months))
        if events >= enrolled:
            raise DataError(
                f"{where}(events={events:g}, by={by}): only {enrolled:.0f} patients are enrolled by then, "
                "so fewer events than that are possible"
            )

        def excess(log_cumulative_hazard: float) -> float:
            share = math.exp(-math.exp(log_cumulative_hazard))
            model = cls(accrual, share, hazard_ratio, hazard_shape)
            return float(model.expected_events(months)[0]) - events

        # Solve on the log of the 3-year cumulative hazard: it spans many orders of magnitude.
        root = optimize.brentq(excess, -30.0, 5.0, xtol=1e-12)
        return cls(accrual, math.exp(-math.exp(root)), hazard_ratio, hazard_shape)

    def fingerprint(self) -> dict[str, float]:
        """The numbers that fix this model, stored beside its simulations so that a stale table is caught."""
        enrolment = self.accrual.enrolment_shape
        return {
            "enrolment_ramp_months": enrolment.ramp_months,
            "enrolment_ramp_power": enrolment.ramp_power,
            "enrolment_end_rate": enrolment.end_rate,
            "annual_loss": self.accrual.followup.annual_loss,
            "control_event_free_3y": self.control_event_free_3y,
        }

    def _hazard_multiplier(self, arm: str) -> float:
        if arm not in ARMS:
            raise DataError(f"TrialModel(arm={arm!r}): arm must be one of {', '.join(ARMS)}")
        return self.hazard_ratio if arm == ARMS[0] else 1.0

    def event_free(self, months: npt.ArrayLike, arm: str) -> npt.NDArray[np.float64]:
        """Share of ``arm`` free of events ``months`` months after randomisation."""
        cumulative = -math.log(self.control_event_free_3y) * self._hazard_multiplier(arm)
        t = np.clip(np.asarray(months, dtype=float), 0, None)
        return np.asarray(np.exp(-cumulative * (t / 36) ** self.hazard_shape))

    def expected_events(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Expected events, both arms, by ``months`` months after the start of enrolment.

        The sum over arms of :math:`n \\int_0^{F(t)} P(t - s(u))\\,du`, where
        :math:`s(u)` is when a share :math:`u` of patients is enrolled and
        :math:`P(f)` the chance of an event within :math:`f` months of
        randomisation before any loss to follow-up, computed with Gauss–Legendre
        quadrature.
        """
        calendar = np.atleast_1d(np.asarray(months, dtype=float))
        enrolled = self.accrual.share_enrolled(calendar)
        # Quadrature nodes on [0, F(t)] for every calendar time (rows).
        share = enrolled[:, None] * (_QUADRATURE_NODES[None, :] + 1) / 2
        followup = calendar[:, None] - self.accrual.entry_months(share)
        total = np.zeros_like(calendar)
        for arm in ARMS:
            with_event = self._event_before_loss(followup, arm)
            total += self.accrual.patients[arm] * enrolled / 2 * (with_event @ _QUADRATURE_WEIGHTS)
        return total

    def _event_before_loss(self, followup: npt.NDArray[np.float64], arm: str) -> npt.NDArray[np.float64]:
        """Chance of an event within ``followup`` months of randomisation, before any loss to follow-up."""
        plan = self.accrual.followup
        if plan.loss_rate == 0:
            return 1 - self.event_free(followup, arm)
        # The integral of exp(-loss t) dF(t), on a fine grid (midpoint rule), read at each follow-up.
        grid = np.linspace(0.0, max(float(np.max(followup)), 1e-9), 4001)
        weights = plan.still_followed((grid[:-1] + grid[1:]) / 2)
        cumulative = np.concatenate(([0.0], np.cumsum(-np.diff(self.event_free(grid, arm)) * weights)))
        return np.asarray(np.interp(followup, grid, cumulative))

    def month_expected_to_reach(self, events: float) -> float:
        """Months after the start of enrolment when the expected events reach ``events``.

        >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
        >>> model = TrialModel(accrual, control_event_free_3y=0.85)
        >>> month = model.month_expected_to_reach(242)
        >>> round(float(model.expected_events(month)[0]), 6)
        242.0
        """
        where = "TrialModel.month_expected_to_reach"
        events = checks.positive(where, "events", events)
        if events >= self.accrual.n_patients:
            raise DataError(f"{where}(events={events:g}): there are only {self.accrual.n_patients} patients")
        horizon = 1200.0
        if self.expected_events(horizon)[0] < events:
            raise DataError(f"{where}(events={events:g}): not expected within {horizon / 12:.0f} years")
        return float(optimize.brentq(lambda month: self.expected_events(month)[0] - events, 0.0, horizon, xtol=1e-9))

    def _draw(self, n_trials: int, rng: np.random.Generator) -> SimulatedPatients:
        """Entry, event and loss times of the patients of ``n_trials`` simulated trials."""
        n = self.accrual.n_patients
        is_atezolizumab = np.arange(n) < self.accrual.patients[ARMS[0]]
        entry, loss = self.accrual.draw(rng, (n_trials, n))
        cumulative = -math.log(self.control_event_free_3y) * np.where(is_atezolizumab, self.hazard_ratio, 1.0)
        # Inverse of S(t): t = 36 (-ln U / H)^(1/shape).
        time_to_event = 36 * (rng.exponential(size=(n_trials, n)) / cumulative) ** (1 / self.hazard_shape)
        return SimulatedPatients(entry, time_to_event, is_atezolizumab, loss, self.accrual.followup)

    def simulate_event_months(self, n_trials: int, seed: Seed = BOOK_SEED) -> npt.NDArray[np.float64]:
        """Calendar months (since the start of enrolment) of every event, sorted, one row per trial."""
        n_trials = checks.whole("TrialModel.simulate_event_months", "n_trials", n_trials, minimum=1)
        patients = self._draw(n_trials, np.random.default_rng(seed))
        return np.sort(patients.event_month(), axis=1)


@dataclass(frozen=True)
class SimulatedPatients:
    """The patients of simulated trials: when each entered, had her event and was lost to follow-up.

    Arrays of shape (trials, patients), except ``is_atezolizumab`` (patients,):
    ``entry`` in months since the start of enrolment, ``time_to_event`` and
    ``loss`` (infinite: never lost) in months since randomisation; ``followup``
    dates an event-free patient's last assessment. :class:`TrialModel` draws
    them; another model of event times may build them by hand.

    >>> patients = SimulatedPatients(
    ...     entry=np.array([[0.0, 0.0, 1.0, 2.0]]), time_to_event=np.array([[5.0, 3.0, 10.0, 1.5]]),
    ...     is_atezolizumab=np.array([True, False, True, False]), loss=np.array([[np.inf, np.inf, 4.0, np.inf]]),
    ...     followup=FollowUpPlan(assessment_months=None))
    >>> patients.event_month().tolist()
    [[5.0, 3.0, inf, 3.5]]
    """

    entry: npt.NDArray[np.float64]
    time_to_event: npt.NDArray[np.float64]
    is_atezolizumab: npt.NDArray[np.bool_]
    loss: npt.NDArray[np.float64]
    followup: FollowUpPlan

    def event_month(self) -> npt.NDArray[np.float64]:
        """Calendar month of each patient's event; infinite when she is lost to follow-up before it."""
        return np.asarray(self.entry + np.where(self.time_to_event <= self.loss, self.time_to_event, np.inf))


def events_by_month(
    model: TrialModel, months: npt.ArrayLike, n_trials: int = 1000, seed: Seed = BOOK_SEED
) -> pd.DataFrame:
    """Expected and simulated cumulative events at each of ``months`` (since the start of enrolment).

    Returns
    -------
    pandas.DataFrame
        ``month``, ``date``, ``expected`` (the model's expectation) and the
        simulated ``median``, ``lower`` (2.5th percentile) and ``upper``
        (97.5th percentile) over ``n_trials`` trials.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> table = events_by_month(TrialModel(accrual, 0.85), [12, 60], n_trials=50, seed=1)
    >>> list(table.columns)
    ['month', 'date', 'expected', 'median', 'lower', 'upper']
    """
    calendar = np.asarray(months, dtype=float)
    sorted_events = model.simulate_event_months(n_trials, seed)
    counts = np.array([np.searchsorted(row, calendar, side="right") for row in sorted_events])
    lower, median, upper = np.percentile(counts, [2.5, 50, 97.5], axis=0)
    return pd.DataFrame(
        {
            "month": calendar,
            "date": [model.accrual.date_at(month) for month in calendar],
            "expected": model.expected_events(calendar),
            "median": median,
            "lower": lower,
            "upper": upper,
        }
    )


# --- An analysis at the D-th event -------------------------------------------------------


@dataclass(frozen=True)
class _Interim:
    """Simulated trials cut when their ``interim_events``-th event happens (one row per trial)."""

    month: npt.NDArray[np.float64]  # calendar month of the interim, (trials,)
    entered: npt.NDArray[np.bool_]  # enrolled before the interim, (trials, patients)
    had_event: npt.NDArray[np.bool_]  # event on or before the interim
    followup: npt.NDArray[np.float64]  # months from randomisation to the event or the interim


def _cut_at_interim(patients: SimulatedPatients, interim_events: int) -> _Interim:
    calendar = patients.event_month()
    month = np.partition(calendar, interim_events - 1, axis=1)[:, interim_events - 1]
    had_event = calendar <= month[:, None]
    # An event-free patient is censored at her last assessment before the analysis or her loss.
    contact = np.minimum(month[:, None] - patients.entry, patients.loss)
    return _Interim(
        month=month,
        entered=patients.entry < month[:, None],
        had_event=had_event,
        followup=np.where(had_event, patients.time_to_event, patients.followup.last_assessment(contact)),
    )


class RiskSets(NamedTuple):
    """Risk sets of simulated trials at an analysis: one row per trial, one column per event.

    ``month``: calendar month of each trial's analysis (since the start of enrolment);
    for each event, in time order since randomisation: ``atezolizumab_event`` (1 when
    it was on atezolizumab, else 0) and the patients of each arm at risk.
    """

    month: npt.NDArray[np.float64]
    atezolizumab_event: npt.NDArray[np.float64]
    at_risk_atezolizumab: npt.NDArray[np.float64]
    at_risk_chemotherapy: npt.NDArray[np.float64]


def risk_sets_at_analysis(patients: SimulatedPatients, analysis_events: int) -> RiskSets:
    """Risk sets of every simulated trial at its analysis, when its ``analysis_events``-th event happens.

    An event-free patient is censored at her last assessment before the analysis
    or her loss to follow-up; a patient not yet enrolled is never at risk.

    >>> patients = SimulatedPatients(
    ...     entry=np.array([[0.0, 0.0, 1.0, 2.0]]), time_to_event=np.array([[5.0, 3.0, 10.0, 1.5]]),
    ...     is_atezolizumab=np.array([True, False, True, False]), loss=np.full((1, 4), np.inf),
    ...     followup=FollowUpPlan(assessment_months=None))
    >>> risk = risk_sets_at_analysis(patients, 2)
    >>> risk.month.tolist(), risk.atezolizumab_event.tolist()
    ([3.5], [[0.0, 0.0]])
    >>> risk.at_risk_atezolizumab.tolist(), risk.at_risk_chemotherapy.tolist()
    ([[2.0, 1.0]], [[2.0, 1.0]])
    """
    cut = _cut_at_interim(patients, analysis_events)
    # Sort by follow-up; patients not yet enrolled go first and are never at risk.
    order = np.argsort(np.where(cut.entered, cut.followup, -np.inf), axis=1)
    entered = np.take_along_axis(cut.entered, order, axis=1)
    had_event = np.take_along_axis(cut.had_event, order, axis=1)
    on_atezolizumab = patients.is_atezolizumab[order]
    # At risk at a time: enrolled patients whose follow-up is at least that long.
    at_risk = np.cumsum(entered[:, ::-1], axis=1)[:, ::-1]
    at_risk_atezolizumab = np.cumsum((entered & on_atezolizumab)[:, ::-1], axis=1)[:, ::-1]
    shape = (cut.month.size, analysis_events)
    return RiskSets(
        cut.month,
        on_atezolizumab[had_event].reshape(shape).astype(float),
        at_risk_atezolizumab[had_event].reshape(shape).astype(float),
        (at_risk - at_risk_atezolizumab)[had_event].reshape(shape).astype(float),
    )


def cox_log_hazard_ratio(
    atezolizumab_event: npt.NDArray[np.float64],
    at_risk_atezolizumab: npt.NDArray[np.float64],
    at_risk_chemotherapy: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cox estimate of the log hazard ratio per trial (rows), and the log-rank z.

    One event per column (simulated times are not tied), fitted by the book's one Cox model,
    :func:`alexandra.survival.cox_from_risk_sets`; with no ties its score at 0 is the log-rank
    O − E and the information there its variance.

    Two events, the first with 2 patients of each arm at risk and not on
    atezolizumab, the second on atezolizumab with 1 and 2 at risk: the score
    :math:`-r/(r+1) + 2/(r+2)` vanishes at :math:`r = e^\\beta = \\sqrt 2`.

    >>> log_hr, z = cox_log_hazard_ratio(np.array([[0.0, 1.0]]), np.array([[2.0, 1.0]]), np.array([[2.0, 2.0]]))
    >>> round(float(log_hr[0]), 6) == round(math.log(2) / 2, 6), round(float(z[0]), 4)
    (True, 0.2425)
    """
    fit = survival.cox_from_risk_sets(
        atezolizumab_event, 1.0 - atezolizumab_event, at_risk_atezolizumab, at_risk_chemotherapy
    )
    return fit.log_hr, fit.score_at_zero / np.sqrt(fit.information_at_zero)


def _checked_interim_events(where: str, model: TrialModel, interim_events: int) -> int:
    interim_events = checks.whole(where, "interim_events", interim_events, minimum=1)
    if interim_events > model.accrual.n_patients:
        raise DataError(f"{where}(interim_events={interim_events}): there are only {model.accrual.n_patients} patients")
    return interim_events


def simulate_interim(
    model: TrialModel,
    interim_events: int,
    n_trials: int = 1000,
    boundary_hr: float = 1.0,
    seed: Seed = BOOK_SEED,
    batch_size: int = 500,
) -> pd.DataFrame:
    """Simulate trials up to their interim analysis and apply the futility rule.

    Each trial is analysed when its ``interim_events``-th event happens (in
    calendar time) with an unstratified Cox model; it stops for futility when
    the estimated hazard ratio exceeds ``boundary_hr``.

    Returns
    -------
    pandas.DataFrame
        One row per trial: ``trial``, ``interim_month`` (since the start of
        enrolment), ``atezolizumab_events``, ``chemotherapy_events``,
        ``observed_hr`` (Cox), ``logrank_z`` (negative favours atezolizumab)
        and ``stopped``.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> trials = simulate_interim(TrialModel(accrual, 0.85), interim_events=242, n_trials=20, seed=1)
    >>> bool((trials.atezolizumab_events + trials.chemotherapy_events == 242).all())
    True
    >>> bool((trials.stopped == (trials.logrank_z > 0)).all())
    True
    """
    where = "simulate_interim"
    interim_events = _checked_interim_events(where, model, interim_events)
    n_trials = checks.whole(where, "n_trials", n_trials, minimum=1)
    boundary_hr = checks.positive(where, "boundary_hr", boundary_hr)
    batch_size = checks.whole(where, "batch_size", batch_size, minimum=1)
    rng = np.random.default_rng(seed)
    batches = []
    for first in range(0, n_trials, batch_size):
        interim, atezolizumab_event, at_risk_atezolizumab, at_risk_chemotherapy = risk_sets_at_analysis(
            model._draw(min(batch_size, n_trials - first), rng), interim_events
        )
        log_hr, z = cox_log_hazard_ratio(atezolizumab_event, at_risk_atezolizumab, at_risk_chemotherapy)
        atezolizumab_events = atezolizumab_event.sum(axis=1).astype(int)
        batches.append(
            pd.DataFrame(
                {
                    "interim_month": interim,
                    "atezolizumab_events": atezolizumab_events,
                    "chemotherapy_events": interim_events - atezolizumab_events,
                    "observed_hr": np.exp(log_hr),
                    "logrank_z": z,
                    "stopped": log_hr > math.log(boundary_hr),
                }
            )
        )
    trials = pd.concat(batches, ignore_index=True)
    trials.insert(0, "trial", np.arange(n_trials))
    return trials


def interim_snapshot(model: TrialModel, interim_events: int, seed: Seed = BOOK_SEED) -> pd.DataFrame:
    """One simulated trial as its interim analysis sees it: one row per enrolled patient.

    It is the first trial that :func:`simulate_interim` draws with the same
    seed, so a Cox model fitted to it gives that trial's ``observed_hr``.

    Returns
    -------
    pandas.DataFrame
        ``arm``, ``entry_month`` (since the start of enrolment), ``months``
        (follow-up at the interim) and ``event`` (1 or 0).

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> snapshot = interim_snapshot(TrialModel(accrual, 0.85), interim_events=242, seed=1)
    >>> int(snapshot.event.sum())
    242
    """
    interim_events = _checked_interim_events("interim_snapshot", model, interim_events)
    patients = model._draw(1, np.random.default_rng(seed))
    cut = _cut_at_interim(patients, interim_events)
    snapshot = pd.DataFrame(
        {
            "arm": np.where(patients.is_atezolizumab, ARMS[0], ARMS[1]),
            "entry_month": patients.entry[0],
            "months": cut.followup[0],
            "event": cut.had_event[0].astype(int),
        }
    )
    return snapshot[cut.entered[0]].reset_index(drop=True)


# --- ALEXANDRA's model -------------------------------------------------------------------
