"""Corrections by a case director (EVENTS.md v1.1): withdraw an event the agency recorded, or
withdraw it and record the corrected fact in the same transaction.

What the pages call. The retraction is a v1.1 `retracted` event of source DTENV (the agency's
own events are the ones a director may withdraw; a partner withdraws its own through the API),
judged and stored by the same store path as everything else, with the user as its recorder and
the access-log row in the same transaction: a change is never stored without its author.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.chain_events.parse import EventFormatError, parse_line
from terugkeer.chain_events.schema import RetractedData
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.messages import say
from terugkeer.domain.permissions import Role
from terugkeer.services.cases import Access
from terugkeer.services.errors import ServiceError
from terugkeer.services.recording import RecordRejectedError, recorded_line
from terugkeer.services.users import User
from terugkeer.store.access_log import record
from terugkeer.store.event_store import Appended, Outcome
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
    system: System, user: User, v_number: str, event_id: str, reason: str, *, origin: str
) -> None:
    """Withdraw the agency's event `event_id` of `v_number`; the caller checked the scope.
    Raises RecordRejectedError (nothing stored) with the store's reason when it cannot go."""
    _store(system, user, v_number, [_retraction(system, v_number, event_id, reason)], origin)


def correct(
    system: System,
    user: User,
    v_number: str,
    event_id: str,
    reason: str,
    event_type: str,
    *,
    day: str,
    at: str,
    values: Mapping[str, str],
    origin: str,
) -> None:
    """Withdraw `event_id` and record the corrected fact (a form's values, as `record_work`
    takes them) in one transaction: both are stored or neither."""
    fact = recorded_line(system, v_number, event_type, day=day, at=at, values=values)
    batch = [_retraction(system, v_number, event_id, reason), fact]
    _store(system, user, v_number, batch, origin, also=f"case.record.{event_type}")


def _retraction(system: System, v_number: str, event_id: str, reason: str) -> ParsedLine:
    now = system.clock().astimezone(AMSTERDAM).isoformat(timespec="seconds")
    text = json.dumps({
        "id": f"dtenv-{uuid.uuid4().hex}", "type": "retracted", "v_number": v_number,
        "occurred_at": now, "source": "DTENV", "data": {"event_id": event_id, "reason": reason},
    })  # fmt: skip
    try:
        return parse_line(text, received_at=system.clock())
    except EventFormatError as error:
        raise RecordRejectedError(error.sentence, "reason") from None


def _store(
    system: System,
    user: User,
    v_number: str,
    batch: list[ParsedLine],
    origin: str,
    also: str | None = None,
) -> None:
    def log(connection: Connection, _: list[Appended]) -> None:
        """Only called when the whole batch is stored: the change and its author together."""
        for action in ("case.withdraw", *([also] if also else [])):
            record(connection, Access(user.name, "web", action, origin, v_number), system.clock())

    outcomes = system.store.append(batch, actor=user.name, whole=True, also=log)
    refused = [o for o in outcomes if o.outcome is Outcome.REJECTED]
    if refused:
        raise RecordRejectedError(refused[0].why or say("rejected"), None)
