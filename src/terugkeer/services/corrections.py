"""Corrections by a case director (EVENTS.md v1.1): withdraw an event the agency recorded, or
withdraw it and record the corrected fact in the same transaction.

What the pages call. The retraction is a v1.1 `retracted` event of source DTENV (the agency's
own events are the ones a director may withdraw; a partner withdraws its own through the API),
judged and stored by the same store path as everything else, with the user as its recorder and
the access-log row in the same transaction: a change is never stored without its author.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import get_args

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.chain_events.parse import EventFormatError, parse_line
from terugkeer.chain_events.schema import RetractedData
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.messages import FieldPath, Message, say
from terugkeer.domain.permissions import Role
from terugkeer.services.errors import ServiceError
from terugkeer.services.plausibility import doubts, fingerprint
from terugkeer.services.recording import (
    Form,
    Recorded,
    RecordRejectedError,
    UnconfirmedError,
    earlier,
    new_key,
    own_id,
    recorded_lines,
    store_batch,
)
from terugkeer.services.references import case_now
from terugkeer.services.users import User
from terugkeer.store.queries import person_events
from terugkeer.store.workplace import receipts

#: Why an event is withdrawn (the v1.1 `reason`).
REASONS: tuple[str, ...] = get_args(RetractedData.__annotations__["reason"])


class NotWithdrawableError(ServiceError):
    """That entry is not one this user may withdraw (the message says why)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry of the timeline a user may withdraw."""

    seq: int
    event_id: str
    type: str
    occurred_at: datetime
    data: dict[str, object]


def may_withdraw(user: User, source: str, actor: str | None) -> bool:
    """The agency's own entries (DTENV), by the director who recorded them or a team lead of
    the case's team (the caller checked the scope): a partner withdraws its own facts, and a
    colleague's entry is their own or their team lead's to correct."""
    return source == "DTENV" and (actor == user.name or user.role is Role.TEAM_LEAD)


def withdrawable_entry(system: System, user: User, v_number: str, seq: int) -> Entry:
    """Entry `seq` of `v_number`, when `user` may withdraw it now; else NotWithdrawableError."""
    with system.engine.connect() as connection:
        known = person_events(connection, v_number)
        actor = receipts(connection, v_number).get(seq, ("", None))[1]
    event = next((e for e in known if e.seq == seq), None)
    if event is None or event.type == "retracted":
        raise NotWithdrawableError("no such entry on this case's timeline")
    if any(w.event.seq == seq for w in PersonHistory(v_number, known).withdrawals):
        raise NotWithdrawableError("this entry was withdrawn already")
    if not may_withdraw(user, event.source, actor):
        raise NotWithdrawableError(
            "only the agency's own entries, by the director who recorded them or a team lead"
        )
    return Entry(event.seq, event.id, event.type, event.occurred_at, dict(event.data))


def withdraw(
    system: System, user: User, v_number: str, event_id: str, reason: str, *, origin: str,
    key: str | None = None,
) -> Recorded:  # fmt: skip
    """Withdraw the agency's event `event_id` of `v_number`; the caller checked the scope.
    `key`: the form's submission key (a repeat finds the first withdrawal). Raises
    RecordRejectedError (nothing stored) with the store's reason when it cannot go."""
    if reason not in REASONS:
        raise RecordRejectedError(say("choose %(field)s", field=FieldPath("data.reason")), "reason")
    retraction = own_id(system, f"{key or new_key()}-r")
    if (before := earlier(system, retraction)) is not None:
        return Recorded(*before, again="same")
    batch = [_retraction(system, retraction, v_number, event_id, reason)]
    return store_batch(system, user, batch, ["case.withdraw"], origin)


def correct(
    system: System,
    user: User,
    v_number: str,
    event_id: str,
    reason: str,
    event_type: str,
    form: Form,
    *,
    today: date,
    origin: str,
) -> Recorded:
    """Withdraw `event_id` and record the corrected fact (a form's values, as `record_work`
    takes them) in one transaction: both are stored or neither. A repeat of the form (same
    key) stores nothing and names the first correction's fact. Raises RecordRejectedError
    (why, per field: "reason" among them), or UnconfirmedError for an unlikely fact."""
    if (before := earlier(system, own_id(system, form.key))) is not None:  # a repeat
        try:
            [fact] = recorded_lines(system, [v_number], event_type, form)
        except RecordRejectedError:
            return Recorded(*before, again="changed")
        return store_batch(system, user, [fact], [], origin)  # the store says: same or not
    errors: dict[str, Message] = {}
    if reason not in REASONS:
        errors["reason"] = say("choose %(field)s", field=FieldPath("data.reason"))
    try:
        [fact] = recorded_lines(system, [v_number], event_type, form)
    except RecordRejectedError as error:
        if not error.errors:
            raise
        errors.update(error.errors)
    if errors:
        first = next(iter(errors))
        raise RecordRejectedError(errors[first], first, errors)
    found = doubts(case_now(system, v_number), event_type, fact.event.data, today)
    if found and form.confirmed != fingerprint(found):
        raise UnconfirmedError(found)
    retraction = _retraction(system, own_id(system, f"{form.key}-r"), v_number, event_id, reason)
    actions = ["case.withdraw", f"case.record.{event_type}"]
    return store_batch(system, user, [retraction, fact], actions, origin, shown=1)


def _retraction(
    system: System, retraction_id: str, v_number: str, event_id: str, reason: str
) -> ParsedLine:
    now = system.clock().astimezone(AMSTERDAM).isoformat(timespec="seconds")
    text = json.dumps({
        "id": retraction_id, "type": "retracted", "v_number": v_number,
        "occurred_at": now, "source": "DTENV", "data": {"event_id": event_id, "reason": reason},
    })  # fmt: skip
    try:
        return parse_line(text, received_at=system.clock())
    except EventFormatError as error:
        raise RecordRejectedError(error.sentence, "reason") from None
