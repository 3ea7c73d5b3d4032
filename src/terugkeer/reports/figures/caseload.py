"""Caseload at the end of the period, its top nationalities and emergency-reception placements."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

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
    """People in the caseload whose latest location in their open case is emergency reception."""
    open_cases = select(cases.c.case_seq).where(period.open_at_end())
    rank = (
        func.row_number()
        .over(
            partition_by=events.c.case_seq,
            order_by=(events.c.occurred_us.desc(), events.c.seq.desc()),
        )
        .label("rank")
    )
    latest = (
        select(events.c.category, rank)
        .where(
            events.c.type == EventType.LOCATION_CHANGED,
            events.c.occurred_us < period.end_us,
            events.c.case_seq.in_(open_cases),
        )
        .subquery()
    )
    query = select(func.count()).where(
        latest.c.rank == 1, latest.c.category == "emergency_reception"
    )
    return int(connection.execute(query).scalar_one())
