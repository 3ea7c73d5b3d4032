"""Entries that are valid but unlikely: a flight dated in the past, a travel document that
expired already, a second answer to a request, a flight cancelled twice. The page asks for an
explicit confirmation and says why; it never refuses one (the domain rules decide validity)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

from terugkeer.domain.messages import Message, say
from terugkeer.services.references import CaseNow, references


def doubts(now: CaseNow, event_type: str, data: Mapping[str, object], today: date) -> list[Message]:
    """Why this entry of `event_type` with `data` looks unlikely on the case `now` (the
    case before it is stored), as sentences; empty when nothing does."""
    found: list[Message] = []
    day = _day(data.get("date" if event_type == "flight_booked" else "valid_until"))
    if event_type == "flight_booked" and day is not None and day < today:
        found.append(say("the flight is dated %(day)s, which has passed", day=day))
    if event_type == "travel_document_valid" and day is not None and day < today:
        found.append(say("the travel document expired on %(day)s", day=day))
    reference = data.get("reference")
    closed = {r.value for r in references(now, event_type) if not r.open}
    if event_type == "document_answered" and reference in closed:
        found.append(say("request %(reference)s already has an answer", reference=str(reference)))
    if event_type == "flight_cancelled" and reference in closed:
        found.append(say("flight %(reference)s was cancelled already", reference=str(reference)))
    return found


def fingerprint(found: list[Message]) -> str:
    """What a confirmation confirms: the same doubts (a changed entry asks again)."""
    text = "\n".join(sorted(str(message) for message in found))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
