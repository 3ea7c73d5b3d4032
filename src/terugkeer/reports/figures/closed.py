"""Closed procedures by closing event, and Dublin transfers (from the case projection)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from terugkeer.reports.period import Period
from terugkeer.store.tables import cases

EXIT_REASONS = ("asylum_procedure", "residence_permit", "other")


def closed_procedures(connection: Connection, period: Period) -> dict[str, Any]:
    query = (
        select(cases.c.closing_type, cases.c.closing_category, func.count())
        .where(cases.c.closed_date.between(period.start, period.end))
        .group_by(cases.c.closing_type, cases.c.closing_category)
    )
    counts = {(kind, category): n for kind, category, n in connection.execute(query)}
    exits = {reason: counts.get(("exit_without_departure", reason), 0) for reason in EXIT_REASONS}
    absconded = sum(n for (kind, _), n in counts.items() if kind == "absconded")
    return {
        "total": sum(counts.values()),
        "independent_departure": counts.get(("departed", "independent"), 0),
        "forced_departure": counts.get(("departed", "forced"), 0),
        "absconded": absconded,
        "exit_without_departure": {"total": sum(exits.values()), **exits},
    }


def dublin_transferred(connection: Connection, period: Period) -> tuple[int, int]:
    """Departures with `dublin_transfer` in the period, and their distinct destinations."""
    query = select(func.count(), func.count(cases.c.destination.distinct())).where(
        cases.c.closing_type == "departed",
        cases.c.dublin_transfer.is_(True),
        cases.c.closed_date.between(period.start, period.end),
    )
    transferred, member_states = connection.execute(query).one()
    return int(transferred), int(member_states)
