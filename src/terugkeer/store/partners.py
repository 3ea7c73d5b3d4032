"""Partner systems and their API tokens, as rows (the rules are in services/partners.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, insert, or_, select, update

from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events, partners, withdrawals


@dataclass(frozen=True, slots=True)
class PartnerRow:
    name: str
    kind: str
    source: str | None
    types: str
    reads: str
    token_hash: str
    previous_hash: str | None
    previous_until: str | None
    created_at: str
    revoked_at: str | None


def add_partner(connection: Connection, row: PartnerRow) -> None:
    connection.execute(insert(partners).values(**{
        name: getattr(row, name) for name in PartnerRow.__slots__}))  # fmt: skip


def find_partner(connection: Connection, name: str) -> PartnerRow | None:
    found = connection.execute(select(partners).where(partners.c.name == name)).first()
    return PartnerRow(*found) if found else None


def partner_of_token(connection: Connection, token_hash: str) -> PartnerRow | None:
    """The partner whose current or previous token has this hash."""
    query = select(partners).where(
        or_(partners.c.token_hash == token_hash, partners.c.previous_hash == token_hash)
    )
    found = connection.execute(query).first()
    return PartnerRow(*found) if found else None


def all_partners(connection: Connection) -> list[PartnerRow]:
    return [PartnerRow(*r) for r in connection.execute(select(partners).order_by(partners.c.name))]


def set_token(
    connection: Connection, name: str, token_hash: str, previous: str | None, until: str | None
) -> None:
    connection.execute(update(partners).where(partners.c.name == name).values(
        token_hash=token_hash, previous_hash=previous, previous_until=until))  # fmt: skip


def revoke(connection: Connection, name: str, at: str) -> None:
    connection.execute(update(partners).where(partners.c.name == name).values(
        revoked_at=at, previous_hash=None, previous_until=None))  # fmt: skip


def reported_on(connection: Connection, source: str, v_number: str) -> bool:
    """Whether an event of `source` about `v_number` is stored: what a partner may always read
    back is its own events (its reach beyond them: store/reach.py)."""
    query = select(events.c.seq).where(events.c.v_number == v_number,
                                       events.c.source == source).limit(1)  # fmt: skip
    return connection.execute(query).first() is not None


def person_events_page(
    connection: Connection,
    v_number: str,
    types: Collection[str],
    after: int,
    limit: int,
    own: str | None = None,
) -> list[tuple[int, str]]:
    """(seq, v1 body) of the person's events of `types`, and of every event of the source
    `own` (a partner's own), after receipt `after`, in receipt order, at most `limit`.
    Another sender's withdrawn event is left out, as if never received; its retraction is in
    (a reader that paged past the event learns of the withdrawal)."""
    withdrawn = (
        select(withdrawals.c.retraction_seq)
        .join(events, events.c.seq == withdrawals.c.seq)
        .where(events.c.type.in_(sorted(types)))
    )
    wanted: ColumnElement[bool] = or_(
        and_(events.c.type.in_(sorted(types)), not_withdrawn()),
        events.c.seq.in_(withdrawn),
    )
    if own is not None:
        wanted = or_(wanted, events.c.source == own)
    query = (
        select(events.c.seq, events.c.body)
        .where(events.c.v_number == v_number, wanted, events.c.seq > after)
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [(seq, body) for seq, body in connection.execute(query)]
