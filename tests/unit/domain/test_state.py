"""The case state at any moment: given events, when asked at a moment, then what was known."""

from __future__ import annotations

from datetime import date

import pytest

from terugkeer.domain.state import case_state
from tests.unit.domain.builders import Case, at


def _case() -> Case:
    case = Case("2023-01-02")
    case.add("interview", "2023-01-10", kind="first", stance="not_cooperating")
    case.add("location_changed", "2023-01-11", kind="azc")
    case.add(
        "procedure_started", "2023-02-01", reference="P1", kind="asylum_repeat", suspensive=True
    )
    case.add("procedure_started", "2023-02-02", reference="P2", kind="other", suspensive=False)
    case.add("procedure_decided", "2023-05-01", reference="P1", outcome="rejected")
    case.add("return_decision", "2023-05-02", departure_term_days=28)
    case.add("interview", "2023-06-01", kind="follow_up", stance="cooperating")
    case.add(
        "document_requested", "2023-06-02", reference="D1", kind="laissez_passer", country="MAR"
    )
    case.add("document_answered", "2023-08-01", reference="D1", result="confirmed")
    case.add("travel_document_valid", "2023-08-02", kind="laissez_passer", valid_until="2023-12-31")
    case.add("detention_started", "2023-08-03", ground="vw59")
    case.add(
        "flight_booked",
        "2023-08-04",
        reference="F1",
        date="2023-08-20",
        destination="MAR",
        escort="kmar",
    )
    case.add("flight_cancelled", "2023-08-10", reference="F1", reason="medical")
    case.add("location_changed", "2023-08-11", kind="unknown")
    case.add("detention_ended", "2023-08-12", reason="released_by_court")
    return case  # fmt: skip


def test_state_before_the_procedures_are_decided() -> None:
    state = case_state(_case().events, at("2023-03-01"))
    assert state.is_open
    assert state.stance == "not_cooperating"
    assert state.location == "azc"
    assert state.available
    assert state.pending_procedures == ("P1", "P2")
    assert state.suspensive_pending == ("P1",)
    assert state.return_decision_on is None


def test_state_in_detention_with_a_confirmed_nationality() -> None:
    state = case_state(_case().events, at("2023-08-05"))
    assert state.stance == "cooperating"
    assert state.interviews == 2
    assert (state.decisions, state.suspensive_pending, state.pending_procedures) == (1, (), ("P2",))
    assert state.return_decision_on == date(2023, 5, 2)
    assert state.departure_term_days == 28
    assert state.nationality_confirmed
    assert state.open_document_requests == ()
    assert state.travel_document_valid_until == date(2023, 12, 31)
    assert state.in_detention
    assert state.booked_flights == ("F1",)


def test_state_after_release_with_unknown_whereabouts() -> None:
    state = case_state(_case().events, at("2023-09-01"))
    assert not state.in_detention
    assert state.booked_flights == ()  # cancelled
    assert state.location == "unknown"
    assert not state.available


def test_an_event_at_the_exact_moment_counts_and_one_a_microsecond_later_does_not() -> None:
    case = Case("2023-01-02T10:00:00+01:00")
    case.add("location_changed", "2023-01-03T10:00:00+01:00", kind="vbl")
    assert case_state(case.events, at("2023-01-03T09:00:00Z")).location == "vbl"
    assert case_state(case.events, at("2023-01-03T08:59:59.999999Z")).location is None


def test_a_closed_case_says_how_it_closed() -> None:
    case = Case("2023-01-02")
    case.add("exit_without_departure", "2023-03-01", reason="residence_permit")
    before, after = (
        case_state(case.events, at("2023-02-28")),
        case_state(case.events, at("2023-03-02")),
    )
    assert before.is_open
    assert (after.closed_by, after.closing_category) == (
        "exit_without_departure",
        "residence_permit",
    )


def test_asking_before_the_intake_is_an_error() -> None:
    with pytest.raises(ValueError, match="opened"):
        case_state(Case("2023-01-02").events, at("2023-01-01"))


def test_a_decision_dated_before_its_start_leaves_nothing_pending() -> None:
    case = Case("2023-01-02")  # received in this order: the decision refers to the start
    case.add("procedure_started", "2023-02-10", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-02-01", reference="A", outcome="rejected")
    state = case_state(case.events, at("2023-03-01"))
    assert (state.pending_procedures, state.decisions) == ((), 1)


def test_a_reference_started_again_after_its_decision_is_pending_again() -> None:
    case = Case("2023-01-02")
    case.add("procedure_started", "2023-02-01", reference="A", kind="regular", suspensive=False)
    case.add("procedure_decided", "2023-02-20", reference="A", outcome="rejected")
    case.add("procedure_started", "2023-03-01", reference="A", kind="appeal", suspensive=True)
    assert case_state(case.events, at("2023-02-25")).pending_procedures == ()
    later = case_state(case.events, at("2023-03-05"))
    assert (later.pending_procedures, later.suspensive_pending, later.decisions) == (
        ("A",), ("A",), 1,
    )  # fmt: skip
    case.add("procedure_decided", "2023-04-01", reference="A", outcome="rejected")
    assert case_state(case.events, at("2023-04-02")).pending_procedures == ()


def test_a_person_detained_since_3_december_is_not_shown_at_the_azc() -> None:
    """The azc was the latest location_changed; the detention that began after it is where the
    person is now (issue 27). `location` stays what RULES.md defines: the latest change."""
    case = Case("2023-01-02", track="asylum")
    case.add("location_changed", "2023-06-01", kind="azc")
    case.add("detention_started", "2023-12-03", ground="vw59")
    state = case_state(case.events, at("2023-12-10"))
    assert (state.whereabouts, state.whereabouts_since) == ("detention", date(2023, 12, 3))
    assert state.location == "azc"


def test_a_move_after_the_detention_began_or_a_release_shows_the_recorded_location() -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("location_changed", "2023-06-01", kind="azc")
    case.add("detention_started", "2023-12-03", ground="vw59")
    case.add("location_changed", "2023-12-05", kind="prison")
    moved = case_state(case.events, at("2023-12-10"))
    assert (moved.whereabouts, moved.whereabouts_since) == ("prison", date(2023, 12, 5))
    case.add("detention_ended", "2023-12-20", reason="released_by_court")
    released = case_state(case.events, at("2023-12-21"))
    assert (released.whereabouts, released.whereabouts_since) == ("prison", date(2023, 12, 5))


def test_detention_without_any_location_change_is_the_whereabouts() -> None:
    case = Case("2023-01-02", track="asylum")
    case.add("detention_started", "2023-12-03", ground="vw59")
    assert case_state(case.events, at("2023-12-04")).whereabouts == "detention"
