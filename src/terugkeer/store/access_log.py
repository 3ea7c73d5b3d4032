"""The access log: who read or changed which case, when, through which channel. Append-only.

Distinct from `audit verify` (the integrity of the events): this answers the privacy officer's
"who looked at this person?" (AVG art. 5(2), BIO logging). It holds a V-number by necessity and
is itself personal data; it never holds event contents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from terugkeer.store.tables import access_log


@dataclass(frozen=True, slots=True)
class Access:
    actor: str  # a user name, a partner name, or an operating-system user on the CLI
    channel: str  # cli | web | api
    action: str  # e.g. case.read
    origin: str  # where from: a host name or a client address
    v_number: str | None = None
    detail: str | None = None  # an API call: its status and counts (no event contents)


def record_all(connection: Connection, accesses: list[Access], at: datetime) -> None:
    """Several rows at one moment, in one statement (an intake call's persons and
    rejections)."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    connection.execute(insert(access_log), [
        {"at": stamp, "actor": a.actor, "channel": a.channel, "action": a.action,
         "origin": a.origin, "v_number": a.v_number, "detail": a.detail}
        for a in accesses])  # fmt: skip


def record(connection: Connection, access: Access, at: datetime) -> None:
    connection.execute(
        insert(access_log).values(
            at=at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            actor=access.actor,
            channel=access.channel,
            action=access.action,
            origin=access.origin,
            v_number=access.v_number,
            detail=access.detail,
        )
    )
