"""Recording a case director's work: a form's values become a v1 chain event (source DTENV,
the user as its recorder) that goes through the same validation and the same store path as
a partner's file; a rejection names the field and says why, and stores nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal, get_args, get_origin, get_type_hints

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.chain_events.parse import EventFormatError, parse_line
from terugkeer.chain_events.schema import DATA_SCHEMAS
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.messages import Code, FieldPath, Message, say
from terugkeer.services.cases import Access
from terugkeer.services.errors import ServiceError
from terugkeer.services.users import User
from terugkeer.store.access_log import record
from terugkeer.store.engine import writing
from terugkeer.store.event_store import Outcome

#: What a case director reports (issue 9); the rest comes from the chain partners.
RECORDABLE = (
    "interview", "location_changed", "document_requested", "document_answered",
    "travel_document_valid", "flight_booked", "flight_cancelled", "support_granted",
    "departed", "absconded", "exit_without_departure",
)  # fmt: skip
#: What is recorded for a whole family at once (one event per member).
FOR_FAMILIES = ("interview", "location_changed", "flight_booked")
_DATES = {"valid_until", "date"}
_COUNTRIES = {"country", "destination"}

FieldKind = Literal["choice", "text", "date", "country", "number", "flag"]


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    kind: FieldKind
    required: bool
    choices: tuple[str, ...] = ()


def form_fields(event_type: str) -> list[FormField]:
    """The data fields of `event_type`, read from its v1 schema (so the form cannot drift)."""
    schema = DATA_SCHEMAS[event_type]
    hints = get_type_hints(schema, include_extras=True)
    required: frozenset[str] = getattr(schema, "__required_keys__", frozenset())
    fields = []
    for name, hint in hints.items():
        base = hint
        while get_args(base) and get_origin(base) is not Literal:
            base = get_args(base)[0]  # NotRequired[...], Annotated[...]
        if get_origin(base) is Literal:
            fields.append(FormField(name, "choice", name in required, tuple(get_args(base))))
        elif base is bool:
            fields.append(FormField(name, "flag", False))
        elif base in (int, float):
            fields.append(FormField(name, "number", name in required))
        elif name in _DATES:
            fields.append(FormField(name, "date", name in required))
        elif name in _COUNTRIES:
            fields.append(FormField(name, "country", name in required))
        else:
            fields.append(FormField(name, "text", name in required))
    return fields


class RecordRejectedError(ServiceError):
    """The form's event was not stored; `field` is the form field at fault (None: the case).
    `sentence` says why, for the page to translate; `message` is the same in English."""

    def __init__(self, sentence: Message, field: str | None) -> None:
        super().__init__(str(sentence))
        self.sentence = sentence
        self.message = str(sentence)
        self.field = field


def _data(event_type: str, values: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in form_fields(event_type):
        raw = values.get(field.name, "").strip()
        if field.kind == "flag":
            data[field.name] = raw in ("on", "true", "1")
            continue
        if not raw:
            if field.required:
                raise RecordRejectedError(
                    say("%(field)s is required", field=FieldPath(f"data.{field.name}")), field.name
                )
            continue
        if field.kind == "number":
            try:
                data[field.name] = int(raw) if raw.isdigit() else float(raw.replace(",", "."))
            except ValueError:
                raise RecordRejectedError(
                    say("%(field)s must be a number", field=FieldPath(f"data.{field.name}")),
                    field.name,
                ) from None
        else:
            data[field.name] = raw.upper() if field.kind == "country" else raw
    return data


def _occurred_at(day: str, at: str) -> str:
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(at or "12:00"))
    except ValueError:
        raise RecordRejectedError(
            say("%(field)s must be a date and a time", field=FieldPath("occurred_at")),
            "occurred_at",
        ) from None
    return moment.replace(tzinfo=AMSTERDAM).isoformat(timespec="minutes")


def _line(system: System, v_number: str, event_type: str, occurred_at: str,
          data: dict[str, Any]) -> ParsedLine:  # fmt: skip
    text = json.dumps({
        "id": f"dtenv-{uuid.uuid4().hex}", "type": event_type, "v_number": v_number,
        "occurred_at": occurred_at, "source": "DTENV", "data": data,
    })  # fmt: skip
    try:
        return parse_line(text, received_at=system.clock())
    except EventFormatError as error:
        paths = (value for _, value in error.sentence.values if isinstance(value, FieldPath))
        field = next((path.name for path in paths), None)
        raise RecordRejectedError(error.sentence, field) from None


def recorded_line(
    system: System, v_number: str, event_type: str, *, day: str, at: str,
    values: Mapping[str, str],
) -> ParsedLine:  # fmt: skip
    """The v1 line a form's values make for one person (not yet stored)."""
    if event_type not in RECORDABLE:
        raise RecordRejectedError(
            say("%(type)s is not recorded through the pages", type=Code(event_type)), None
        )
    return _line(system, v_number, event_type, _occurred_at(day, at), _data(event_type, values))


def record_work(
    system: System,
    user: User,
    v_numbers: Sequence[str],
    event_type: str,
    *,
    day: str,
    at: str,
    values: Mapping[str, str],
    origin: str,
) -> int:
    """Record one event of `event_type` for each of `v_numbers` (a person, or every member of
    a family) in one transaction: all are stored or none. The caller checked the scope."""
    batch = [recorded_line(system, v, event_type, day=day, at=at, values=values) for v in v_numbers]
    outcomes = system.store.append(batch, actor=user.name, whole=True)
    refused = [o for o in outcomes if o.outcome is Outcome.REJECTED]
    if refused:
        raise RecordRejectedError(refused[0].why or say("rejected"), None)
    with writing(system.engine) as connection:
        for v_number in v_numbers:
            access = Access(user.name, "web", f"case.record.{event_type}", origin, v_number)
            record(connection, access, system.clock())
    return len(batch)
