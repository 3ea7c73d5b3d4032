"""Given received events, when one more arrives, then the case it lands in, or why it is rejected.

Every event made with `ev` gets the next receipt seq, so the order of `ev` calls is receipt order.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from terugkeer.domain import errors
from terugkeer.domain.events import Event
from terugkeer.domain.history import PersonHistory
from tests.unit.domain.builders import at

V = "1234567890"
START = "2023-01-02"  # noon in Amsterdam
NOON_FEB = "2023-02-01T12:00:00+01:00"
_seq = itertools.count(1)
CLOSINGS = ["departed", "absconded", "exit_without_departure"]
REFERRING = [
    ("procedure_decided", "procedure_started"),
    ("document_answered", "document_requested"),
    ("flight_cancelled", "flight_booked"),
]


def ev(type_: str, moment: str, **data: Any) -> Event:
    seq = next(_seq)
    return Event(f"e{seq}", type_, V, at(moment), "DTENV", data, seq)


def given(*events: Event) -> PersonHistory:
    return PersonHistory(V, events)


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


def rejects(history: PersonHistory, event: Event, error: type[Exception]) -> str:
    before = [(c.key, ids(c.events), c.closing) for c in history.cases]
    with pytest.raises(error) as caught:
        history.accept(event)
    assert [(c.key, ids(c.events), c.closing) for c in history.cases] == before, "nothing stored"
    message = str(caught.value)
    assert message[:1].isalpha(), message
    assert len(message.split()) >= 5, f"not a readable sentence: {message!r}"
    return message


def test_intake_opens_a_case() -> None:
    intake, history = ev("intake", START), given()
    case = history.accept(intake)
    assert (case.intake, ids(case.events), case.key) == (intake, [intake.id], intake.seq)
    assert case.is_open
    assert history.cases == [case]


@pytest.mark.parametrize("closing_type", CLOSINGS)
def test_each_closing_type_closes_the_case(closing_type: str) -> None:
    intake, talk = ev("intake", START), ev("interview", "2023-01-05")
    closing = ev(closing_type, "2023-02-01")
    case = given(intake, talk).accept(closing)
    assert (case.closing, case.is_open) == (closing, False)
    assert ids(case.events) == ids([intake, talk, closing])


def test_new_intake_after_a_closed_case_opens_a_second_case() -> None:
    history = given(ev("intake", START), ev("absconded", "2023-02-01"))
    again, talk = ev("intake", "2023-05-01", track="illegal_stay"), ev("interview", "2023-05-03")
    second = history.accept(again)
    assert history.accept(talk) is second
    assert [case.is_open for case in history.cases] == [False, True]
    assert (second.key, ids(second.events)) == (again.seq, ids([again, talk]))


def test_event_for_a_person_without_any_intake_is_rejected() -> None:
    message = rejects(given(), ev("interview", "2023-01-05"), errors.NoOpenCaseError)
    assert V in message
    assert "no intake" in message


def test_event_dated_before_the_first_intake_is_rejected() -> None:
    intake, closing = ev("intake", NOON_FEB), ev("departed", "2023-03-01")
    history = given(intake, closing, ev("intake", "2023-05-01"))
    message = rejects(history, ev("interview", "2023-01-30"), errors.BeforeIntakeError)
    assert f"before the intake of the case (intake at {NOON_FEB})" in message


@pytest.mark.parametrize(
    ("moment", "next_intake"),
    [("2023-02-02", []), (NOON_FEB, []), ("2023-03-01", [("intake", "2023-05-01")])],
)
def test_event_dated_after_or_at_the_closing_instant_is_rejected(
    moment: str, next_intake: list[tuple[str, str]]
) -> None:
    history = given(ev("intake", START), ev("departed", NOON_FEB), *(ev(*e) for e in next_intake))
    message = rejects(history, ev("interview", moment), errors.AfterClosingError)
    assert f"closing event of the case (departed at {NOON_FEB})" in message


def test_event_at_the_closing_instant_received_before_the_closing_stays_before_it() -> None:
    intake, talk = ev("intake", START), ev("interview", NOON_FEB)
    closing = ev("departed", NOON_FEB)
    assert ids(given(intake, talk).accept(closing).events) == ids([intake, talk, closing])


def test_late_event_dated_inside_a_closed_case_lands_in_that_case() -> None:
    intake, talk = ev("intake", START), ev("interview", "2023-01-10")
    closing = ev("departed", "2023-02-01")
    history = given(intake, talk, closing, ev("intake", "2023-06-01"))
    late = ev("location_changed", "2023-01-05", kind="vbl")
    case = history.accept(late)
    assert case is history.cases[0]
    assert ids(case.events) == ids([intake, late, talk, closing])


def test_late_closing_before_events_already_stored_is_rejected() -> None:
    history = given(ev("intake", START), ev("interview", "2023-03-01T10:00:00+01:00"))
    message = rejects(history, ev("absconded", NOON_FEB), errors.LateClosingError)
    assert f"absconded at {NOON_FEB}" in message
    assert "interview at 2023-03-01T10:00:00+01:00" in message


@pytest.mark.parametrize("moment", ["2023-01-20", "2023-03-01"])
def test_second_closing_of_a_closed_case_is_rejected(moment: str) -> None:
    history = given(ev("intake", START), ev("departed", NOON_FEB))
    message = rejects(history, ev("absconded", moment), errors.CaseAlreadyClosedError)
    assert f"already closed by departed at {NOON_FEB}" in message


def test_second_intake_while_a_case_is_open_is_rejected() -> None:
    history = given(ev("intake", NOON_FEB))
    message = rejects(history, ev("intake", "2023-03-01"), errors.CaseAlreadyOpenError)
    assert f"already has an open case (intake at {NOON_FEB})" in message


@pytest.mark.parametrize("closed", [False, True])
def test_intake_dated_before_an_existing_case_is_rejected(closed: bool) -> None:
    history = given(ev("intake", NOON_FEB), *([ev("departed", "2023-04-01")] if closed else []))
    message = rejects(history, ev("intake", START), errors.CaseAlreadyOpenError)
    assert f"before an existing case of the person (opened at {NOON_FEB})" in message


@pytest.mark.parametrize(
    ("next_case", "fact"),
    [([], f"case was still open then (closed at {NOON_FEB})"), (["2023-06-01"], "2023-06-01")],
)
def test_intake_dated_inside_an_earlier_closed_case_is_rejected(
    next_case: list[str], fact: str
) -> None:
    history = given(ev("intake", START), ev("departed", NOON_FEB))
    for moment in next_case:
        history.accept(ev("intake", moment))
    message = rejects(history, ev("intake", "2023-01-20"), errors.CaseAlreadyOpenError)
    assert fact in message


def test_intake_at_the_closing_instant_received_later_opens_the_next_case() -> None:
    history = given(ev("intake", START), ev("departed", NOON_FEB))
    assert history.accept(ev("intake", NOON_FEB)) is history.cases[1]


@pytest.mark.parametrize(("referring", "target"), REFERRING)
def test_reference_to_nothing_received_is_rejected(referring: str, target: str) -> None:
    history = given(ev("intake", START), ev("procedure_started", "2023-01-03", reference="P"))
    unknown = ev(referring, "2023-01-10", reference="X-9")
    message = rejects(history, unknown, errors.UnknownReferenceError)
    assert f'"X-9" does not name a {target}' in message


def test_reference_to_an_event_of_another_type_is_rejected() -> None:
    history = given(ev("intake", START), ev("flight_booked", "2023-01-03", reference="F"))
    decided = ev("procedure_decided", "2023-01-10", reference="F")
    rejects(history, decided, errors.UnknownReferenceError)


@pytest.mark.parametrize(("referring", "target"), REFERRING)
def test_reference_received_earlier_but_dated_later_is_accepted(
    referring: str, target: str
) -> None:
    history = given(ev("intake", START), ev(target, "2023-03-01", reference="R"))
    answer = ev(referring, "2023-02-01", reference="R")
    assert ids(history.accept(answer).events)[1] == answer.id


def test_reference_to_an_earlier_case_of_the_person_is_accepted() -> None:
    history = given(ev("intake", START), ev("document_requested", "2023-01-10", reference="D"))
    history.accept(ev("exit_without_departure", "2023-02-01"))
    history.accept(ev("intake", "2023-06-01"))
    assert history.accept(ev("document_answered", "2023-06-10", reference="D")) is history.cases[1]


def test_equal_instants_keep_their_order_of_receipt() -> None:
    intake, a = ev("intake", START), ev("interview", "2023-01-10")
    b, late = ev("detention_started", "2023-01-10"), ev("location_changed", "2023-01-05")
    c = ev("detention_ended", "2023-01-10", reason="other")
    assert ids(given(intake, a, b, late).accept(c).events) == ids([intake, late, a, b, c])


def test_events_arriving_out_of_order_land_in_date_order() -> None:
    intake, c = ev("intake", START), ev("interview", "2023-03-01")
    a, b = ev("return_decision", "2023-01-10"), ev("interview", "2023-02-01")
    assert ids(given(intake, c, a).accept(b).events) == ids([intake, a, b, c])


def test_the_same_instant_with_another_utc_offset_is_the_same_instant() -> None:
    history = given(ev("intake", START), ev("departed", NOON_FEB))
    rejects(history, ev("interview", "2023-02-01T11:00:00Z"), errors.AfterClosingError)
    rejects(history, ev("interview", "2023-02-01T06:00:00-05:00"), errors.AfterClosingError)
    earlier = ev("interview", "2023-02-01T12:00:00+02:00")  # 10:00 UTC, before the closing
    assert history.accept(earlier).events[-2] == earlier


def test_rebuilding_from_stored_events_follows_receipt_order_not_the_order_given() -> None:
    stored = [ev("intake", START), ev("interview", "2023-01-10"), ev("absconded", NOON_FEB)]
    stored += [ev("intake", "2023-05-01"), ev("interview", "2023-01-05")]
    forward, backward = given(*stored), given(*reversed(stored))
    assert [ids(c.events) for c in forward.cases] == [ids(c.events) for c in backward.cases]
    assert ids(forward.cases[0].events) == ids([stored[0], stored[4], stored[1], stored[2]])


def test_starting_a_procedure_that_is_still_pending_is_rejected() -> None:
    history = given(
        ev("intake", START),
        ev("procedure_started", "2023-01-03", reference="P", kind="asylum", suspensive=True),
    )
    again = ev("procedure_started", "2023-02-01", reference="P", kind="appeal", suspensive=True)
    message = rejects(history, again, errors.ProcedurePendingError)
    assert '"P"' in message
    assert "still pending" in message


def test_a_pending_procedure_of_an_earlier_case_cannot_be_started_again() -> None:
    history = given(
        ev("intake", START),
        ev("procedure_started", "2023-01-03", reference="P", kind="asylum", suspensive=True),
        ev("absconded", "2023-01-10"),
        ev("intake", "2023-03-01"),
    )
    again = ev("procedure_started", "2023-03-02", reference="P", kind="appeal", suspensive=True)
    rejects(history, again, errors.ProcedurePendingError)


def test_a_decided_reference_may_be_started_again() -> None:
    history = given(
        ev("intake", START),
        ev("procedure_started", "2023-01-03", reference="P", kind="asylum", suspensive=True),
        ev("procedure_decided", "2023-01-20", reference="P", outcome="rejected"),
    )
    again = ev("procedure_started", "2023-02-01", reference="P", kind="appeal", suspensive=True)
    assert again in history.accept(again).events
    # and, pending once more, a third start is refused again
    third = ev("procedure_started", "2023-02-05", reference="P", kind="appeal", suspensive=True)
    rejects(history, third, errors.ProcedurePendingError)


def test_a_stored_history_is_read_even_where_a_newer_rule_would_refuse_it() -> None:
    """Events stored before the pending-start rule existed must not make the person's history
    unreadable (and every later event of that person unstorable)."""
    intake = ev("intake", START)
    first = ev("procedure_started", "2023-01-03", reference="P", kind="asylum", suspensive=True)
    second = ev("procedure_started", "2023-01-04", reference="P", kind="appeal", suspensive=True)
    history = given(intake, first, second)
    assert ids(history.cases[0].events)[1:] == [first.id, second.id]
