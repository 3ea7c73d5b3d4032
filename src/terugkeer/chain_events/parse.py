"""One line of the v1 exchange format in, one validated `Event` (or one reason) out."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import ValidationError

from terugkeer.chain_events.fast import fast_parse
from terugkeer.chain_events.jsonline import JsonLineError, canonical, load_object
from terugkeer.chain_events.messages import first_problem
from terugkeer.chain_events.schema import (
    DATA_ADAPTERS,
    DATA_SCHEMAS,
    ENVELOPE,
    ONE_DAY,
    Envelope,
)
from terugkeer.domain.events import Event
from terugkeer.domain.messages import Message

_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
# The adapters' core validators, called directly: the TypeAdapter wrapper costs 0.3 µs a call.
_ENVELOPE = ENVELOPE.validator.validate_python
_DATA = {name: adapter.validator.validate_python for name, adapter in DATA_ADAPTERS.items()}


class EventFormatError(ValueError):
    """A line that is not a valid v1 event. `message` is one sentence without a line number
    (`sentence` the same, for a page to translate); `event_id` is the line's `id` when it is
    readable (a valid id), else None."""

    def __init__(self, sentence: Message | str, event_id: str | None = None) -> None:
        super().__init__(str(sentence))
        self.sentence = sentence if isinstance(sentence, Message) else Message(sentence)
        self.message = str(sentence)
        self.event_id = event_id


class ParsedLine(NamedTuple):  # built per event: a tuple is made in half the time
    event: Event
    #: The whole line object as compact JSON with sorted keys: equal for equal content.
    canonical: str
    #: `event.data` in the same form (the inside of `canonical`), kept so that the store's
    #: pseudonymous form reuses it; "" when not known (then the store encodes it itself).
    data_json: str = ""


def parse_line(text: str, *, received_at: datetime) -> ParsedLine:
    """Validate one line; `occurred_at` may be at most 24 hours after the aware `received_at`.
    The usual line takes the fast path (fast.py); any other, the strict one."""
    if received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    found = fast_parse(text, received_at + ONE_DAY)
    if found is None:
        return parse_line_strict(text, received_at=received_at)
    event = Event(
        found.event_id, found.type, found.v_number, found.moment, found.source, found.data
    )
    data_json = canonical(found.data)
    body = _body(found.event_id, found.type, found.v_number, found.occurred_at, found.source,
                 data_json)  # fmt: skip
    return ParsedLine(event, body, data_json)


def parse_line_strict(text: str, *, received_at: datetime) -> ParsedLine:
    """`parse_line` without the fast path: strict JSON, the pydantic schemas, one sentence for
    the first problem."""
    if received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    try:
        obj = load_object(text)
    except JsonLineError as exc:
        raise EventFormatError(exc.message, _id_of_rejected_json(text)) from None
    try:
        envelope = _ENVELOPE(obj, context={"latest": received_at + ONE_DAY})
    except ValidationError as exc:
        raise EventFormatError(first_problem(exc, Envelope), _readable_id(obj)) from None
    event_id, type_name, data = obj["id"], obj["type"], obj["data"]
    try:
        _DATA[type_name](data)
    except ValidationError as exc:
        message = first_problem(exc, DATA_SCHEMAS[type_name], type_name=type_name)
        raise EventFormatError(message, event_id) from None
    # Every string left in obj passed a strict str check, so no lone surrogate reaches canonical.
    event = Event(
        id=event_id,
        type=type_name,
        v_number=obj["v_number"],
        occurred_at=envelope["occurred_at"],
        source=obj["source"],
        data=data,
    )
    data_json = canonical(data)
    body = _body(event_id, type_name, obj["v_number"], obj["occurred_at"], obj["source"],
                 data_json)  # fmt: skip
    return ParsedLine(event, body, data_json)


def _body(event_id: str, type_name: str, v_number: str, occurred_at: str, source: str,
          data_json: str) -> str:  # fmt: skip
    """= canonical(line) for a valid line, from its data's canonical JSON: every other value
    passed a check that leaves nothing to escape (the id's pattern, the v_number's digits, the
    occurred_at's shape, the source's and type's names), and the keys sort in this order."""
    return (
        f'{{"data":{data_json},"id":"{event_id}","occurred_at":"{occurred_at}",'
        f'"source":"{source}","type":"{type_name}","v_number":"{v_number}"}}'
    )


def _id_of_rejected_json(text: str) -> str | None:
    """The id of a line that is JSON but not strict JSON (a duplicate key, NaN), so that the
    sender can find the line; None when even a lenient parse fails."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _readable_id(obj) if isinstance(obj, dict) else None


def _readable_id(obj: dict[str, Any]) -> str | None:
    value = obj.get("id")
    return value if isinstance(value, str) and _ID.fullmatch(value) else None
