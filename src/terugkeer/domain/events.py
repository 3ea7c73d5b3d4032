"""Chain events as the domain sees them: facts reported about a person, past tense.

The v1 exchange format (EVENTS.md) is parsed and validated at the edge (`terugkeer.chain_events`);
what reaches the domain is an `Event` whose `data` has already passed that validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from terugkeer.domain.calendar import local_date, to_micros


class EventType(StrEnum):
    INTAKE = "intake"
    INTERVIEW = "interview"
    LOCATION_CHANGED = "location_changed"
    PROCEDURE_STARTED = "procedure_started"
    PROCEDURE_DECIDED = "procedure_decided"
    RETURN_DECISION = "return_decision"
    DOCUMENT_REQUESTED = "document_requested"
    DOCUMENT_ANSWERED = "document_answered"
    TRAVEL_DOCUMENT_VALID = "travel_document_valid"
    DETENTION_STARTED = "detention_started"
    DETENTION_ENDED = "detention_ended"
    DUBLIN_CLAIM = "dublin_claim"
    DUBLIN_ACCEPTED = "dublin_accepted"
    DUBLIN_REFUSED = "dublin_refused"
    SUPPORT_GRANTED = "support_granted"
    FLIGHT_BOOKED = "flight_booked"
    FLIGHT_CANCELLED = "flight_cancelled"
    DEPARTED = "departed"
    ABSCONDED = "absconded"
    EXIT_WITHOUT_DEPARTURE = "exit_without_departure"
    #: v1.1: withdraws an earlier event of the same sender and person (EVENTS.md, Corrections).
    RETRACTED = "retracted"


#: Events that close a case (departure procedure).
CLOSING_TYPES: frozenset[str] = frozenset(
    {EventType.DEPARTED, EventType.ABSCONDED, EventType.EXIT_WITHOUT_DEPARTURE}
)

#: Event types whose `data.reference` must point to an earlier-received event of the same person,
#: mapped to the type they refer to.
REFERRING_TYPES: Mapping[str, str] = {
    EventType.PROCEDURE_DECIDED: EventType.PROCEDURE_STARTED,
    EventType.DOCUMENT_ANSWERED: EventType.DOCUMENT_REQUESTED,
    EventType.FLIGHT_CANCELLED: EventType.FLIGHT_BOOKED,
}

#: The data field that best characterises an event of each type (stored in its own column so that
#: reports can aggregate without parsing JSON).
CATEGORY_FIELD: Mapping[str, str] = {
    EventType.INTAKE: "track",
    EventType.INTERVIEW: "stance",
    EventType.LOCATION_CHANGED: "kind",
    EventType.PROCEDURE_STARTED: "kind",
    EventType.PROCEDURE_DECIDED: "outcome",
    EventType.DOCUMENT_REQUESTED: "kind",
    EventType.DOCUMENT_ANSWERED: "result",
    EventType.TRAVEL_DOCUMENT_VALID: "kind",
    EventType.DETENTION_ENDED: "reason",
    EventType.DUBLIN_CLAIM: "kind",
    EventType.SUPPORT_GRANTED: "kind",
    EventType.FLIGHT_BOOKED: "escort",
    EventType.FLIGHT_CANCELLED: "reason",
    EventType.DEPARTED: "mode",
    EventType.EXIT_WITHOUT_DEPARTURE: "reason",
    EventType.RETRACTED: "reason",
}


@dataclass(slots=True)
class Event:
    """One accepted fact about a person.

    `occurred_at` is timezone-aware with the offset the sender wrote. `seq` is the receipt order
    (position in the event store); it breaks ties between equal `occurred_at` instants. An event
    not yet stored carries the seq it will get: the event store sets it when it places the
    event (`place`), the one change an event ever sees. Not frozen: a frozen dataclass sets
    each field through object.__setattr__, and the store built every event twice (parsed,
    then placed), which was a tenth of judging (issue 30). Never hashed (its data is a dict).
    """

    id: str
    type: str
    v_number: str
    occurred_at: datetime
    source: str
    data: Mapping[str, Any]
    seq: int = 0
    #: `occurred_at` as microseconds since the Unix epoch (UTC); derived once, compared often.
    micros: int = field(default=-1, repr=False, compare=False)
    #: `local_date`, once asked (the projections and rules ask it several times per event).
    _day: date | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.micros == -1:
            self.micros = to_micros(self.occurred_at)

    def stored_as(self, seq: int) -> Event:
        """The same event with its receipt position in the store."""
        return Event(
            self.id, self.type, self.v_number, self.occurred_at, self.source, self.data, seq,
            self.micros, self._day,
        )  # fmt: skip

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.micros, self.seq)

    @property
    def local_date(self) -> date:
        """The calendar day in Europe/Amsterdam on which the event occurred."""
        day = self._day
        if day is None:
            day = self._day = local_date(self.occurred_at)
        return day

    @property
    def reference(self) -> str | None:
        value = self.data.get("reference")
        return value if isinstance(value, str) else None

    @property
    def category(self) -> str | None:
        field = CATEGORY_FIELD.get(self.type)
        value = self.data.get(field) if field else None
        return value if isinstance(value, str) else None

    @property
    def is_closing(self) -> bool:
        return self.type in CLOSING_TYPES

    @property
    def is_retraction(self) -> bool:
        return self.type == EventType.RETRACTED

    @property
    def named_id(self) -> str | None:
        """The `id` a retraction names (its sender's own earlier event); None after retention,
        which names that event by its seq instead (`named_seq`)."""
        value = self.data.get("event_id")
        return value if isinstance(value, str) else None

    @property
    def named_seq(self) -> int | None:
        """The seq of the event a retraction names, in its pseudonymous (retained) form."""
        value = self.data.get("event_seq")
        return value if isinstance(value, int) else None
