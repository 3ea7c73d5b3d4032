"""Caseload at the end of the period, its top nationalities and emergency-reception placements."""

from __future__ import annotations

from bisect import bisect_left
from itertools import groupby

from sqlalchemy import Connection, and_, func, or_, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, events

_CHUNK = 500  # keys per query: well under every database's parameter limit


def caseload(connection: Connection, period: Period) -> int:
    query = select(func.count()).select_from(cases).where(period.open_at_end())
    return int(connection.execute(query).scalar_one())


def caseload_without_dublin(connection: Connection, period: Period) -> int:
    """The caseload at the end of the period without Dublin claimants: what the top
    nationalities are a share of."""
    query = select(func.count()).where(period.open_at_end(), cases.c.track != "dublin")
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
    occurred_at, ties by receipt order). Counted in the database per chunk of the open cases
    (their index); `emergency_at_ends` does many ends in one pass."""
    keys = sorted(k for (k,) in connection.execute(
        select(cases.c.case_seq).where(period.open_at_end())))  # fmt: skip
    latest = func.row_number().over(
        partition_by=events.c.case_seq, order_by=(events.c.occurred_us.desc(), events.c.seq.desc())
    )
    counted = 0
    for chunk in range(0, len(keys), _CHUNK):
        changes = (
            select(events.c.category, latest.label("rank"))
            .where(events.c.case_seq.in_(keys[chunk : chunk + _CHUNK]),
                   events.c.type == EventType.LOCATION_CHANGED,
                   events.c.occurred_us < period.end_us)
            .subquery()
        )  # fmt: skip
        query = select(func.count()).where(
            changes.c.rank == 1, changes.c.category == "emergency_reception"
        )
        counted += int(connection.execute(query).scalar_one())
    return counted


def emergency_at_ends(connection: Connection, periods: list[Period]) -> list[int]:
    """`at_emergency_reception` at the end of each of `periods` (in time order), in one pass:
    the cases open at any of those ends, then their location changes, read per case (its
    index) in chunks — a join lets the planner scan every location change of the store."""
    if not periods:
        return []
    ends = [p.end_us for p in periods]
    open_then = and_(cases.c.opened_us < ends[-1],
                     or_(cases.c.closed_us.is_(None), cases.c.closed_us >= ends[0]))  # fmt: skip
    found = select(cases.c.case_seq, cases.c.opened_us, cases.c.closed_us).where(open_then)
    spans = {row.case_seq: (row.opened_us, row.closed_us) for row in connection.execute(found)}
    keys = sorted(spans)
    counts = [0] * len(ends)
    for chunk in range(0, len(keys), _CHUNK):
        query = (
            select(events.c.case_seq, events.c.occurred_us, events.c.category)
            .where(events.c.case_seq.in_(keys[chunk : chunk + _CHUNK]),
                   events.c.type == EventType.LOCATION_CHANGED,
                   events.c.occurred_us < ends[-1])
            .order_by(events.c.case_seq, events.c.occurred_us, events.c.seq)
        )  # fmt: skip
        for case_seq, rows in groupby(connection.execute(query), key=lambda row: row.case_seq):
            changes = list(rows)
            opened, closed = spans[case_seq]
            moments = [change.occurred_us for change in changes]
            for index, end in enumerate(ends):
                if opened < end and (closed is None or closed >= end):
                    latest = bisect_left(moments, end) - 1  # the last change before the end
                    if latest >= 0 and changes[latest].category == "emergency_reception":
                        counts[index] += 1
    return counts
