"""Repeated procedures among the people in the caseload at the end of the period."""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, func, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, events


def repeated_procedures(connection: Connection, period: Period) -> dict[str, object]:
    """Decisions over each person's whole history (all cases) up to the end of the period."""
    people = select(cases.c.v_number).where(period.open_at_end())
    before_end = events.c.occurred_us < period.end_us
    decisions: dict[str, int] = dict(
        connection.execute(
            select(events.c.v_number, func.count())
            .where(
                events.c.type == EventType.PROCEDURE_DECIDED,
                before_end,
                events.c.v_number.in_(people),
            )
            .group_by(events.c.v_number)
        ).all()
    )
    decided = events.alias("decided")
    pending = set(
        connection.execute(
            select(events.c.v_number)
            .distinct()
            .where(
                events.c.type == EventType.PROCEDURE_STARTED,
                before_end,
                events.c.v_number.in_(people),
                ~exists().where(
                    and_(
                        decided.c.v_number == events.c.v_number,
                        decided.c.type == EventType.PROCEDURE_DECIDED,
                        decided.c.reference == events.c.reference,
                        decided.c.occurred_us < period.end_us,
                    )
                ),
            )
        ).scalars()
    )
    repeated = sum(1 for v, n in decisions.items() if n >= 2 or v in pending)
    return {
        "with_decision": len(decisions),
        "two_or_more_or_pending_share": repeated / len(decisions) if decisions else None,
        "four_or_more": sum(1 for n in decisions.values() if n >= 4),
    }
