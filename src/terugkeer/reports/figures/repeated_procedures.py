"""Repeated procedures among the people in the caseload at the end of the period."""

from __future__ import annotations

from sqlalchemy import Connection, and_, case, exists, func, or_, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, events


def repeated_procedures(connection: Connection, period: Period) -> dict[str, object]:
    """Decisions over each person's whole history (all cases) up to the end of the period; a
    procedure of any kind is pending when started and not decided by then. Aggregated in the
    database: the caseload can hold tens of thousands of people."""
    before_end = events.c.occurred_us < period.end_us
    people = select(cases.c.v_number).where(period.open_at_end()).subquery("people")
    decisions = (
        select(events.c.v_number, func.count().label("n"))
        .join_from(people, events, events.c.v_number == people.c.v_number)
        .where(events.c.type == EventType.PROCEDURE_DECIDED, before_end)
        .group_by(events.c.v_number)
        .subquery("decisions")
    )
    started, decided = events.alias("started"), events.alias("decided")
    pending = exists().where(
        started.c.v_number == decisions.c.v_number,
        started.c.type == EventType.PROCEDURE_STARTED,
        started.c.occurred_us < period.end_us,
        ~exists().where(
            and_(
                decided.c.v_number == started.c.v_number,
                decided.c.type == EventType.PROCEDURE_DECIDED,
                decided.c.reference == started.c.reference,
                decided.c.occurred_us < period.end_us,
            )
        ),
    )
    with_decision, repeated, four_or_more = connection.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((or_(decisions.c.n >= 2, pending), 1), else_=0)), 0),
            func.coalesce(func.sum(case((decisions.c.n >= 4, 1), else_=0)), 0),
        )
    ).one()
    return {
        "with_decision": int(with_decision),
        "two_or_more_or_pending_share": int(repeated) / with_decision if with_decision else None,
        "four_or_more": int(four_or_more),
    }
