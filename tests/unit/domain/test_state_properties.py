"""The case state is one fold: properties over random valid histories.

The case generator here dates events anywhere after the intake, so that receipt order and date
order differ (a decision may be dated before its start, an answer before its request); each
drawn event is judged by `PersonHistory` and left out when rejected. Multi-case people come
from the strategies of test_history_properties.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terugkeer.domain.errors import EventRejectedError
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.procedures import decision_pairs
from terugkeer.domain.removal import Readiness, last_instant, removal_readiness
from terugkeer.domain.state import CaseState, case_state, evolve, extended, initial
from terugkeer.domain.transfer import Ground
from terugkeer.rules import load_rules
from tests.unit.domain.builders import Case, at
from tests.unit.domain.readiness_oracle import old_removal_readiness
from tests.unit.domain.test_history_properties import OFFSETS, person_history, receive

V = "1234567890"
START = datetime(2023, 1, 2, 9, tzinfo=UTC)
RULES = load_rules()
one = st.sampled_from
DATA: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "interview": st.fixed_dictionaries(
        {"kind": one(["first", "follow_up"]), "stance": one(["cooperating", "not_cooperating"])}
    ),
    "location_changed": st.fixed_dictionaries({"kind": one(["detention", "azc", "unknown"])}),
    "procedure_started": st.fixed_dictionaries(
        {
            "kind": one(["asylum_repeat", "appeal", "medical_postponement"]),
            "suspensive": st.booleans(),
        }
    ),
    "procedure_decided": st.fixed_dictionaries({"outcome": one(["rejected", "granted"])}),
    "return_decision": st.fixed_dictionaries({"departure_term_days": st.integers(0, 30)}),
    "document_requested": st.fixed_dictionaries(
        {"kind": one(["laissez_passer", "nationality_determination"]), "country": one(["MAR"])}
    ),
    "document_answered": st.fixed_dictionaries({"result": one(["confirmed", "refused"])}),
    "travel_document_valid": st.fixed_dictionaries(
        {
            "kind": one(["passport", "laissez_passer"]),
            "valid_until": st.dates(date(2023, 1, 1), date(2023, 9, 30)).map(date.isoformat),
        }
    ),
    "detention_started": st.fixed_dictionaries({"ground": one(["vw59", "vw59a"])}),
    "detention_ended": st.fixed_dictionaries({"reason": one(["removed", "maximum_term"])}),
    "dublin_claim": st.fixed_dictionaries(
        {"member_state": one(["DEU", "BEL"]), "kind": one(["take_back"])}
    ),
    "dublin_accepted": st.fixed_dictionaries(
        {"member_state": one(["DEU"]), "implicit": st.booleans()}
    ),
    "dublin_refused": st.fixed_dictionaries({"member_state": one(["BEL"])}),
    "support_granted": st.fixed_dictionaries({"kind": one(["basic_departure", "reintegration"])}),
    "flight_booked": st.fixed_dictionaries(
        {
            "date": st.dates(date(2023, 1, 1), date(2023, 4, 30)).map(date.isoformat),
            "destination": one(["MAR"]),
            "escort": one(["none", "kmar"]),
        }
    ),
    "flight_cancelled": st.fixed_dictionaries({"reason": one(["medical", "document"])}),
}
CLOSINGS: dict[str, dict[str, Any]] = {
    "departed": {"mode": "forced", "destination": "MAR", "evidence": "escorted",
                 "dublin_transfer": False},
    "absconded": {},
    "exit_without_departure": {"reason": "other"},
}  # fmt: skip
#: Procedures weigh more, so that a decided reference is started again now and then.
KINDS = [*sorted(DATA), *["procedure_started", "procedure_decided"] * 3]
DUBLIN = frozenset({"dublin_claim", "dublin_accepted", "dublin_refused"})
NOT_DUBLIN = [kind for kind in KINDS if kind not in DUBLIN]
READY = ["return_decision", "travel_document_valid", "location_changed", "detention_started"]
REFERRED = {"procedure_decided": "procedure_started", "document_answered": "document_requested",
            "flight_cancelled": "flight_booked"}  # fmt: skip


@st.composite
def case_events(
    draw: st.DrawFn, *, restarts: bool = True, dublin: bool = True, track: str = "asylum"
) -> list[Event]:
    """One case in history order: an intake, up to 20 events dated in the 60 days after it (in
    any order), maybe a closing after them. With `restarts`, procedure references come from a
    pool of two, so a decided reference is started again, and a procedure may be decided twice;
    without, each is started once and decided at most once. Without `dublin`, no Dublin claim,
    acceptance or refusal."""
    history = PersonHistory(V)
    references: dict[str, list[str]] = {kind: [] for kind in REFERRED.values()}
    seq = 0

    def offer(kind: str, when: datetime, data: dict[str, Any]) -> None:
        nonlocal seq
        event = Event(f"e{seq + 1}", kind, V, when.astimezone(draw(one(OFFSETS))), "DTENV", data,
                      seq + 1)  # fmt: skip
        try:
            history.accept(event)
        except EventRejectedError:
            return
        seq += 1
        if kind in references:
            references[kind].append(data["reference"])
        if kind == "procedure_decided" and not restarts:
            references["procedure_started"].remove(data["reference"])

    offer("intake", START, {"nationality": "MAR", "track": track,
                            "unaccompanied_minor": draw(st.integers(0, 5)) == 0})  # fmt: skip
    latest = START
    # What makes a case ready; may be undone. A Dublin claimant needs an accepted claim.
    ready = [*READY, "dublin_accepted"] if track == "dublin" else READY
    early = ready if draw(st.booleans()) else []
    kinds = [*early, *draw(st.lists(one(KINDS if dublin else NOT_DUBLIN), max_size=16))]
    for n, kind in enumerate(kinds):
        data = dict(draw(DATA[kind]))
        days = 10 if n < len(early) else 60
        when = START + timedelta(minutes=draw(st.integers(0, days * 24 * 60)))
        if kind in REFERRED:
            if not references[REFERRED[kind]]:
                continue
            data["reference"] = draw(one(references[REFERRED[kind]]))
        elif kind in references:
            pool = ["A", "B"] if restarts and kind == "procedure_started" else [f"R{n}"]
            data["reference"] = draw(one(pool))
        offer(kind, when, data)
        latest = max(latest, when)
    if draw(st.booleans()):
        closing = draw(one(sorted(CLOSINGS)))
        offer(closing, latest + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60))),
              CLOSINGS[closing])  # fmt: skip
    return history.cases[0].events


moments = st.integers(-24 * 60, 70 * 24 * 60).map(lambda m: START + timedelta(minutes=m))


def reduce_evolve(events: list[Event], at: datetime) -> CaseState:
    """The fold written out: `evolve` one event at a time, a new state each time."""
    pairs = decision_pairs(events)
    known = [e for e in events[1:] if e.occurred_at <= at]
    return reduce(lambda state, event: evolve(state, event, pairs), known, initial(events[0], at))


@given(case_events(), moments)
def test_case_state_is_evolve_folded_event_by_event(events: list[Event], moment: datetime) -> None:
    moment = max(moment, events[0].occurred_at)
    state = case_state(events, moment)
    assert type(state) is CaseState  # the fold's draft never leaves it
    assert state == reduce_evolve(events, moment)


@given(case_events())
def test_without_an_instant_the_state_is_that_after_every_event(events: list[Event]) -> None:
    assert case_state(events) == case_state(events, events[-1].occurred_at)


@given(case_events(restarts=False), moments)
def test_the_state_at_an_instant_depends_only_on_the_events_up_to_it(
    events: list[Event], moment: datetime
) -> None:
    """Except for which start a decision decided when one reference has several starts or
    decisions: receipt order settles that over all the events (see the example below)."""
    moment = max(moment, events[0].occurred_at)
    known = [e for e in events if e.occurred_at <= moment]
    assert case_state(events, moment) == case_state(known, moment)


@given(st.data())
def test_folding_prefix_by_prefix_gives_the_state_at_each_event(data: st.DataObject) -> None:
    """Received in date order (one case of a generated person): the state after the k-th event,
    evolved from the state before it, is the state at that event's instant."""
    history = receive(data.draw(person_history(V)))
    events = data.draw(one(history.cases)).events
    state = initial(events[0])
    for event in events[1:]:
        state = evolve(state, event)  # no pairing: in receipt order, none is needed
        assert state == replace(case_state(events, event.occurred_at), at=state.at)


@given(case_events())
def test_extending_the_state_by_the_last_event_is_folding_them_all(events: list[Event]) -> None:
    """What the store's projections do for the newest event of a case when it lands last in
    history order: one evolve from the state before it. Events may be dated in any order, so
    the state before is a fold of every other event."""
    newest = max(events, key=lambda e: e.seq)
    if newest is not events[-1] or len(events) == 1:
        return  # dated before another event: the store folds the case again
    state = extended(case_state(events[:-1]), newest)
    if newest.type == "procedure_decided":
        assert state is None  # a decision pairs by looking at every event: fold again
    else:
        assert state == case_state(events)


@settings(max_examples=200)
@given(case_events(dublin=False), st.dates(date(2022, 12, 30), date(2023, 4, 15)))
def test_without_dublin_readiness_is_the_event_walk(events: list[Event], on: date) -> None:
    """No Dublin claim and not on the dublin track: readiness is exactly as before transfers
    were judged (the walk predates them)."""
    assert _seen(removal_readiness(events, on, RULES)) == _seen(
        old_removal_readiness(events, on, RULES)
    )


@settings(max_examples=200)
@given(
    st.sampled_from(["asylum", "dublin"]).flatmap(lambda track: case_events(track=track)),
    st.dates(date(2022, 12, 30), date(2023, 4, 15)),
)
def test_readiness_read_from_the_state_is_the_event_walk(events: list[Event], on: date) -> None:
    _as_the_walk(removal_readiness(events, on, RULES), old_removal_readiness(events, on, RULES),
                 events)  # fmt: skip


@given(st.data(), st.dates(date(2021, 12, 30), date(2023, 6, 30)))
def test_readiness_with_the_persons_other_cases_is_the_event_walk(
    data: st.DataObject, on: date
) -> None:
    history = receive(data.draw(person_history(V)))
    case = data.draw(one(history.cases)).events
    person = history.events()
    _as_the_walk(
        removal_readiness(case, on, RULES, person_events=person),
        old_removal_readiness(case, on, RULES, person_events=person),
        case,
    )


def _as_the_walk(new: Readiness, old: Readiness, case: list[Event]) -> None:
    """Readiness equals the walk (which knows no transfers) but for legally removable when the
    case has Dublin claims or is on the dublin track: then the return rule still gives the
    same answer when it is the ground (the claims' fate only added in front of its reason),
    and a transfer never holds while a suspensive procedure is pending."""
    if case[0].data["track"] != "dublin" and not any(e.type in DUBLIN for e in case):
        assert _seen(new) == _seen(old)
        return
    assert _seen(new)[1][1:] == _seen(old)[1][1:]  # available, in detention, travel document
    assert (new.safeguards, new.on) == (old.safeguards, old.on)
    mine, walked = new.legally_removable, old.legally_removable
    if new.ground.kind == Ground.RETURN_DECISION:
        assert mine.holds == walked.holds
        assert mine.reason.endswith(walked.reason)
    elif mine.holds:
        assert "is pending" not in walked.reason
        assert new.ground.member_state is not None


def _seen(readiness: Readiness) -> tuple[object, ...]:
    """What a reader of the readiness sees, in English (the oracle has no structured messages)."""
    conditions = tuple((c.key, c.holds, c.reason, c.source) for c in readiness.conditions)
    return readiness.on, conditions, readiness.safeguards, readiness.ready


def test_readiness_on_d_is_the_state_at_its_last_instant() -> None:
    case = Case("2023-01-02")
    case.add("location_changed", "2023-03-10T23:59:59.999999+01:00", kind="azc")
    assert last_instant(date(2023, 3, 10)) == at("2023-03-10T22:59:59.999999Z")
    state = case_state(case.events, last_instant(date(2023, 3, 10)))
    assert state.location_since == date(2023, 3, 10)
    assert removal_readiness(case.events, date(2023, 3, 10), RULES).available.holds


def test_a_later_dated_decision_tells_which_decision_decided_a_procedure() -> None:
    """A was started (1) and decided twice: first received (2) dated 1 March 10:00, then (3)
    dated 09:00. Receipt order makes 2 the decision of A, so at 09:30 A is still pending —
    though the events up to 09:30 alone would make 3 its decision."""
    case = Case("2023-01-02")
    case.add("procedure_started", "2023-02-01", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-01T10:00:00+01:00", reference="A", outcome="rejected")
    case.add("procedure_decided", "2023-03-01T09:00:00+01:00", reference="A", outcome="rejected")
    moment = at("2023-03-01T09:30:00+01:00")
    assert case_state(case.events, moment).pending_procedures == ("A",)
    known = [e for e in case.events if e.occurred_at <= moment]
    assert case_state(known, moment).pending_procedures == ()


def test_a_later_dated_start_tells_which_procedure_an_earlier_decision_decided() -> None:
    """Receipt order pairs a decision with its start (procedures.py), over all the events: A was
    started (1), decided (2, dated 20 March), started again (3, dated 15 March) and decided
    again (4, dated 10 March). On 12 March the first A is pending: decision 4 decided the second
    start, which had not been made yet — though the events up to 12 March alone would pair 4
    with the first start."""
    case = Case("2023-01-02")
    case.add("procedure_started", "2023-02-01", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-20", reference="A", outcome="rejected")
    case.add("procedure_started", "2023-03-15", reference="A", kind="appeal", suspensive=True)
    case.add("procedure_decided", "2023-03-10", reference="A", outcome="rejected")
    moment = at("2023-03-12")
    assert case_state(case.events, moment).pending_procedures == ("A",)
    known = [e for e in case.events if e.occurred_at <= moment]
    assert case_state(known, moment).pending_procedures == ()


def test_the_state_carries_what_each_reader_needs() -> None:
    case = Case("2023-01-02")
    case.add("procedure_started", "2023-01-05", reference="P", kind="appeal", suspensive=True)
    case.add("document_requested", "2023-01-06", reference="D", kind="laissez_passer",
             country="MAR")  # fmt: skip
    case.add("travel_document_valid", "2023-01-07", kind="passport", valid_until="2023-09-01")
    case.add("detention_started", "2023-01-08", ground="vw59")
    case.add("detention_ended", "2023-01-09", reason="maximum_term")
    case.add("dublin_claim", "2023-01-10", member_state="DEU", kind="take_back")
    case.add("dublin_accepted", "2023-01-11", member_state="DEU", implicit=False)
    case.add("flight_booked", "2023-01-12", reference="F", date="2023-02-01", destination="MAR",
             escort="kmar")  # fmt: skip
    case.add("departed", "2023-02-01", mode="forced", destination="MAR", evidence="escorted",
             dublin_transfer=True)  # fmt: skip
    state = case_state(case.events)
    assert [(p.reference, p.kind, p.suspensive, p.started_on) for p in state.pending] == [
        ("P", "appeal", True, date(2023, 1, 5))
    ]
    assert [(r.reference, r.requested_on) for r in state.requests] == [("D", date(2023, 1, 6))]
    assert (state.travel_document_kind, state.travel_document_reported_on) == (
        "passport", date(2023, 1, 7),
    )  # fmt: skip
    assert (state.in_detention, state.released_on, state.release_reason) == (
        False, date(2023, 1, 9), "maximum_term",
    )  # fmt: skip
    assert (state.dublin_stage, state.dublin_stage_on, state.dublin_member_state) == (
        "accepted", date(2023, 1, 11), "DEU",
    )  # fmt: skip
    assert [(f.on, f.escort) for f in state.flights] == [(date(2023, 2, 1), "kmar")]
    assert (state.closed_by, state.closed_on, state.dublin_transfer, state.destination) == (
        "departed", date(2023, 2, 1), True, "MAR",
    )  # fmt: skip
    assert state.at == case.events[-1].occurred_at


def test_an_event_type_unknown_to_a_case_is_refused() -> None:
    case = Case("2023-01-02")
    stray = Event("x", EventType.INTAKE, V, at("2023-01-03"), "IND", {}, 9)
    with pytest.raises(ValueError, match="does not change a case"):
        evolve(initial(case.events[0]), stray)
