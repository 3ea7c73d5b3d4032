"""The complete-from settings (table `completeness`): appended, never changed; the latest rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Row, insert, select

from terugkeer.store.tables import completeness


def latest(
    connection: Connection, *, known_by: str | None = None
) -> Row[tuple[int, date, str, str, str]] | None:
    """The latest setting; with `known_by` (a `set_at` value), the latest made at or before it
    (a publication is reproduced with the setting it was made with)."""
    query = select(completeness).order_by(completeness.c.id.desc()).limit(1)
    if known_by is not None:
        query = query.where(completeness.c.set_at <= known_by)
    found = connection.execute(query).first()
    return found


def append(connection: Connection, day: date, *, set_at: str, set_by: str, why: str) -> None:
    values = {"complete_from": day, "set_at": set_at, "set_by": set_by, "why": why}
    connection.execute(insert(completeness).values(**values))
