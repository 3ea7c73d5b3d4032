"""What each event changes in a case: `evolve(state, event)`, one small handler per type.

`domain/state.py` folds them over a case's events. Every reader of a case (the `cases`
projection, removal readiness, the forecast's cohorts, the case file) reads the resulting
`CaseState`, so what an event means for a case is said here only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar

from terugkeer.domain.case_facts import (
    CaseState,
    DocumentRequest,
    Draft,
    Flight,
    Pairs,
    PendingProcedure,
    changed,
)
from terugkeer.domain.events import CLOSING_TYPES, Event, EventType

_Referenced = TypeVar("_Referenced", DocumentRequest, Flight)


def _interview(state: CaseState, event: Event) -> CaseState:
    return changed(state, stance=event.data["stance"], interviews=state.interviews + 1)


def _location_changed(state: CaseState, event: Event) -> CaseState:
    return changed(state, location=event.data["kind"], location_since=event.local_date)


def _pending(state: CaseState, pending: tuple[PendingProcedure, ...]) -> CaseState:
    return changed(
        state,
        pending=pending,
        pending_procedures=tuple([p.reference for p in pending]),
        suspensive_pending=tuple([p.reference for p in pending if p.suspensive]),
    )


def _procedure_started(state: CaseState, event: Event, pairs: Pairs | None) -> CaseState:
    decision = pairs[event.seq].decision if pairs is not None and event.seq in pairs else None
    if decision is not None and decision.sort_key < event.sort_key:  # the format allows it
        return state  # decided before it started: never pending
    data = event.data
    started = PendingProcedure(
        data["reference"], data["kind"], bool(data["suspensive"]), event.local_date, event.seq
    )
    return _pending(state, (*state.pending, started))


def _procedure_decided(state: CaseState, event: Event, pairs: Pairs | None) -> CaseState:
    """With `pairs`, the decision decides the start procedures.py pairs it with (by receipt
    order, over all the events given to the fold). Without, it decides the latest pending start
    of its reference received before it: the same when a valid history is folded in receipt
    order (a pending reference cannot be started again)."""
    if pairs is not None:
        procedure = pairs.get(event.seq)
        start = procedure.start.seq if procedure else None
    else:
        starts = [p.seq for p in state.pending if p.reference == event.data["reference"]]
        start = max((s for s in starts if s < event.seq), default=None)
    state = changed(state, decisions=state.decisions + 1)
    if start is None:
        return state
    return _pending(state, tuple([p for p in state.pending if p.seq != start]))


def _return_decision(state: CaseState, event: Event) -> CaseState:
    term = event.data["departure_term_days"]
    return changed(state, return_decision_on=event.local_date, departure_term_days=term)


def _without(items: tuple[_Referenced, ...], reference: str) -> tuple[_Referenced, ...]:
    """`items` less the first with `reference`; all of them when none has it (an answer or a
    cancellation dated before what it refers to leaves that open)."""
    for i, item in enumerate(items):
        if item[0] == reference:
            return items[:i] + items[i + 1 :]
    return items


def _requests(state: CaseState, requests: tuple[DocumentRequest, ...]) -> CaseState:
    references = tuple([r.reference for r in requests])
    return changed(state, requests=requests, open_document_requests=references)


def _document_requested(state: CaseState, event: Event) -> CaseState:
    request = DocumentRequest(event.data["reference"], event.data["kind"], event.local_date)
    state = changed(state, document_requests=state.document_requests + 1)
    return _requests(state, (*state.requests, request))


def _document_answered(state: CaseState, event: Event) -> CaseState:
    if event.data["result"] == "confirmed" and not state.nationality_confirmed:
        state = changed(state, nationality_confirmed=True)
    return _requests(state, _without(state.requests, event.data["reference"]))


def _travel_document_valid(state: CaseState, event: Event) -> CaseState:
    return changed(
        state,
        travel_document_kind=event.data.get("kind"),
        travel_document_valid_until=date.fromisoformat(event.data["valid_until"]),
        travel_document_reported_on=event.local_date,
    )


def _detention_started(state: CaseState, event: Event) -> CaseState:
    return changed(
        state, in_detention=True, detained_since=event.local_date,
        detention_ground=event.data.get("ground"), released_on=None, release_reason=None,
    )  # fmt: skip


def _detention_ended(state: CaseState, event: Event) -> CaseState:
    return changed(
        state, in_detention=False, detained_since=None, detention_ground=None,
        released_on=event.local_date, release_reason=event.data.get("reason"),
    )  # fmt: skip


def _dublin(stage: str) -> Callable[[CaseState, Event], CaseState]:
    def handler(state: CaseState, event: Event) -> CaseState:
        member_state = event.data["member_state"]
        state = changed(
            state, dublin_stage=stage, dublin_stage_member_state=member_state,
            dublin_stage_on=event.local_date,
        )  # fmt: skip
        return changed(state, dublin_member_state=member_state) if stage == "accepted" else state

    return handler


def _flights(state: CaseState, flights: tuple[Flight, ...]) -> CaseState:
    return changed(state, flights=flights, booked_flights=tuple([f.reference for f in flights]))


def _flight_booked(state: CaseState, event: Event) -> CaseState:
    data = event.data
    booked = Flight(data["reference"], date.fromisoformat(data["date"]), data["escort"])
    return _flights(state, (*state.flights, booked))


def _flight_cancelled(state: CaseState, event: Event) -> CaseState:
    return _flights(state, _without(state.flights, event.data["reference"]))


def _support_granted(state: CaseState, event: Event) -> CaseState:
    return changed(state, support=(*state.support, event.data["kind"]))


def _closed(state: CaseState, event: Event) -> CaseState:
    data = event.data
    return changed(
        state, closed_by=event.type, closing_category=event.category,
        closed_at=event.occurred_at, dublin_transfer=bool(data.get("dublin_transfer", False)),
        destination=data.get("destination"),
    )  # fmt: skip


HANDLERS: Mapping[str, Callable[[CaseState, Event], CaseState]] = {
    EventType.INTERVIEW: _interview,
    EventType.LOCATION_CHANGED: _location_changed,
    EventType.RETURN_DECISION: _return_decision,
    EventType.DOCUMENT_REQUESTED: _document_requested,
    EventType.DOCUMENT_ANSWERED: _document_answered,
    EventType.TRAVEL_DOCUMENT_VALID: _travel_document_valid,
    EventType.DETENTION_STARTED: _detention_started,
    EventType.DETENTION_ENDED: _detention_ended,
    EventType.DUBLIN_CLAIM: _dublin("claimed"),
    EventType.DUBLIN_ACCEPTED: _dublin("accepted"),
    EventType.DUBLIN_REFUSED: _dublin("refused"),
    EventType.FLIGHT_BOOKED: _flight_booked,
    EventType.FLIGHT_CANCELLED: _flight_cancelled,
    EventType.SUPPORT_GRANTED: _support_granted,
    **dict.fromkeys(CLOSING_TYPES, _closed),
}
#: The handlers that pair a decision with its start.
PAIRED: Mapping[str, Callable[[CaseState, Event, Pairs | None], CaseState]] = {
    EventType.PROCEDURE_STARTED: _procedure_started,
    EventType.PROCEDURE_DECIDED: _procedure_decided,
}


def evolve(state: CaseState, event: Event, pairs: Pairs | None = None) -> CaseState:
    """The state of the case after `event`, its next event in history order. `pairs`
    (`decision_pairs` of the case's events) pairs each decision with its start by receipt
    order; see `_procedure_decided` for folding without it."""
    handler = HANDLERS.get(event.type)
    if handler is not None:
        return handler(state, event)
    paired = PAIRED.get(event.type)
    if paired is None:
        raise ValueError(f"{event.type} does not change a case (an intake opens one)")
    return paired(state, event, pairs)


def fold(state: CaseState, events: Iterable[Event], pairs: Pairs | None = None) -> CaseState:
    """`evolve` over `events` in turn: the same as
    `functools.reduce(lambda s, e: evolve(s, e, pairs), events, state)`, copying once."""
    draft: CaseState = Draft.of(state)
    for event in events:
        draft = evolve(draft, event, pairs)
    return Draft.done(draft)
