"""Recording a case director's work: a form's values become a v1 chain event (source DTENV,
the user as its recorder) that goes through the same validation and the same store path as
a partner's file; a rejection names the field and says why, and stores nothing.

One submission is stored at most once: the form carries a submission key made when it was
shown, and the events' ids are made from it, so a double click, a back-and-resubmit or a retry
after a time-out meets the store's (source, id) idempotency and finds the first result."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin, get_type_hints

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.chain_events.parse import EventFormatError, parse_line
from terugkeer.chain_events.schema import DATA_SCHEMAS
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.messages import Code, FieldPath, Message, say
from terugkeer.domain.provenance import own_event_id
from terugkeer.monitoring.metrics import count_intake
from terugkeer.services.cases import Access
from terugkeer.services.errors import ServiceError
from terugkeer.services.plausibility import doubts, fingerprint
from terugkeer.services.references import PICKED, case_now
from terugkeer.services.typed import TypedValueError, typed_amount, typed_day, typed_time
from terugkeer.services.users import User
from terugkeer.store.access_log import record
from terugkeer.store.event_store import Appended, Outcome
from terugkeer.store.submissions import stored_seq

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
_KEY = re.compile(r"[0-9a-f]{32}")

FieldKind = Literal["choice", "reference", "text", "date", "country", "number", "flag"]


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
        elif name == "reference" and event_type in PICKED:
            fields.append(FormField(name, "reference", name in required))
        else:
            fields.append(FormField(name, "text", name in required))
    return fields


class RecordRejectedError(ServiceError):
    """The form's event was not stored. `errors`: why, per form field ("day", "at", a data
    field, "reason"); `sentence` and `field` are the first of them (`field` None: the entry
    as a whole, `errors` then empty). `message` is `sentence` in English."""

    def __init__(
        self, sentence: Message, field: str | None, errors: Mapping[str, Message] | None = None
    ) -> None:
        super().__init__(str(sentence))
        self.sentence = sentence
        self.message = str(sentence)
        self.field = field
        self.errors: dict[str, Message] = dict(errors or ({field: sentence} if field else {}))


class UnconfirmedError(ServiceError):
    """The entry is valid but unlikely: stored only once the user confirms these `doubts`
    (the form sends `confirmation` back with it)."""

    def __init__(self, found: list[Message]) -> None:
        super().__init__("; ".join(str(message) for message in found))
        self.doubts = found
        self.confirmation = fingerprint(found)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a submission came to: the receipt seq of its (first) event, of `v_number`.
    `again`: "" newly stored; "same" this submission was stored before; "changed" it was
    stored before with other values, and these were not stored."""

    seq: int
    v_number: str
    again: Literal["", "same", "changed"] = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A submitted form: its values as typed, its submission key, the page's language."""

    values: Mapping[str, str]
    key: str = field(default_factory=lambda: new_key())
    language: str = "nl"

    @property
    def confirmed(self) -> str:
        return self.values.get("confirmation", "")


def new_key() -> str:
    """A submission key, made when a form is shown."""
    return uuid.uuid4().hex


def submission_key(raw: str | None) -> str:
    """The form's key as sent; a fresh one for a form without a (well-formed) key."""
    return raw if raw is not None and _KEY.fullmatch(raw) else new_key()


def own_id(system: System, key: str) -> str:
    """The id of an event the agency records (a form, a retraction): one function, so that
    what a page records in the demo is demo data like the rest of its store."""
    return own_event_id(key, system.store.holds_synthetic())


def _problems(event_type: str, form: Form) -> tuple[dict[str, Any], str, dict[str, Message]]:
    """The data, occurred_at and every field's problem, read from the form as typed."""
    data: dict[str, Any] = {}
    errors: dict[str, Message] = {}
    for each in form_fields(event_type):
        raw = form.values.get(each.name, "").strip()
        if each.kind == "flag":
            data[each.name] = raw in ("on", "true", "1")
            continue
        if not raw:
            if each.required:
                errors[each.name] = (
                    say("choose %(field)s", field=FieldPath(f"data.{each.name}"))
                    if each.kind in ("choice", "reference")
                    else say("%(field)s is required", field=FieldPath(f"data.{each.name}"))
                )
            continue
        try:
            data[each.name] = _value(each, raw, form.language)
        except TypedValueError as error:
            errors[each.name] = error.sentence
    occurred_at = ""
    try:
        day = typed_day(form.values.get("day", ""))
    except TypedValueError as error:
        errors["day"] = error.sentence
    try:
        at = typed_time(form.values.get("at", "") or "12:00")
    except TypedValueError as error:
        errors["at"] = error.sentence
    if "day" not in errors and "at" not in errors:
        moment = datetime.combine(day, at).replace(tzinfo=AMSTERDAM)
        occurred_at = moment.isoformat(timespec="minutes")
    return data, occurred_at, errors


def _value(each: FormField, raw: str, language: str) -> object:
    if each.kind == "number":
        return float(typed_amount(raw, language))
    if each.kind == "date":
        return typed_day(raw).isoformat()
    return raw.upper() if each.kind == "country" else raw


def _field_of(sentence: Message) -> str | None:
    paths = (value for _, value in sentence.values if isinstance(value, FieldPath))
    name = next((path.name for path in paths), None)
    return "day" if name == "occurred_at" else name


def _line(system: System, event_id: str, v_number: str, event_type: str, occurred_at: str,
          data: dict[str, Any]) -> ParsedLine:  # fmt: skip
    text = json.dumps({
        "id": event_id, "type": event_type, "v_number": v_number,
        "occurred_at": occurred_at, "source": "DTENV", "data": data,
    })  # fmt: skip
    try:
        return parse_line(text, received_at=system.clock())
    except EventFormatError as error:
        raise RecordRejectedError(error.sentence, _field_of(error.sentence)) from None


def recorded_lines(
    system: System, v_numbers: Sequence[str], event_type: str, form: Form, *, part: str = ""
) -> list[ParsedLine]:
    """The v1 lines a form's values make, one per person (not yet stored); their ids are made
    from the form's key (and `part`, and the member's place when there are several)."""
    if event_type not in RECORDABLE:
        raise RecordRejectedError(
            say("%(type)s is not recorded through the pages", type=Code(event_type)), None
        )
    data, occurred_at, errors = _problems(event_type, form)
    if errors:
        first = next(iter(errors))
        raise RecordRejectedError(errors[first], first, errors)
    ids = event_ids(system, form.key, len(v_numbers), part)
    return [
        _line(system, i, v, event_type, occurred_at, data)
        for i, v in zip(ids, v_numbers, strict=True)
    ]


def event_ids(system: System, key: str, people: int, part: str = "") -> list[str]:
    base = f"{key}{part}"
    if people == 1:
        return [own_id(system, base)]
    return [own_id(system, f"{base}-{index}") for index in range(people)]


def earlier(system: System, event_id: str) -> tuple[int, str] | None:
    """The receipt seq and V-number of the agency's event `event_id`, when it is stored."""
    with system.engine.connect() as connection:
        return stored_seq(connection, "DTENV", event_id)


def record_work(
    system: System,
    user: User,
    v_numbers: Sequence[str],
    event_type: str,
    form: Form,
    *,
    today: date,
    origin: str,
) -> Recorded:
    """Record one event of `event_type` for each of `v_numbers` (a person, or every member of
    a family) in one transaction: all are stored or none. The caller checked the scope.
    Raises RecordRejectedError (why, per field), or UnconfirmedError for an unlikely entry
    the form has not confirmed."""
    first_id = event_ids(system, form.key, len(v_numbers))[0]
    if (before := earlier(system, first_id)) is not None:  # a repeat: never stored twice
        try:
            batch = recorded_lines(system, v_numbers, event_type, form)
        except RecordRejectedError:
            return Recorded(*before, again="changed")
    else:
        batch = recorded_lines(system, v_numbers, event_type, form)
        found: list[Message] = []
        for v_number, line in zip(v_numbers, batch, strict=True):
            now = case_now(system, v_number)
            found += [m for m in doubts(now, event_type, line.event.data, today) if m not in found]
        if found and form.confirmed != fingerprint(found):
            raise UnconfirmedError(found)
    actions = [f"case.record.{event_type}"]
    return store_batch(system, user, batch, actions, origin)


def store_batch(
    system: System,
    user: User,
    batch: list[ParsedLine],
    actions: list[str],
    origin: str,
    *,
    shown: int = 0,
) -> Recorded:
    """Store `batch` whole, with the access-log rows `actions` per person in the same
    transaction (a change is never stored without its author). The result names the
    batch's event `shown` (a correction: its new fact), stored now or by an earlier repeat."""
    named = batch[shown].event

    def log(connection: Connection, outcomes: list[Appended]) -> None:
        if not any(o.outcome is Outcome.ACCEPTED for o in outcomes):
            return  # a repeat: logged the first time
        for v_number in dict.fromkeys(line.event.v_number for line in batch):
            for action in actions:
                access = Access(user.name, "web", action, origin, v_number)
                record(connection, access, system.clock())

    outcomes = system.store.append(batch, actor=user.name, whole=True, also=log)
    count_intake("page", (o.outcome.value for o in outcomes))
    stored = earlier(system, named.id)
    refused = [o for o in outcomes if o.outcome is Outcome.REJECTED]
    if refused and stored is None:
        why = refused[0].why or say("rejected")
        raise RecordRejectedError(why, _field_of(why))
    if stored is None:  # retention pseudonymised the id since: the repeat still is one
        raise RecordRejectedError(say("this form was recorded before"), None)
    # A repeat: `named` was stored before, with these values (known) or others (a conflict).
    outcome = outcomes[shown].outcome
    if outcome is Outcome.REJECTED:
        return Recorded(*stored, again="changed")
    return Recorded(*stored, again="same" if outcome is Outcome.KNOWN else "")
