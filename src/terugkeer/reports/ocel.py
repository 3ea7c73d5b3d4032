"""The case history as an object-centric event log (OCEL 2.0, JSON format) for process mining.

Objects: persons, cases, procedures, document requests and flights; each event relates to its
person ("subject"), its case ("in case") and, where it has a reference, the procedure, request or
flight it is about. Pseudonymised by default: a person is a keyed pseudonym (a random key per
export, so two exports cannot be joined and no key can open them), a case, procedure, request or
flight a number within the export, event ids are dropped for a number too, and the data fields
that identify or are free text (birth date or year, sex, family, names, locations, details,
provider, interpreter language, detention ground, references) are left out. What stays —
nationality, exact times, the kind fields — is still personal data about a pseudonymous person
(AVG art. 4(5)): an export is handled as such, not published.

Attribute values are strings, as the published OCEL 2.0 JSON schema requires of them; their
declared types say how to read them back ("integer", "float", "boolean", "time", "string").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from sqlalchemy import Connection, select

from terugkeer.domain.events import EventType
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

#: Data fields a pseudonymised export leaves out: they identify, or are free text.
IDENTIFYING = frozenset({
    "reference", "birth_date", "birth_year", "sex", "family", "name", "location",
    "last_known_location", "detail", "provider", "interpreter_language", "ground",
})  # fmt: skip
#: The object each referenced event is about, and how the event relates to it.
REFERENCED = {
    EventType.PROCEDURE_STARTED: ("procedure", "started"),
    EventType.PROCEDURE_DECIDED: ("procedure", "decided"),
    EventType.DOCUMENT_REQUESTED: ("document_request", "requested"),
    EventType.DOCUMENT_ANSWERED: ("document_request", "answered"),
    EventType.FLIGHT_BOOKED: ("flight", "booked"),
    EventType.FLIGHT_CANCELLED: ("flight", "cancelled"),
}
OBJECT_TYPES = ("person", "case", "procedure", "document_request", "flight")
_EPOCH = "1970-01-01T00:00:00Z"  # the spec's time of an attribute value that never changed


@dataclass
class _Objects:
    """The objects met so far, by their export id, with their attributes and relations."""

    pseudonymous: bool
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[tuple[str, str, str | None], str] = field(default_factory=dict)

    def person(self, v_number: str) -> str:
        if not self.pseudonymous:
            name = f"person:{v_number}"
        else:
            digest = hmac.new(self.key, v_number.encode(), hashlib.sha256).hexdigest()[:16]
            name = f"person:{digest}"
        self.found.setdefault(name, {"id": name, "type": "person", "attributes": [],
                                     "relationships": []})  # fmt: skip
        return name

    def numbered(self, kind: str, owner: str, local: str | None) -> str:
        """The export id of a case (by its intake) or a referenced object (by its reference)."""
        key = (kind, owner, local)
        if key not in self.numbers:
            self.numbers[key] = (
                f"{kind}:{len(self.numbers) + 1}"
                if self.pseudonymous
                else f"{kind}:{owner}:{local}"
            )
        name = self.numbers[key]
        self.found.setdefault(name, {"id": name, "type": kind, "relationships": []})
        return name

    def relate(self, source: str, target: str, qualifier: str) -> None:
        relations = self.found[source]["relationships"]
        if {"objectId": target, "qualifier": qualifier} not in relations:
            relations.append({"objectId": target, "qualifier": qualifier})


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def _utc(micros: int) -> str:
    moment = datetime.fromtimestamp(micros / 1_000_000, UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def write_ocel(
    connection: Connection, out: IO[str], *, since: date, until: date, pseudonymous: bool
) -> tuple[int, int]:
    """Write the OCEL 2.0 JSON of the events that occurred from `since` to `until` (Europe/
    Amsterdam days) to `out`; the numbers of events and objects written. Events are streamed;
    the objects they touch are written after them."""
    objects = _Objects(pseudonymous)
    attribute_types: dict[str, dict[str, str]] = {}
    out.write('{"events": [')
    written = 0
    for event in _events(connection, since, until, objects, attribute_types):
        out.write(("," if written else "") + "\n" + json.dumps(event, ensure_ascii=False))
        written += 1
    out.write('\n], "objects": [')
    for index, found in enumerate(objects.found.values()):
        out.write(("," if index else "") + "\n" + json.dumps(found, ensure_ascii=False))
    event_types = [{"name": name, "attributes": [{"name": a, "type": t} for a, t in sorted(
        kinds.items())]} for name, kinds in sorted(attribute_types.items())]  # fmt: skip
    declared = {"person": "nationality", "case": "track"}
    object_types = [{"name": name, "attributes": [{"name": declared[name], "type": "string"}]
                     if name in declared else []} for name in OBJECT_TYPES]  # fmt: skip
    out.write('\n], "eventTypes": ' + json.dumps(event_types))
    out.write(', "objectTypes": ' + json.dumps(object_types) + "}\n")
    return written, len(objects.found)


def _events(
    connection: Connection,
    since: date,
    until: date,
    objects: _Objects,
    attribute_types: dict[str, dict[str, str]],
) -> Iterator[dict[str, Any]]:
    query = (
        select(events.c.id, events.c.v_number, events.c.case_seq, events.c.occurred_us,
               events.c.body)
        # As if withdrawn events had never been received: neither they nor their retractions.
        .where(events.c.local_date.between(since, until), not_withdrawn(),
               events.c.type != EventType.RETRACTED)
        .order_by(events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    for number, row in enumerate(
        connection.execution_options(stream_results=True).execute(query), 1
    ):
        line = json.loads(row.body)
        kind, data, time = line["type"], line["data"], _utc(row.occurred_us)
        person = objects.person(row.v_number)
        case = objects.numbered("case", row.v_number, str(row.case_seq))
        objects.relate(case, person, "of person")
        relationships = [{"objectId": person, "qualifier": "subject"},
                         {"objectId": case, "qualifier": "in case"}]  # fmt: skip
        if kind in REFERENCED and "reference" in data:
            object_type, qualifier = REFERENCED[kind]
            about = objects.numbered(object_type, row.v_number, data["reference"])
            objects.relate(about, case, "in case")
            relationships.append({"objectId": about, "qualifier": qualifier})
        if kind == EventType.INTAKE:
            for target in (person, case):  # what the intake says of the person and the case
                attributes = objects.found[target].setdefault("attributes", [])
                name = "nationality" if target == person else "track"
                attributes.append({"name": name, "value": data[name],
                                   "time": time if attributes else _EPOCH})  # fmt: skip
        kept = {name: value for name, value in sorted(data.items())
                if not (objects.pseudonymous and name in IDENTIFYING)}  # fmt: skip
        kept["source"] = line["source"]
        types = attribute_types.setdefault(kind, {})
        for name, value in kept.items():
            kind_of = _kind(value)
            if types.setdefault(name, kind_of) == "integer" and kind_of == "float":
                types[name] = "float"  # 250 and 99.5 of one field: numbers with a fraction
        yield {
            "id": f"event:{number}" if objects.pseudonymous else f"event:{row.id}",
            "type": kind,
            "time": time,
            "attributes": [{"name": n, "value": _text(v)} for n, v in kept.items()],
            "relationships": relationships,
        }
