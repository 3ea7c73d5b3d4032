"""The failed-sign-in counters as rows (the arithmetic: domain/sign_in_throttle.py).

Several server processes share these counters, so a failure is counted in the database:
`current` takes the row for update (PostgreSQL locks it; SQLite's writer lock already serialises
the transaction), so two concurrent failures count as two.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from terugkeer.domain.sign_in_throttle import Counter, origin_group
from terugkeer.store.tables import sign_in_throttle as throttle
from terugkeer.store.users import utc_text

#: The `name_key` of an origin's own counter, and the `origin` of a name's own counter.
ANY = "*"


def name_key(name: str) -> str:
    """The stored form of a name tried: its SHA-256 (a password typed into the name field is
    not kept in clear)."""
    return hashlib.sha256(name.encode()).hexdigest()


def origin_key(origin: str) -> str:
    """An IPv4 address or an IPv6 /64 network (domain/sign_in_throttle.py says why)."""
    return origin_group(origin)


def device_key(nonce: str) -> str:
    """The `origin` of a device's own counter: its cookie's nonce, hashed (the table does not
    hold what would let someone forge the cookie's place), and marked so that it can never
    be an origin's."""
    return "device:" + hashlib.sha256(nonce.encode()).hexdigest()[:56]


def names_waiting(connection: Connection, now: datetime) -> set[str]:
    """The name keys whose untrusted attempts wait now (their count across origins passed
    the limit): the accounts an admin sees as held back, and may unlock."""
    found = connection.execute(
        select(throttle.c.name_key).where(
            throttle.c.origin == ANY, throttle.c.blocked_until > utc_text(now)
        )
    )
    return {row[0] for row in found}


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def counters(connection: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Counter]:
    """The counters of (name key, origin) pairs; a pair without failures is absent."""
    found = connection.execute(
        select(throttle).where(tuple_(throttle.c.name_key, throttle.c.origin).in_(keys))
    ).mappings()
    return {
        (row["name_key"], row["origin"]): Counter(
            row["failures"], _moment(row["since"]), _moment(row["blocked_until"])
        )
        for row in found
    }


def current(connection: Connection, key: tuple[str, str], now: datetime) -> Counter:
    """One counter, taken for update (made, empty, if it was not there: an insert that two
    processes race for leaves one row, and both then count on it)."""
    values = {"name_key": key[0], "origin": key[1], "failures": 0, "since": utc_text(now)}
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(postgresql.insert(throttle).values(values).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(throttle).values(values).on_conflict_do_nothing())
    row = (
        connection.execute(
            select(throttle)
            .where(throttle.c.name_key == key[0], throttle.c.origin == key[1])
            .with_for_update()
        )
        .mappings()
        .one()
    )
    return Counter(row["failures"], _moment(row["since"]), _moment(row["blocked_until"]))


def store(connection: Connection, key: tuple[str, str], counter: Counter) -> None:
    assert counter.since is not None
    connection.execute(
        update(throttle)
        .where(throttle.c.name_key == key[0], throttle.c.origin == key[1])
        .values(
            failures=counter.failures,
            since=utc_text(counter.since),
            blocked_until=utc_text(counter.blocked_until) if counter.blocked_until else None,
        )
    )


def forget(connection: Connection, key: tuple[str, str]) -> None:
    connection.execute(
        delete(throttle).where(throttle.c.name_key == key[0], throttle.c.origin == key[1])
    )


def forget_name(connection: Connection, name: str) -> None:
    """Every counter of a name (an admin unlocked the account or reset its password)."""
    connection.execute(delete(throttle).where(throttle.c.name_key == name_key(name)))


def forget_stale(connection: Connection, before: datetime, now: datetime) -> None:
    """Counters whose window began before `before` and that block nothing any more: the table
    holds recent failures only. Rows another sign-in holds are skipped (SKIP LOCKED on
    PostgreSQL): clean-up never waits, so it cannot deadlock with a concurrent failure."""
    stale = (
        select(throttle.c.name_key, throttle.c.origin)
        .where(
            throttle.c.since < utc_text(before),
            or_(throttle.c.blocked_until.is_(None), throttle.c.blocked_until <= utc_text(now)),
        )
        .with_for_update(skip_locked=True)
    )
    connection.execute(
        delete(throttle).where(tuple_(throttle.c.name_key, throttle.c.origin).in_(stale))
    )
