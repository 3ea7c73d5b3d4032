"""Caseload at the end of the period, its top nationalities and emergency-reception placements."""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, func, or_, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, events


def caseload(connection: Connection, period: Period) -> int:
    query = select(func.count()).select_from(cases).where(period.open_at_end())
    return int(connection.execute(query).scalar_one())


def top_nationalities(
    connection: Connection, period: Period, limit: int = 10
) -> list[dict[str, object]]:
    """The most common nationalities in the caseload, Dublin claimants excluded; ties by code."""
    count = func.count().label("count")
    query = (
        select(cases.c.nationality, count)
        .where(period.open_at_end(), cases.c.track != "dublin")
        .group_by(cases.c.nationality)
        .order_by(count.desc(), cases.c.nationality)
        .limit(limit)
    )
    return [{"nationality": n, "count": c} for n, c in connection.execute(query)]


def at_emergency_reception(connection: Connection, period: Period) -> int:
    """People in the caseload whose latest location in their open case is emergency reception:
    such a location change with no later one in the case by the end of the period (later by
    occurred_at, ties by receipt order)."""
    later = events.alias("later")
    superseded = exists().where(
        later.c.case_seq == events.c.case_seq,
        later.c.type == EventType.LOCATION_CHANGED,
        later.c.occurred_us < period.end_us,
        or_(
            later.c.occurred_us > events.c.occurred_us,
            and_(later.c.occurred_us == events.c.occurred_us, later.c.seq > events.c.seq),
        ),
    )
    query = (
        select(func.count())
        .select_from(cases)
        .join(events, events.c.case_seq == cases.c.case_seq)
        .where(
            period.open_at_end(),
            events.c.type == EventType.LOCATION_CHANGED,
            events.c.category == "emergency_reception",
            events.c.occurred_us < period.end_us,
            ~superseded,
        )
    )
    return int(connection.execute(query).scalar_one())
