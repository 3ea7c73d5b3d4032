"""Which stored event a form submission made: a page's events carry ids made from the
submission key, so a repeat of the submission finds the first one's result here."""

from __future__ import annotations

from sqlalchemy import Connection, select

from terugkeer.store.tables import events


def stored_seq(connection: Connection, source: str, event_id: str) -> tuple[int, str] | None:
    """The receipt seq and V-number of the event (source, id), when it is stored."""
    row = connection.execute(
        select(events.c.seq, events.c.v_number).where(
            events.c.id == event_id, events.c.source == source
        )
    ).first()
    return None if row is None else (int(row.seq), str(row.v_number))
