"""Tests of alexandra.design: the STEEP table, (time, event) pairs, and the simulated cohort."""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from alexandra.design import (
    ADMINISTRATIVE_CENSORING,
    ALEXANDRA_PRIMARY_ENDPOINT,
    ASSESSMENT_MONTHS,
    ENDPOINTS,
    EVENT_TYPES,
    LOST_TO_FOLLOW_UP,
    Enrolment,
    Event,
    FollowUpPlan,
    History,
    counts_as_event,
    simulate_histories,
    steep_table,
    to_table,
    to_time_event,
)
from alexandra.errors import DataError

CUTOFF = date(2023, 8, 18)
DEATHS = ("death_breast_cancer", "death_other_cause", "death_unknown_cause")

# What each endpoint counts, written out from the definitions (Hudis 2007; Tolaney 2021; the
# ALEXANDRA registry entry), independently of the module's own table.
EXPECTED_EVENTS = {
    "DFS": {*EVENT_TYPES},
    "IDFS": {*EVENT_TYPES} - {"dcis"},
    "IBCFS": {*EVENT_TYPES} - {"dcis", "second_primary_nonbreast"},
    "RFS": {"ipsilateral_invasive", "locoregional_invasive", "distant_recurrence", *DEATHS},
    "DRFS": {"distant_recurrence", *DEATHS},
    "OS": {*DEATHS},
}


@pytest.mark.parametrize("endpoint", list(EXPECTED_EVENTS))
def test_each_endpoint_counts_exactly_its_events(endpoint: str) -> None:
    counted = {kind for kind in EVENT_TYPES if counts_as_event(kind, endpoint)}
    assert counted == EXPECTED_EVENTS[endpoint]


def test_steep_table_agrees_with_counts_as_event_and_uses_reader_labels() -> None:
    table = steep_table()
    assert list(table.columns) == list(ENDPOINTS)
    assert list(table.index) == list(EVENT_TYPES.values())
    for kind, label in EVENT_TYPES.items():
        for endpoint in ENDPOINTS:
            assert table.loc[label, endpoint] == (kind in EXPECTED_EVENTS[endpoint])


def test_alexandra_primary_endpoint_leaves_out_second_non_breast_cancers_only() -> None:
    # The registry lists ipsilateral, locoregional, second primary ipsilateral, contralateral,
    # distant and death from any cause: no DCIS and no second primary non-breast cancer.
    assert not counts_as_event("second_primary_nonbreast", ALEXANDRA_PRIMARY_ENDPOINT)
    assert not counts_as_event("dcis", ALEXANDRA_PRIMARY_ENDPOINT)
    for kind in (
        "ipsilateral_invasive",
        "locoregional_invasive",
        "contralateral_invasive",
        "distant_recurrence",
        *DEATHS,
    ):
        assert counts_as_event(kind, ALEXANDRA_PRIMARY_ENDPOINT)


def test_counts_as_event_rejects_unknown_endpoint() -> None:
    with pytest.raises(DataError, match=r"counts_as_event\(endpoint='EFS'\): endpoint must be one of 'DFS'"):
        counts_as_event("dcis", "EFS")


def patient_with_dcis_then_distant_then_death() -> History:
    return History(
        "P1",
        randomised=date(2019, 1, 10),
        last_follow_up=date(2022, 1, 10),
        events=(
            Event("death_breast_cancer", date(2022, 1, 10)),  # given out of order on purpose
            Event("dcis", date(2019, 7, 10)),
            Event("distant_recurrence", date(2020, 7, 10)),
        ),
    )


@pytest.mark.parametrize(
    ("endpoint", "days", "reason"),
    [
        ("DFS", 181, "dcis"),  # 2019-01-10 to 2019-07-10
        ("IDFS", 547, "distant_recurrence"),  # to 2020-07-10
        ("RFS", 547, "distant_recurrence"),
        ("DRFS", 547, "distant_recurrence"),
        ("OS", 1096, "death_breast_cancer"),  # to 2022-01-10 (2020 is a leap year)
    ],
)
def test_first_counted_event_gives_the_time(endpoint: str, days: int, reason: str) -> None:
    result = to_time_event(patient_with_dcis_then_distant_then_death(), endpoint, CUTOFF)
    assert result.event is True
    assert result.reason == reason
    assert result.time == pytest.approx(days / (365.25 / 12), abs=0.005)


def test_events_after_the_data_cutoff_do_not_count() -> None:
    patient = patient_with_dcis_then_distant_then_death()
    result = to_time_event(patient, "OS", date(2021, 1, 10))
    # 2019-01-10 to 2021-01-10 is 731 days; the death in 2022 is not known at that cut-off.
    assert result == (pytest.approx(731 / (365.25 / 12), abs=0.005), False, ADMINISTRATIVE_CENSORING)


def test_event_on_the_cutoff_day_counts() -> None:
    patient = History("P2", date(2020, 1, 1), CUTOFF, (Event("locoregional_invasive", CUTOFF),))
    assert to_time_event(patient, "RFS", CUTOFF).event is True


def test_lost_to_follow_up_versus_administrative_censoring() -> None:
    lost = History("P3", date(2020, 1, 1), date(2021, 6, 30))
    followed = History("P4", date(2020, 1, 1), date(2024, 1, 1))  # seen after the cut-off
    assert to_time_event(lost, "IDFS", CUTOFF).reason == LOST_TO_FOLLOW_UP
    assert to_time_event(lost, "IDFS", CUTOFF).time == pytest.approx(546 / (365.25 / 12), abs=0.005)
    result = to_time_event(followed, "IDFS", CUTOFF)
    assert result.reason == ADMINISTRATIVE_CENSORING
    assert result.time == pytest.approx((CUTOFF - date(2020, 1, 1)).days / (365.25 / 12), abs=0.005)
    # A patient lost before an earlier cut-off is still censored by the cut-off at that analysis.
    assert to_time_event(lost, "IDFS", date(2021, 1, 1)).reason == ADMINISTRATIVE_CENSORING


def test_to_table_has_one_row_per_patient_and_endpoint() -> None:
    table = to_table([patient_with_dcis_then_distant_then_death(), History("P5", date(2021, 1, 1), CUTOFF)], CUTOFF)
    assert len(table) == 2 * len(ENDPOINTS)
    assert table.event.sum() == len(ENDPOINTS)  # P1 has an event in every endpoint, P5 in none
    with pytest.raises(DataError, match=r"to_table\(endpoints='pCR'\): endpoints must be one of"):
        to_table([], CUTOFF, ["IDFS", "pCR"])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: History("X", date(2020, 1, 1), date(2019, 1, 1)), "last_follow_up 2019-01-01 is before randomisation"),
        (
            lambda: History("X", date(2020, 1, 1), date(2021, 1, 1), (Event("relapse", date(2020, 5, 1)),)),
            r"History\(patient='X'\), field events: 'relapse' is not an event type",
        ),
        (
            lambda: History("X", date(2020, 1, 1), date(2021, 1, 1), (Event("dcis", date(2021, 2, 1)),)),
            "event 'dcis' on 2021-02-01 is outside follow-up",
        ),
        (
            lambda: History("X", date(2020, 1, 1), date(2021, 1, 1), (Event("dcis", date(2019, 2, 1)),)),
            "is outside follow-up",
        ),
        (
            lambda: History(
                "X",
                date(2020, 1, 1),
                date(2021, 1, 1),
                (Event("death_other_cause", date(2020, 6, 1)), Event("dcis", date(2020, 9, 1))),
            ),
            "event 'dcis' on 2020-09-01 comes after death on 2020-06-01",
        ),
        (
            lambda: History("X", date(2020, 1, 1), date(2021, 1, 1), (Event("death_other_cause", date(2020, 6, 1)),)),
            "died on 2020-06-01 but last_follow_up is 2021-01-01",
        ),
        (
            lambda: History(
                "X",
                date(2020, 1, 1),
                date(2021, 1, 1),
                (Event("dcis", date(2020, 2, 1)), Event("dcis", date(2020, 3, 1))),
            ),
            "event type 'dcis' appears twice",
        ),
    ],
)
def test_impossible_histories_raise_data_error(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=message):
        build()


def test_patient_randomised_after_the_cutoff_is_an_error() -> None:
    with pytest.raises(DataError, match="randomised on 2023-09-01, after the data cut-off"):
        to_time_event(History("Y", date(2023, 9, 1), date(2023, 10, 1)), "OS", CUTOFF)


def simulate(n: int = 3000, seed: int = 7, **kwargs) -> list[History]:  # type: ignore[no-untyped-def]
    return simulate_histories(
        n, enrolment_start=date(2018, 8, 2), enrolment_end=date(2022, 11, 11), data_cutoff=CUTOFF, seed=seed, **kwargs
    )


def test_simulation_is_reproducible_and_respects_the_cutoff() -> None:
    first, again, other = simulate(seed=3), simulate(seed=3), simulate(seed=4)
    assert first == again and first != other
    assert all(date(2018, 8, 2) <= h.randomised <= date(2022, 11, 11) and h.last_follow_up <= CUTOFF for h in first)


def test_nested_endpoints_give_nested_event_counts_and_earlier_times() -> None:
    table = to_table(simulate(), CUTOFF)
    counts = table.groupby("endpoint").event.sum()
    order = ["DFS", "IDFS", "IBCFS", "RFS", "DRFS", "OS"]
    assert all(counts[broad] >= counts[narrow] for broad, narrow in pairwise(order))
    assert counts["DFS"] > counts["OS"]  # the illustrative rates make the differences visible
    times = table.pivot(index="patient", columns="endpoint", values="time")
    for broad, narrow in pairwise(order):
        assert (times[broad] <= times[narrow]).all()


def two_year_cohort(seed: int, **rates) -> list[History]:  # type: ignore[no-untyped-def]
    """4000 patients randomised on one day and followed two years, with the given rates."""
    return simulate_histories(
        4000,
        enrolment_start=date(2021, 8, 18),
        enrolment_end=date(2021, 8, 18),
        data_cutoff=date(2023, 8, 18),
        seed=seed,
        **rates,
    )


def test_simulated_event_fraction_matches_the_exponential_rate() -> None:
    # One event type at 10% a year: P(event within 2 years) = 1 - exp(-0.2) = 0.181;
    # 4 standard errors with n = 4000 is 0.024.
    cohort = two_year_cohort(
        11,
        annual_rates={"distant_recurrence": 0.10},
        followup=FollowUpPlan(annual_loss=0.0),
        breast_cancer_death_rate_after_distant=0.0,
    )
    fraction = to_table(cohort, date(2023, 8, 18), ["DRFS"]).event.mean()
    assert fraction == pytest.approx(1 - math.exp(-0.2), abs=0.024)


def test_simulated_loss_makes_patients_lost_to_follow_up() -> None:
    # A yearly risk of 10% loses 1 - 0.9^2 = 19% within two years.
    cohort = two_year_cohort(12, annual_rates={}, followup=FollowUpPlan(annual_loss=0.10))
    reasons = to_table(cohort, date(2023, 8, 18), ["OS"]).reason.value_counts(normalize=True)
    assert reasons[LOST_TO_FOLLOW_UP] == pytest.approx(1 - 0.9**2, abs=0.024)
    assert set(reasons.index) == {LOST_TO_FOLLOW_UP, ADMINISTRATIVE_CENSORING}


def test_with_a_visit_schedule_censoring_falls_on_the_last_assessment() -> None:
    plan = FollowUpPlan(annual_loss=0.05)
    cohort = simulate(seed=5, followup=plan)
    daily, scheduled = to_table(cohort, CUTOFF, ["IDFS"]), to_table(cohort, CUTOFF, ["IDFS"], assessments=plan)
    censored = ~scheduled.event
    assert set(scheduled.time[censored]) <= {0.0, *ASSESSMENT_MONTHS}
    assert (scheduled.time[censored] <= daily.time[censored]).all()
    assert (daily.time[censored] - scheduled.time[censored]).max() < 6.0
    # Events are dated when they happen, with or without a schedule; the reasons do not change.
    pd.testing.assert_series_equal(scheduled.time[~censored], daily.time[~censored])
    pd.testing.assert_series_equal(scheduled.reason, daily.reason)


def test_enrolment_shape_sets_the_randomisation_dates() -> None:
    window = (date(2022, 11, 11) - date(2018, 8, 2)).days / (365.25 / 12)
    late = simulate(seed=6, enrolment=Enrolment(window, ramp_months=window, ramp_power=2.0))
    # The rate grows as t^2, so the share enrolled by the middle of the window is (1/2)^3 = 1/8.
    middle = date(2018, 8, 2) + (date(2022, 11, 11) - date(2018, 8, 2)) / 2
    assert np.mean([history.randomised < middle for history in late]) == pytest.approx(1 / 8, abs=0.025)
    with pytest.raises(DataError, match="enrolment covers 12 months"):
        simulate(enrolment=Enrolment(12.0))


def test_breast_cancer_deaths_only_follow_distant_recurrence() -> None:
    for history in simulate(seed=9, breast_cancer_death_rate_after_distant=2.0):
        kinds = [event.kind for event in history.events]
        if "death_breast_cancer" in kinds:
            assert "distant_recurrence" in kinds[: kinds.index("death_breast_cancer")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, r"simulate_histories\(n=0\): n must be a whole number, 1 or more"),
        ({"annual_rates": {"relapse": 0.1}}, r"simulate_histories\(annual_rates\): 'relapse' is not an event type"),
        (
            {"annual_rates": {"dcis": -0.1}},
            r"\(annual_rates\['dcis'\]=-0.1\): annual_rates\['dcis'\] must be a number of at least 0 \(a yearly rate\)",
        ),
        ({"annual_rates": {"death_breast_cancer": 0.1}}, "set breast_cancer_death_rate_after_distant instead"),
        ({"enrolment_end": date(2024, 1, 1)}, "need enrolment_start <= enrolment_end <= data_cutoff"),
    ],
)
def test_simulation_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "n": 10,
        "enrolment_start": date(2018, 8, 2),
        "enrolment_end": date(2022, 11, 11),
        "data_cutoff": CUTOFF,
        "seed": 1,
        **kwargs,
    }
    n = arguments.pop("n")
    with pytest.raises(DataError, match=message):
        simulate_histories(n, **arguments)  # type: ignore[arg-type]
