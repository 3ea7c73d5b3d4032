"""Rows of the events table to and from domain events."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import msgspec

from terugkeer.domain.events import Event

#: One events row as a list of column values in table order (tables.events).
EventRow = list[Any]


#: Stored bodies are read back for every history loaded and every event a projector follows:
#: msgspec decodes them several times faster than json (to the same values: a property test in
#: tests/unit/store/test_codec.py). Anything it declines goes to json, as before.
_decode = msgspec.json.Decoder().decode


def decode_body(body: str) -> Any:
    try:
        return _decode(body)
    except msgspec.DecodeError:
        return json.loads(body)


def event_from_body(seq: int, body: str) -> Event:
    """A stored (already validated) event back as a domain `Event`."""
    line = decode_body(body)
    return Event(
        id=line["id"],
        type=line["type"],
        v_number=line["v_number"],
        occurred_at=datetime.fromisoformat(line["occurred_at"]),
        source=line["source"],
        data=line["data"],
        seq=seq,
    )


def event_row(event: Event, *, case_seq: int, body: str, recorded_at: str) -> EventRow:
    """The stored columns of `event` in table order, without the hash (local_date as ISO text)."""
    return [
        event.seq,
        event.id,
        event.type,
        event.v_number,
        case_seq,
        event.occurred_at.isoformat(),
        event.micros,
        event.local_date.isoformat(),
        event.source,
        event.category,
        column_text(event.reference),
        body,
        recorded_at,
    ]


def column_text(value: str | None) -> str | None:
    """A free-text value as stored in an indexed column: JSON-escaped, which is one-to-one and
    free of control characters (PostgreSQL text cannot hold NUL, which JSON allows)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)[1:-1]


def same_content(stored: str, received: str) -> bool:
    """Equal as parsed JSON: key order and spacing do not matter; 1 and 1.0 are equal numbers,
    but true is not 1 (EVENTS.md: idempotency)."""
    return stored == received or _equal(json.loads(stored), json.loads(received))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return a == b
    return type(a) is type(b) and bool(a == b)
