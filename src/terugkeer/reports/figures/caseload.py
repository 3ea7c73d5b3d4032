"""Caseload at the end of the period, its top nationalities and emergency-reception placements."""

from __future__ import annotations

from sqlalchemy import Connection, func, or_, select

from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, location_spells


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
    the `location_spells` row that began before the end and was not followed by then (later by
    occurred_at, ties by receipt order: how the spells are cut)."""
    spell = location_spells.c
    query = (
        select(func.count())
        .select_from(location_spells.join(cases, cases.c.case_seq == spell.case_seq))
        .where(
            spell.kind == "emergency_reception",
            spell.from_us < period.end_us,
            or_(spell.until_us.is_(None), spell.until_us >= period.end_us),
            period.open_at_end(),
        )
    )
    return int(connection.execute(query).scalar_one())
