"""Counts of events in the period: inflow, interviews, flights, document requests, confirmations."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

INFLOW_SOURCES = ("IND", "POLITIE", "KMAR")


def count_events(
    connection: Connection, period: Period, event_type: str, category: str | None = None
) -> int:
    query = select(func.count()).where(
        events.c.type == event_type,
        events.c.local_date.between(period.start, period.end),
        not_withdrawn(),
    )
    if category is not None:
        query = query.where(events.c.category == category)
    return int(connection.execute(query).scalar_one())


def inflow_by_source(connection: Connection, period: Period) -> dict[str, int]:
    """Intakes by sender: IND, POLITIE, KMAR, and all others together as `other`."""
    query = (
        select(events.c.source, func.count())
        .where(
            events.c.type == EventType.INTAKE,
            events.c.local_date.between(period.start, period.end),
            not_withdrawn(),
        )
        .group_by(events.c.source)
    )
    split = dict.fromkeys((*INFLOW_SOURCES, "other"), 0)
    for source, count in connection.execute(query):
        split[source if source in INFLOW_SOURCES else "other"] += count
    return split
