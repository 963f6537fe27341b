"""Designing a trial: enrolment and follow-up, a trial in calendar time, sample size, randomisation, endpoints.

- enrolment and follow-up: :class:`Enrolment`, :class:`FollowUpPlan`, :class:`Conduct` — the book's
  one model of how patients enter and are followed;
- a trial in calendar time: :class:`TrialModel`, :class:`Accrual`, :func:`simulate_interim`;
- sample size and randomisation: :func:`schoenfeld_events`, :func:`detectable_hazard_ratio`,
  :func:`randomise`, :func:`simulate_strata`;
- endpoints: :class:`History`, :func:`simulate_histories`, :func:`to_table` (what counts as an IDFS event).

>>> from alexandra import design
>>> round(design.schoenfeld_events(0.75, power=0.8), 1)
379.4
"""

from alexandra.design._endpoints import (
    ADMINISTRATIVE_CENSORING,
    ALEXANDRA_PRIMARY_ENDPOINT,
    ENDPOINTS,
    EVENT_TYPES,
    ILLUSTRATIVE_ANNUAL_RATES,
    LOST_TO_FOLLOW_UP,
    Event,
    History,
    TimeEvent,
    counts_as_event,
    simulate_histories,
    steep_table,
    to_table,
    to_time_event,
)
from alexandra.design._enrolment import (
    ASSESSMENT_MONTHS,
    Conduct,
    Draw,
    Enrolment,
    FollowUpPlan,
    reported_followup,
)
from alexandra.design._planning import (
    ASSUMED_STRATUM_SHARES,
    RANDOMISATION_METHODS,
    STRATIFICATION_FACTORS,
    arm_differences,
    detectable_hazard_ratio,
    futility_stop_probability,
    randomise,
    schoenfeld_events,
    simulate_balance,
    simulate_strata,
    stratum_names,
)
from alexandra.design._trial_model import (
    BOOK_SEED,
    Accrual,
    RiskSets,
    Seed,
    SimulatedPatients,
    TrialModel,
    cox_log_hazard_ratio,
    events_by_month,
    interim_snapshot,
    risk_sets_at_analysis,
    simulate_interim,
)

__all__ = [
    "BOOK_SEED",
    "ADMINISTRATIVE_CENSORING",
    "ALEXANDRA_PRIMARY_ENDPOINT",
    "ASSESSMENT_MONTHS",
    "ASSUMED_STRATUM_SHARES",
    "Accrual",
    "Conduct",
    "Draw",
    "ENDPOINTS",
    "EVENT_TYPES",
    "Enrolment",
    "Event",
    "FollowUpPlan",
    "History",
    "ILLUSTRATIVE_ANNUAL_RATES",
    "LOST_TO_FOLLOW_UP",
    "RANDOMISATION_METHODS",
    "RiskSets",
    "STRATIFICATION_FACTORS",
    "Seed",
    "SimulatedPatients",
    "TimeEvent",
    "TrialModel",
    "arm_differences",
    "counts_as_event",
    "cox_log_hazard_ratio",
    "detectable_hazard_ratio",
    "events_by_month",
    "futility_stop_probability",
    "interim_snapshot",
    "randomise",
    "reported_followup",
    "risk_sets_at_analysis",
    "schoenfeld_events",
    "simulate_balance",
    "simulate_histories",
    "simulate_interim",
    "simulate_strata",
    "steep_table",
    "stratum_names",
    "to_table",
    "to_time_event",
]
