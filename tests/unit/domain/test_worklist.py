"""The worklist items of one case: what is due, by when, from which day it shows, and why."""

from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.calendar import add_period
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.worklist import ItemKind, Urgency, WorkItem, urgency, work_items
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case


@pytest.fixture(scope="module")
def rules() -> RulesTable:
    return load_rules()


def items(case: Case, rules: RulesTable, kind: ItemKind) -> list[WorkItem]:
    return [item for item in work_items(case.events, rules) if item.kind == kind]


def test_dublin_transfer_deadline_shows_in_its_last_30_days(rules: RulesTable) -> None:
    case = Case("2023-01-02")
    case.add("location_changed", "2023-01-03", kind="azc")
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    case.add("dublin_accepted", "2023-01-20", member_state="DEU", implicit=False)
    (item,) = items(case, rules, ItemKind.DUBLIN_TRANSFER_DEADLINE)
    assert item.due == date(2023, 7, 20)  # six months after the acceptance (RULES.md §2)
    assert not item.shows_on(date(2023, 6, 19))
    assert item.shows_on(date(2023, 6, 20))
    assert "604/2013" in item.source
    assert item.details == {"member_state": "DEU"}
    assert items(case, rules, ItemKind.DUBLIN_REPLY_DEADLINE) == []  # answered


def test_unanswered_claim_has_a_reply_deadline_by_its_kind(rules: RulesTable) -> None:
    case = Case("2023-01-02")
    case.add("dublin_claim", "2023-01-10", member_state="BEL", kind="take_charge")
    (reply,) = items(case, rules, ItemKind.DUBLIN_REPLY_DEADLINE)
    assert reply.due == date(2023, 3, 10)  # take charge: two months under Dublin III
    assert items(case, rules, ItemKind.DUBLIN_REQUEST_DEADLINE) == []  # the request was made


def test_dublin_claimant_without_a_claim_has_a_request_deadline(rules: RulesTable) -> None:
    (request,) = items(Case("2023-01-02", track="dublin"), rules, ItemKind.DUBLIN_REQUEST_DEADLINE)
    assert request.due == date(2023, 4, 2)
    assert items(Case("2023-01-02", track="asylum"), rules, ItemKind.DUBLIN_REQUEST_DEADLINE) == []


def test_ammr_take_back_reply_is_two_weeks(rules: RulesTable) -> None:
    case = Case("2026-07-01")
    case.add("dublin_claim", "2026-07-02", member_state="FRA", kind="take_back")
    (reply,) = items(case, rules, ItemKind.DUBLIN_REPLY_DEADLINE)
    assert reply.due == date(2026, 7, 16)
    assert "2024/1351" in reply.source


def test_detention_reviews_and_the_maximum_term(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("detention_started", "2023-02-01", ground="vw59")
    maximum = items(case, rules, ItemKind.DETENTION_MAXIMUM)
    reviews = items(case, rules, ItemKind.DETENTION_REVIEW)
    assert [m.due for m in maximum] == [date(2023, 8, 1)]  # six months (Return Directive art. 15)
    assert maximum[0].shows_on(date(2023, 7, 2)) and not maximum[0].shows_on(date(2023, 7, 1))
    assert reviews[0].due == date(2023, 3, 1) and all(r.due < date(2023, 8, 1) for r in reviews)
    case.add("detention_ended", "2023-02-20", reason="released_by_court")
    assert items(case, rules, ItemKind.DETENTION_MAXIMUM) == []


def test_document_request_unanswered_for_twelve_months(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("document_requested", "2023-02-01", reference="lp-1", kind="laissez_passer",
             country="MAR")  # fmt: skip
    (item,) = items(case, rules, ItemKind.DOCUMENT_REQUEST_UNANSWERED)
    assert (item.due, item.shows_from) == (date(2024, 2, 1), date(2024, 2, 1))
    case.add("document_answered", "2023-05-01", reference="lp-1", result="confirmed")
    assert items(case, rules, ItemKind.DOCUMENT_REQUEST_UNANSWERED) == []


def test_flight_soon_and_a_document_expiring_before_it(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("travel_document_valid", "2023-01-05", kind="passport", valid_until="2023-03-01")
    case.add("flight_booked", "2023-02-01", reference="f-1", date="2023-03-15",
             destination="MAR", escort="kmar")  # fmt: skip
    (flight,) = items(case, rules, ItemKind.FLIGHT_UPCOMING)
    assert flight.shows_from == date(2023, 3, 1) and flight.shows_until == date(2023, 3, 15)
    (expiring,) = items(case, rules, ItemKind.TRAVEL_DOCUMENT_EXPIRES_BEFORE_FLIGHT)
    assert expiring.details["valid_until"] == "2023-03-01"
    case.add("flight_cancelled", "2023-02-10", reference="f-1", reason="document")
    assert items(case, rules, ItemKind.FLIGHT_UPCOMING) == []


def test_no_interview_for_six_weeks_counts_from_the_latest(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    assert items(case, rules, ItemKind.NO_INTERVIEW)[0].due == date(2023, 2, 13)
    case.add("interview", "2023-02-01", kind="first", stance="cooperating")
    assert items(case, rules, ItemKind.NO_INTERVIEW)[0].due == date(2023, 3, 15)


def test_unknown_whereabouts_ask_for_a_decision_never_record_one(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("location_changed", "2023-02-01", kind="unknown")
    (item,) = items(case, rules, ItemKind.WHEREABOUTS_UNKNOWN)
    assert item.due == date(2023, 2, 1)
    assert all(e.type != "absconded" for e in case.events)


def test_a_closed_case_needs_nothing(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="dublin")
    case.add("departed", "2023-02-01", mode="independent", destination="MAR",
             evidence="iom_confirmation")  # fmt: skip
    assert work_items(case.events, rules) == []


def test_items_come_soonest_first(rules: RulesTable) -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("return_decision", "2023-01-03", departure_term_days=28)
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    dues = [item.due for item in work_items(case.events, rules)]
    assert dues == sorted(dues) and len(dues) >= 3


def test_the_end_of_a_departure_term_is_due_only_when_the_return_decision_is_the_ground(
    rules: RulesTable,
) -> None:
    """A Dublin transfer is not a return: while a claim runs, the end of the departure term
    makes no one removable, and no item asks for it; it does once the claim is refused."""
    case = Case("2023-01-02", track="dublin")
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    case.add("dublin_accepted", "2023-01-20", member_state="DEU", implicit=False)
    case.add("return_decision", "2023-02-01", departure_term_days=28)
    assert items(case, rules, ItemKind.DEPARTURE_TERM_ENDS) == []
    assert [i.due for i in items(case, rules, ItemKind.DUBLIN_TRANSFER_DEADLINE)] == [
        date(2023, 7, 20)
    ]
    case.add("dublin_refused", "2023-02-10", member_state="DEU")
    (item,) = items(case, rules, ItemKind.DEPARTURE_TERM_ENDS)
    assert item.due == date(2023, 3, 1)


def test_the_end_of_a_departure_term_after_the_transfer_deadline_is_due(
    rules: RulesTable,
) -> None:
    case = Case("2023-01-02", track="dublin")
    case.add("dublin_accepted", "2023-01-20", member_state="DEU", implicit=True)
    case.add("return_decision", "2023-07-10", departure_term_days=28)
    (item,) = items(case, rules, ItemKind.DEPARTURE_TERM_ENDS)
    assert item.due == date(2023, 8, 7)  # the claim expired on 20 July


def test_a_dublin_claimant_without_an_accepted_claim_has_no_departure_term_item(
    rules: RulesTable,
) -> None:
    case = Case("2023-01-02", track="dublin")
    case.add("return_decision", "2023-01-03", departure_term_days=28)
    assert items(case, rules, ItemKind.DEPARTURE_TERM_ENDS) == []
    assert items(case, rules, ItemKind.DUBLIN_REQUEST_DEADLINE) != []


@pytest.mark.parametrize(
    ("period", "expected"),
    [("P2M", date(2023, 2, 28)), ("P2W", date(2023, 1, 14)), ("P30D", date(2023, 1, 30))],
)
def test_add_period(period: str, expected: date) -> None:
    assert add_period(date(2022, 12, 31), period) == expected


def test_legal_deadlines_and_practice_items() -> None:
    """The interview cadence and the 12-month document requests are the agency's practice;
    everything else is a legal deadline, whereabouts_unknown included (it moves Dublin's)."""
    practice = {kind for kind in ItemKind if not kind.is_legal}
    assert practice == {ItemKind.NO_INTERVIEW, ItemKind.DOCUMENT_REQUEST_UNANSWERED}
    assert ItemKind.WHEREABOUTS_UNKNOWN.is_legal and ItemKind.DETENTION_REVIEW.is_legal


def test_urgency_groups_by_the_day_seen_from() -> None:
    on = date(2023, 3, 10)
    assert urgency(date(2023, 3, 9), on) is Urgency.OVERDUE
    assert urgency(on, on) is Urgency.TODAY
    assert urgency(date(2023, 3, 11), on) is Urgency.WEEK
    assert urgency(date(2023, 3, 17), on) is Urgency.WEEK  # the next seven days
    assert urgency(date(2023, 3, 18), on) is Urgency.LATER


def test_a_reply_deadline_names_the_article_that_makes_silence_an_acceptance(
    rules: RulesTable,
) -> None:
    case = Case("2023-01-02")
    case.add("dublin_claim", "2023-01-10", member_state="BEL", kind="take_charge")
    case.add("dublin_claim", "2023-01-11", member_state="DEU", kind="take_back")
    found = {
        i.details["member_state"]: i for i in items(case, rules, ItemKind.DUBLIN_REPLY_DEADLINE)
    }
    assert found["BEL"].details["silence"] == "Dublin III art. 22(7)"
    assert found["DEU"].details["silence"] == "Dublin III art. 25(2)"
