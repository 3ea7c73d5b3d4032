"""What a form's reference field offers: the case's own open document requests and booked
flights, picked from a list rather than retyped. Requests that were answered already (and
flights cancelled already) are offered too, marked: the domain accepts a second answer, and
the page asks for a confirmation before storing one (services/plausibility.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from terugkeer.bootstrap import System
from terugkeer.domain.case_facts import CaseState
from terugkeer.domain.events import Event
from terugkeer.domain.messages import Code, Country, Message, say
from terugkeer.domain.state import case_state
from terugkeer.store.queries import person_history

#: The event types whose `reference` names an earlier event, and the type it names.
PICKED = {"document_answered": "document_requested", "flight_cancelled": "flight_booked"}


@dataclass(frozen=True, slots=True)
class Reference:
    value: str
    label: Message  # what the list shows: "lp-1: laissez-passer, requested 3 January 2023"
    open: bool  # False: answered (or cancelled) already


@dataclass(frozen=True, slots=True)
class CaseNow:
    """The latest case of a person, as its events say now (None: no case)."""

    state: CaseState | None
    events: tuple[Event, ...]


def case_now(system: System, v_number: str) -> CaseNow:
    with system.engine.connect() as connection:
        history = person_history(connection, v_number)
    if history is None or not history.cases:
        return CaseNow(None, ())
    case = history.cases[-1]
    return CaseNow(case_state(case.events), tuple(case.events))


def references(now: CaseNow, event_type: str) -> tuple[Reference, ...]:
    """The references `event_type` may name on this case: open ones first, newest first."""
    named = PICKED.get(event_type)
    if named is None or now.state is None:
        return ()
    still = set(now.state.open_document_requests if named == "document_requested"
                else now.state.booked_flights)  # fmt: skip
    found: dict[str, Reference] = {}
    for event in reversed(now.events):
        reference = str(event.data.get("reference", ""))
        if event.type != named or reference in found:
            continue
        found[reference] = Reference(reference, _label(event), reference in still)
    return tuple(sorted(found.values(), key=lambda r: not r.open))


def _label(event: Event) -> Message:
    reference = str(event.data["reference"])
    if event.type == "flight_booked":
        return say("%(reference)s: flight of %(day)s to %(country)s", reference=reference,
                   day=date.fromisoformat(str(event.data["date"])),
                   country=Country(str(event.data["destination"])))  # fmt: skip
    return say("%(reference)s: %(kind)s, requested %(day)s", reference=reference,
               kind=Code(str(event.data["kind"])), day=event.local_date)  # fmt: skip
