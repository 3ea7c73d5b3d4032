"""Partner systems' credentials (issue 10): who may send which events, and read which back.

A partner token belongs to a chain partner: it sends events of its own `source` and listed
types only, and reads back its own events and, for the persons in its reach (shares and
reach rules, services/reach.py), what its agreement lists. An
analyst token sends nothing and reads aggregates only (key figures). A token is 32 random
bytes, shown once and stored as its SHA-256 (a copy of the database lets no one call the
API). `rotate` issues a new token and keeps the old one valid for the configured overlap, so
a partner can switch without a gap; `revoke` ends both at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import get_args

from terugkeer.bootstrap import System
from terugkeer.chain_events.schema import Source, TypeName
from terugkeer.services.errors import ServiceError
from terugkeer.store import partners as rows
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text
from terugkeer.store.webhooks import give_up

SOURCES: tuple[str, ...] = get_args(Source)
#: What an agreement may list. A retraction is not listed: a partner may withdraw its own
#: event when that event's type is among those it may send now (EVENTS.md v1.1).
RETRACTED = "retracted"
TYPES: tuple[str, ...] = tuple(t for t in get_args(TypeName) if t != RETRACTED)
#: What a partner may read back besides event types: the person's case file (cases, case
#: state, removal readiness).
CASE = "case"
PARTNER, ANALYST = "partner", "analyst"


class PartnerError(ServiceError):
    """A partner command that cannot be done as asked (the message says why)."""


@dataclass(frozen=True, slots=True)
class Partner:
    name: str
    kind: str
    source: str | None
    types: frozenset[str]
    reads: frozenset[str]
    revoked: bool

    def may_send(self, source: str, event_type: str) -> str | None:
        """Why this partner may not send such an event; None when it may."""
        if self.kind == ANALYST:
            return "an analyst token sends no events"
        if source != self.source:
            return f"this token sends events of source {self.source}, not {source}"
        if event_type == RETRACTED:  # judged by the type of the event it names (ingest)
            return None
        if event_type not in self.types:
            return f"this token may not send {event_type} events"
        return None


def _partner(row: rows.PartnerRow) -> Partner:
    return Partner(row.name, row.kind, row.source, _set(row.types), _set(row.reads),
                   row.revoked_at is not None)  # fmt: skip


def _set(text: str) -> frozenset[str]:
    return frozenset(t for t in text.split(",") if t)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked_types(types: Sequence[str], *, also: tuple[str, ...] = ()) -> str:
    unknown = sorted(set(types) - set(TYPES) - set(also))
    if unknown:
        known = ", ".join((*TYPES, *also))
        raise PartnerError(f"unknown event type {unknown[0]} (one of {known})")
    return ",".join(sorted(set(types)))


def add_partner(system: System, name: str, source: str, types: Sequence[str],
                reads: Sequence[str] = ()) -> str:  # fmt: skip
    """Register a chain partner; its token (shown once)."""
    if source not in SOURCES:
        raise PartnerError(f"unknown source {source} (one of {', '.join(SOURCES)})")
    if not types:
        raise PartnerError("give at least one event type the partner may send")
    return _add(system, rows.PartnerRow(
        name, PARTNER, source, _checked_types(types), _checked_types(reads, also=(CASE,)), "",
        None, None, utc_text(system.clock()), None))  # fmt: skip


def add_analyst(system: System, name: str) -> str:
    """Register an analyst's token: it reads aggregates only; its token (shown once)."""
    return _add(system, rows.PartnerRow(
        name, ANALYST, None, "", "", "", None, None, utc_text(system.clock()), None))  # fmt: skip


def _add(system: System, row: rows.PartnerRow) -> str:
    if not row.name or len(row.name) > 100:
        raise PartnerError("a partner's name has 1 to 100 characters")
    token = secrets.token_urlsafe(32)
    with writing(system.engine) as connection:
        if rows.find_partner(connection, row.name) is not None:
            raise PartnerError(f"a partner named {row.name} exists already")
        # A source is one sender (EVENTS.md v1.1): its ids, and the events it may withdraw,
        # are that partner's alone. Revoke the holder first to hand the source over.
        holder = next(
            (p for p in rows.all_partners(connection)
             if row.source is not None and p.source == row.source and p.revoked_at is None),
            None,
        )  # fmt: skip
        if holder is not None:
            raise PartnerError(
                f"source {row.source} is held by partner {holder.name}: revoke it first "
                "(a source is one sender)"
            )
        rows.add_partner(connection, replace(row, token_hash=_hash(token)))
    return token


def list_partners(system: System) -> list[Partner]:
    with system.engine.connect() as connection:
        return [_partner(row) for row in rows.all_partners(connection)]


def revoke_partner(system: System, name: str) -> None:
    """No call is accepted from now on, and no webhook delivery still due is sent."""
    with writing(system.engine) as connection:
        if rows.find_partner(connection, name) is None:
            raise PartnerError(f"no partner named {name}")
        rows.revoke(connection, name, utc_text(system.clock()))
        give_up(connection, "partner revoked", partner=name)


def rotate_token(system: System, name: str) -> str:
    """A new token; the previous one keeps working for the configured overlap."""
    token = secrets.token_urlsafe(32)
    until = system.clock() + timedelta(hours=system.settings.token_overlap_hours)
    with writing(system.engine) as connection:
        found = rows.find_partner(connection, name)
        if found is None:
            raise PartnerError(f"no partner named {name}")
        if found.revoked_at is not None:
            raise PartnerError(f"partner {name} is revoked: add it anew")
        rows.set_token(connection, name, _hash(token), found.token_hash, utc_text(until))
    return token


@dataclass(frozen=True, slots=True)
class TokenRefused:
    """Why a token is not valid now: `unknown`, `revoked`, or `replaced` (an old token past
    its overlap); `partner`: whom a revoked or replaced token still names, for the log."""

    why: str
    partner: str | None = None


def check_token(system: System, token: str) -> Partner | TokenRefused:
    """The partner a bearer token belongs to if it is valid now, else why not."""
    digest = _hash(token)
    with system.engine.connect() as connection:
        found = rows.partner_of_token(connection, digest)
    if found is None:
        return TokenRefused("unknown")
    if found.revoked_at is not None:
        return TokenRefused("revoked", found.name)
    now = utc_text(system.clock())
    previous = found.token_hash != digest
    if previous and (found.previous_until is None or found.previous_until <= now):
        return TokenRefused("replaced", found.name)  # an old token past its overlap
    return _partner(found)


def partner_of(system: System, token: str) -> Partner | None:
    """The partner a bearer token belongs to, if it is valid now (not revoked, not an old
    token past its overlap)."""
    found = check_token(system, token)
    return found if isinstance(found, Partner) else None
