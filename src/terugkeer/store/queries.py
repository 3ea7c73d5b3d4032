"""Reading person histories from the store: one person, or every person in turn."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from sqlalchemy import Connection, select, tuple_

from terugkeer.domain.events import Event
from terugkeer.domain.history import PersonHistory
from terugkeer.store.codec import event_from_body
from terugkeer.store.tables import events


def person_events(connection: Connection, v_number: str) -> list[Event]:
    """Every stored event of the person, in receipt order."""
    query = (
        select(events.c.seq, events.c.body)
        .where(events.c.v_number == v_number)
        .order_by(events.c.seq)
    )
    return [event_from_body(row.seq, row.body) for row in connection.execute(query)]


def person_history(connection: Connection, v_number: str) -> PersonHistory | None:
    """The person's history as the store placed it; None when nothing is stored for them."""
    found = person_events(connection, v_number)
    return PersonHistory(v_number, found) if found else None


def all_histories(connection: Connection) -> Iterator[PersonHistory]:
    """Every person's history, one at a time (streamed: a big store does not fit in memory)."""
    for v_number, person in all_person_events(connection):
        yield PersonHistory(v_number, person)


def all_person_events(
    connection: Connection, upto: int | None = None
) -> Iterator[tuple[str, list[Event]]]:
    """Every person's stored events (receipt order), one person at a time; with `upto`,
    only those up to that seq."""
    query = select(events.c.v_number, events.c.seq, events.c.body).order_by(
        events.c.v_number, events.c.seq
    )
    if upto is not None:
        query = query.where(events.c.seq <= upto)
    # On the statement, not the connection: Connection.execution_options changes the connection
    # itself, and a caller inserting on it (db rebuild) must not get a server-side cursor.
    rows = connection.execute(query.execution_options(yield_per=5000))
    for v_number, person in groupby(rows, key=lambda row: row.v_number):
        yield v_number, [event_from_body(row.seq, row.body) for row in person]


def named_types(
    connection: Connection, named: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], str]:
    """The type of each stored event named by (source, V-number, id): what retractions name."""
    if not named:
        return {}
    key = tuple_(events.c.source, events.c.v_number, events.c.id)
    query = select(events.c.source, events.c.v_number, events.c.id, events.c.type).where(
        key.in_(sorted(set(named)))
    )
    return {(r.source, r.v_number, r.id): r.type for r in connection.execute(query)}
