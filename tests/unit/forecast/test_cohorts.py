"""A case reduced to its cohort: the situation the forecast continues, with dates kept to months."""

from __future__ import annotations

from datetime import date

from terugkeer.domain.cohorts import MAX_DECISIONS, MAX_MONTHS_OPEN, Cohort, cohort_of
from tests.unit.domain.builders import Case, at

AS_OF = at("2023-06-30T23:59:59+02:00")


def test_a_return_case_keeps_its_procedure_document_and_detention_situation() -> None:
    case = Case("2023-01-10", track="asylum")
    case.add("location_changed", "2023-01-10T13:00:00+01:00", kind="emergency_reception")
    case.add("return_decision", "2023-01-12", departure_term_days=28)
    case.add("procedure_started", "2023-01-12", reference="P1", kind="appeal", suspensive=False)
    case.add("procedure_decided", "2023-03-01", reference="P1", outcome="rejected")
    case.add("procedure_started", "2023-04-03", reference="P2", kind="asylum_repeat",
             suspensive=True)  # fmt: skip
    case.add("interview", "2023-02-01", kind="first", stance="not_cooperating")
    case.add("document_requested", "2023-02-20", reference="D1", kind="laissez_passer",
             country="MAR")  # fmt: skip
    case.add("travel_document_valid", "2023-05-05", kind="passport", valid_until="2024-02-10")
    case.add("detention_started", "2023-06-03", ground="vw59")
    assert cohort_of(case.events, AS_OF) == Cohort(
        track="asylum", nationality="MAR", months_open=5, stance="not_cooperating",
        location="emergency_reception", decisions=1, pending="asylum_repeat",
        pending_suspensive=True, return_decision_month=date(2023, 1, 1), departure_term_days=28,
        document_valid_until_month=date(2024, 2, 1), document_requested=True,
        open_request_month=date(2023, 2, 1), detained_since_month=date(2023, 6, 1),
    )  # fmt: skip


def test_what_happens_after_the_caseload_day_is_not_part_of_it() -> None:
    case = Case("2023-06-01", track="asylum")
    case.add("interview", "2023-06-20", kind="first", stance="not_cooperating")
    case.add("interview", "2023-07-02", kind="follow_up", stance="cooperating")
    case.add("detention_started", "2023-07-03", ground="vw59")
    cohort = cohort_of(case.events, AS_OF)
    assert cohort.stance == "not_cooperating"
    assert cohort.detained_since_month is None


def test_answered_requests_ended_detentions_and_expired_documents() -> None:
    case = Case("2022-01-10", track="criminal")
    case.add("document_requested", "2022-02-01", reference="D1", kind="laissez_passer",
             country="MAR")  # fmt: skip
    case.add("document_answered", "2022-05-01", reference="D1", result="withdrawn")
    case.add("travel_document_valid", "2022-05-05", kind="passport", valid_until="2023-06-29")
    case.add("detention_started", "2023-01-03", ground="vw59")
    case.add("detention_ended", "2023-04-20", reason="maximum_term")
    cohort = cohort_of(case.events, AS_OF)
    assert cohort.document_requested and cohort.open_request_month is None
    assert cohort.document_valid_until_month is None  # ran out the day before the caseload day
    assert cohort.detained_since_month is None
    assert cohort.released_month == date(2023, 4, 1)
    assert cohort.months_open == 17


def test_dublin_stages_follow_the_latest_claim_event() -> None:
    claimed = Case("2023-05-01")
    claimed.add("dublin_claim", "2023-05-10", member_state="DEU", kind="take_back")
    assert (cohort_of(claimed.events, AS_OF).dublin_stage, cohort_of(claimed.events, AS_OF)
            .dublin_member_state) == ("claimed", "DEU")  # fmt: skip
    claimed.add("dublin_accepted", "2023-06-02", member_state="DEU", implicit=False)
    accepted = cohort_of(claimed.events, AS_OF)
    assert accepted.dublin_stage == "accepted"
    assert accepted.dublin_accepted_month == date(2023, 6, 1)
    refused = Case("2023-05-01")
    refused.add("dublin_claim", "2023-05-10", member_state="BEL", kind="take_back")
    refused.add("dublin_refused", "2023-06-10", member_state="BEL")
    assert cohort_of(refused.events, AS_OF).dublin_stage == "refused"
    assert cohort_of(Case("2023-06-29").events, AS_OF).dublin_stage is None


def test_long_histories_fall_into_the_last_bucket() -> None:
    case = Case("2019-01-10", track="asylum")
    for n in range(MAX_DECISIONS + 3):
        case.add("procedure_started", f"2019-0{n % 9 + 1}-1{n % 9}", reference=f"P{n}",
                 kind="appeal", suspensive=False)  # fmt: skip
        case.add("procedure_decided", f"2019-0{n % 9 + 1}-2{n % 9}", reference=f"P{n}",
                 outcome="rejected")  # fmt: skip
    cohort = cohort_of(case.events, AS_OF)
    assert cohort.months_open == MAX_MONTHS_OPEN
    assert cohort.decisions == MAX_DECISIONS


def test_alike_cases_of_different_people_are_one_cohort() -> None:
    """What makes a cohort an aggregate: nothing of the person is in it."""
    first, second = Case("2023-03-03", track="regular"), Case("2023-03-20", track="regular")
    assert cohort_of(first.events, AS_OF) == cohort_of(second.events, AS_OF)
    assert "v_number" not in Cohort.model_fields


def test_a_flight_ahead_is_kept_only_to_its_week() -> None:
    case = Case("2023-05-01", track="asylum")
    case.add("flight_booked", "2023-06-20", reference="F1", date="2023-07-10",
             destination="MAR", escort="kmar")  # fmt: skip
    case.add("flight_booked", "2023-06-21", reference="F2", date="2023-07-02",
             destination="MAR", escort="none")  # fmt: skip
    case.add("flight_cancelled", "2023-06-22", reference="F2", reason="medical")
    cohort = cohort_of(case.events, AS_OF)
    assert (cohort.flight_escort, cohort.flight_in_weeks) == ("kmar", 1)  # 10 days: week 2
    gone = Case("2023-05-01", track="asylum")
    gone.add("flight_booked", "2023-06-20", reference="F1", date="2023-06-30",
             destination="MAR", escort="kmar")  # fmt: skip
    assert cohort_of(gone.events, AS_OF).flight_escort is None  # its day has passed
