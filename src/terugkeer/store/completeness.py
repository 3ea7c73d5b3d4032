"""The complete-from settings (table `completeness`): appended, never changed; the latest rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Row, insert, select

from terugkeer.store.tables import completeness


def latest(connection: Connection) -> Row[tuple[int, date, str, str, str]] | None:
    query = select(completeness).order_by(completeness.c.id.desc()).limit(1)
    found = connection.execute(query).first()
    return found


def append(connection: Connection, day: date, *, set_at: str, set_by: str, why: str) -> None:
    values = {"complete_from": day, "set_at": set_at, "set_by": set_by, "why": why}
    connection.execute(insert(completeness).values(**values))
