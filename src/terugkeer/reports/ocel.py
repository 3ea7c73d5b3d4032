"""The case history as an object-centric event log (OCEL 2.0, JSON format) for process mining.

Object types (attributes in reports/ocel_objects.py): person, case, procedure, document request
and flight. Every event relates to its person ("subject") and its case ("in case"); an event
about a procedure, request or flight also to that object ("started", "decided", "requested",
"answered", "booked", "cancelled"), and a `departed` event to the flight that carried it
("flown"; which one: reports/ocel_flights.py). Objects relate a case to its person ("of
person") and a procedure, request or flight to its case ("in case"). What events say of a
person (nationality, location kind, stance) and of a case (track) are object attribute
values, written when they change; the events keep their own data fields as event attributes,
typed (dates are `time`, amounts `float`: reports/ocel_fields.py).

Pseudonymised by default: persons keyed pseudonyms, other objects and events numbered, the
fields that identify or are free text left out (reports/ocel_fields.py). What stays —
nationality, exact times, the kind fields — is still personal data about a pseudonymous person
(AVG art. 4(5)): an export is handled as such, not published.

Withdrawn events are left out as the store's live view does (store/live.py): as if never
received, their retractions too. A withdrawn booking is no flight; a withdrawn departure
carried none. An export `--as-of` a moment before the retraction still holds the event.

A window of days (`since`..`until`) holds the events that occurred in it. A flight booked
before the window that an event in it cancels or departs on is still that flight (its object
carries its date and destination; its booking event is not in the log). Attribute values come
from the events in the window: the first one there is written even if an earlier one was equal.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import Connection, Row, select

from terugkeer.domain.events import EventType
from terugkeer.reports.ocel_fields import SHARED_BY, day_time, kept_fields, ocel_text, ocel_type
from terugkeer.reports.ocel_flights import Booking, Flights
from terugkeer.reports.ocel_objects import EPOCH, OBJECT_TYPES, Objects
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

#: The object an event about a procedure or request is about, and how the event relates to it.
REFERENCED = {
    EventType.PROCEDURE_STARTED: ("procedure", "started"),
    EventType.PROCEDURE_DECIDED: ("procedure", "decided"),
    EventType.DOCUMENT_REQUESTED: ("document_request", "requested"),
    EventType.DOCUMENT_ANSWERED: ("document_request", "answered"),
}
#: What an event says of the procedure or request it starts.
OBJECT_FACTS = {
    EventType.PROCEDURE_STARTED: ("kind",),
    EventType.DOCUMENT_REQUESTED: ("kind", "country"),
}
#: What an event says of its person, and whether the value is the person's from the start.
PERSON_FACTS = {
    EventType.INTAKE: ("nationality", "nationality", True),
    EventType.LOCATION_CHANGED: ("kind", "location", False),
    EventType.INTERVIEW: ("stance", "stance", False),
}
_Row = Row[*tuple[Any, ...]]  # a row of any columns
_FLIGHT_EVENTS = (EventType.FLIGHT_BOOKED, EventType.FLIGHT_CANCELLED)


def write_ocel(
    connection: Connection, out: IO[str], *, since: date, until: date, pseudonymous: bool
) -> tuple[int, int]:
    """Write the OCEL 2.0 JSON of the events that occurred from `since` to `until` (Europe/
    Amsterdam days) to `out`; the numbers of events and objects written. Events are streamed;
    the objects they touch are written after them."""
    providers = _shared_providers(connection, since, until) if pseudonymous else frozenset()
    log = _Log(Objects(pseudonymous), providers)
    for row in _flights_before(connection, since, until):
        log.remember(row)
    out.write('{"events": [')
    written = 0
    for event in _rows(connection, since, until):
        written += 1
        out.write(("," if written > 1 else "") + "\n")
        out.write(json.dumps(log.event(written, event), ensure_ascii=False))
    out.write('\n], "objects": [')
    for index, found in enumerate(log.objects.found.values()):
        out.write(("," if index else "") + "\n" + json.dumps(found, ensure_ascii=False))
    event_types = [{"name": name, "attributes": [{"name": a, "type": t} for a, t in sorted(
        kinds.items())]} for name, kinds in sorted(log.attribute_types.items())]  # fmt: skip
    object_types = [{"name": name, "attributes": [{"name": a, "type": t} for a, t in
                     attributes.items()]} for name, attributes in OBJECT_TYPES.items()]  # fmt: skip
    out.write('\n], "eventTypes": ' + json.dumps(event_types))
    out.write(', "objectTypes": ' + json.dumps(object_types) + "}\n")
    return written, len(log.objects.found)


@dataclass
class _Log:
    """Turns the history's rows, in order, into OCEL events and the objects they touch."""

    objects: Objects
    providers: frozenset[str]
    flights: Flights = field(default_factory=Flights)
    attribute_types: dict[str, dict[str, str]] = field(default_factory=dict)
    order: int = 0

    def remember(self, row: _Row) -> None:
        """A booking or cancellation before the window: known, not written."""
        data = json.loads(row.body)["data"]
        self.order += 1
        if row.type == EventType.FLIGHT_BOOKED:
            self.flights.booked(row.v_number, row.case_seq, data, self.order)
        else:
            self.flights.cancelled(row.v_number, str(data["reference"]))

    def event(self, number: int, row: _Row) -> dict[str, Any]:
        line = json.loads(row.body)
        kind, data, time = line["type"], line["data"], _utc(row.occurred_us)
        self.order += 1
        objects, v_number = self.objects, row.v_number
        person = objects.person(v_number)
        case = self._case(v_number, row.case_seq)
        relationships = [(person, "subject"), (case, "in case")]
        if kind in REFERENCED and "reference" in data:
            object_type, qualifier = REFERENCED[kind]
            about = objects.numbered(object_type, v_number, str(data["reference"]))
            objects.relate(about, case, "in case")
            relationships.append((about, qualifier))
            for name in OBJECT_FACTS.get(kind, ()):
                objects.attribute(about, name, str(data[name]), time, initial=True)
        relationships += [(self._flight(b), q) for b, q in self._flights_of(kind, row, data)]
        if kind in PERSON_FACTS:
            source, name, initial = PERSON_FACTS[kind]
            objects.attribute(person, name, str(data[source]), time, initial=initial)
        if kind == EventType.INTAKE:
            objects.attribute(case, "track", str(data["track"]), time, initial=True)
        kept = kept_fields(data, pseudonymous=objects.pseudonymous, providers=self.providers)
        kept["source"] = line["source"]
        self._declare(kind, kept)
        return {
            "id": f"event:{number}" if objects.pseudonymous else f"event:{row.id}",
            "type": kind,
            "time": time,
            "attributes": [{"name": n, "value": ocel_text(n, v)} for n, v in kept.items()],
            "relationships": [{"objectId": o, "qualifier": q} for o, q in relationships],
        }

    def _flights_of(self, kind: str, row: _Row, data: dict[str, Any]) -> list[tuple[Booking, str]]:
        if kind == EventType.FLIGHT_BOOKED:
            return [(self.flights.booked(row.v_number, row.case_seq, data, self.order), "booked")]
        if kind == EventType.FLIGHT_CANCELLED:
            cancelled = self.flights.cancelled(row.v_number, str(data["reference"]))
            return [(booking, "cancelled") for booking in cancelled]
        if kind == EventType.DEPARTED:
            flown = self.flights.carrier(row.v_number, row.case_seq, row.local_date,
                                         data.get("destination"))  # fmt: skip
            return [] if flown is None else [(flown, "flown")]
        return []

    def _case(self, v_number: str, case_seq: int) -> str:
        case = self.objects.numbered("case", v_number, str(case_seq))
        self.objects.relate(case, self.objects.person(v_number), "of person")
        return case

    def _flight(self, booking: Booking) -> str:
        flight = self.objects.numbered("flight", booking.v_number, booking.local)
        self.objects.relate(flight, self._case(booking.v_number, booking.case_seq), "in case")
        for name, value in (
            ("date", day_time(booking.day.isoformat())),
            ("destination", booking.destination),
            ("escort", booking.escort),
        ):
            self.objects.attribute(flight, name, value, EPOCH, initial=True)  # fmt: skip
        return flight

    def _declare(self, kind: str, kept: dict[str, object]) -> None:
        types = self.attribute_types.setdefault(kind, {})
        for name, value in kept.items():
            kind_of = ocel_type(name, value)
            if types.setdefault(name, kind_of) == "integer" and kind_of == "float":
                types[name] = "float"  # 250 and 99.5 of one field: numbers with a fraction


def _rows(connection: Connection, since: date, until: date) -> Iterator[_Row]:
    query = (
        select(events.c.id, events.c.type, events.c.v_number, events.c.case_seq,
               events.c.occurred_us, events.c.local_date, events.c.body)
        # As if withdrawn events had never been received: neither they nor their retractions.
        .where(events.c.local_date.between(since, until), not_withdrawn(),
               events.c.type != EventType.RETRACTED)
        .order_by(events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    yield from connection.execution_options(stream_results=True).execute(query)


def _flights_before(connection: Connection, since: date, until: date) -> list[_Row]:
    """The bookings and cancellations before the window of the people whose flights an event
    in it cancels or departs on (few: read whole)."""
    touched = select(events.c.v_number).where(
        events.c.type.in_((EventType.DEPARTED, EventType.FLIGHT_CANCELLED)),
        events.c.local_date.between(since, until), not_withdrawn(),
    )  # fmt: skip
    query = (
        select(events.c.type, events.c.v_number, events.c.case_seq, events.c.body)
        .where(events.c.type.in_(_FLIGHT_EVENTS), events.c.local_date < since,
               events.c.v_number.in_(touched), not_withdrawn())
        .order_by(events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    return list(connection.execute(query))


def _shared_providers(connection: Connection, since: date, until: date) -> frozenset[str]:
    """The support providers that at least SHARED_BY people in the window share."""
    query = select(events.c.v_number, events.c.body).where(
        events.c.type == EventType.SUPPORT_GRANTED, events.c.local_date.between(since, until),
        not_withdrawn(),
    )  # fmt: skip
    people: defaultdict[str, set[str]] = defaultdict(set)
    for row in connection.execute(query):
        provider = json.loads(row.body)["data"].get("provider")
        if provider is not None:
            people[str(provider)].add(row.v_number)
    return frozenset(p for p, who in people.items() if len(who) >= SHARED_BY)


def _utc(micros: int) -> str:
    moment = datetime.fromtimestamp(micros / 1_000_000, UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
