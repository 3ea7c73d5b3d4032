"""The state of a case at any moment: a fold over its events up to that instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from terugkeer.domain.calendar import to_micros
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.procedures import decision_pairs


@dataclass(frozen=True)
class CaseState:
    """What was known about a case at `at` (events with occurred_at ≤ `at`, in history order)."""

    v_number: str
    opened_at: datetime
    at: datetime
    nationality: str
    track: str
    unaccompanied_minor: bool = False
    family: str | None = None
    closed_by: str | None = None  # departed / absconded / exit_without_departure
    closing_category: str | None = None  # mode or reason of the closing event
    stance: str | None = None  # cooperating / not_cooperating (latest interview)
    interviews: int = 0
    location: str | None = None  # latest location_changed kind
    in_detention: bool = False
    return_decision_on: date | None = None
    departure_term_days: int | None = None
    pending_procedures: tuple[str, ...] = ()  # references started and not decided
    suspensive_pending: tuple[str, ...] = ()
    decisions: int = 0
    travel_document_valid_until: date | None = None
    open_document_requests: tuple[str, ...] = ()
    nationality_confirmed: bool = False
    dublin_member_state: str | None = None  # of the latest accepted claim
    booked_flights: tuple[str, ...] = ()  # references booked and not cancelled
    support: tuple[str, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.closed_by is None

    @property
    def available(self) -> bool:
        """Whereabouts known (beschikbaar): a location is recorded and it is not `unknown`."""
        return self.location is not None and self.location != "unknown"


def case_state(case_events: Sequence[Event], at: datetime) -> CaseState:
    """Fold the events of one case (history order, intake first) that occurred by `at`."""
    intake = case_events[0]
    cutoff = to_micros(at)
    if cutoff < intake.micros:
        raise ValueError(f"the case was opened at {intake.occurred_at.isoformat()}, after {at}")
    state: dict[str, object] = {}
    pairs = decision_pairs(case_events)  # a reference may be started again once decided
    started: dict[int, tuple[str, bool]] = {}  # pending start seq → reference, suspensive
    requests: list[str] = []
    flights: list[str] = []
    support: list[str] = []
    interviews = decisions = 0
    for event in case_events:
        if event.micros > cutoff:
            break
        data, kind = event.data, event.type
        if kind == EventType.INTERVIEW:
            interviews += 1
            state["stance"] = data["stance"]
        elif kind == EventType.LOCATION_CHANGED:
            state["location"] = data["kind"]
        elif kind == EventType.PROCEDURE_STARTED:
            decision = pairs[event.seq].decision
            if decision is None or decision.sort_key > event.sort_key:  # may be dated before
                started[event.seq] = (data["reference"], bool(data["suspensive"]))
        elif kind == EventType.PROCEDURE_DECIDED:
            decisions += 1
            if event.seq in pairs:
                started.pop(pairs[event.seq].start.seq, None)
        elif kind == EventType.RETURN_DECISION:
            state["return_decision_on"] = event.local_date
            state["departure_term_days"] = data["departure_term_days"]
        elif kind == EventType.DOCUMENT_REQUESTED:
            requests.append(data["reference"])
        elif kind == EventType.DOCUMENT_ANSWERED:
            if data["reference"] in requests:
                requests.remove(data["reference"])
            state["nationality_confirmed"] = state.get("nationality_confirmed") or (
                data["result"] == "confirmed"
            )
        elif kind == EventType.TRAVEL_DOCUMENT_VALID:
            state["travel_document_valid_until"] = date.fromisoformat(data["valid_until"])
        elif kind in (EventType.DETENTION_STARTED, EventType.DETENTION_ENDED):
            state["in_detention"] = kind == EventType.DETENTION_STARTED
        elif kind == EventType.DUBLIN_ACCEPTED:
            state["dublin_member_state"] = data["member_state"]
        elif kind == EventType.FLIGHT_BOOKED:
            flights.append(data["reference"])
        elif kind == EventType.FLIGHT_CANCELLED and data["reference"] in flights:
            flights.remove(data["reference"])
        elif kind == EventType.SUPPORT_GRANTED:
            support.append(data["kind"])
        elif event.is_closing:
            state["closed_by"] = kind
            state["closing_category"] = event.category
    return CaseState(
        v_number=intake.v_number,
        opened_at=intake.occurred_at,
        at=at,
        nationality=intake.data["nationality"],
        track=intake.data["track"],
        unaccompanied_minor=bool(intake.data.get("unaccompanied_minor", False)),
        family=intake.data.get("family"),
        interviews=interviews,
        decisions=decisions,
        pending_procedures=tuple(ref for ref, _ in started.values()),
        suspensive_pending=tuple(ref for ref, suspensive in started.values() if suspensive),
        open_document_requests=tuple(requests),
        booked_flights=tuple(flights),
        support=tuple(support),
        **state,  # type: ignore[arg-type]
    )
