"""The data's date: the Europe/Amsterdam day on which the store last accepted an event (what
"as known on" a moment bounds, so a report made as of then names that day)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, func, select

from terugkeer.domain.calendar import local_date
from terugkeer.store.tables import events


def data_date(connection: Connection) -> date | None:
    latest = connection.execute(select(func.max(events.c.recorded_at))).scalar_one()
    return None if latest is None else local_date(datetime.fromisoformat(latest))
