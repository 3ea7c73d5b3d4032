"""Repeated procedures among the people in the caseload at the end of the period."""

from __future__ import annotations

from sqlalchemy import Connection, and_, case, func, or_, select

from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, procedures


def repeated_procedures(connection: Connection, period: Period) -> dict[str, object]:
    """Decisions over each person's whole history (all cases) up to the end of the period; a
    procedure of any kind is pending when started and not decided by then. One aggregate over
    the `procedures` projection (domain/procedures.py pairs each decision with its start),
    read per person of the caseload through its index."""
    end = period.end_us
    decided = func.sum(case((procedures.c.decided_us < end, 1), else_=0)).label("decided")
    pending = func.max(case((and_(
        procedures.c.started_us < end,
        or_(procedures.c.decided_us.is_(None), procedures.c.decided_us >= end),
    ), 1), else_=0)).label("pending")  # fmt: skip
    caseload = select(cases.c.v_number).where(period.open_at_end())
    per_person = (
        select(decided, pending)
        .where(procedures.c.v_number.in_(caseload))
        .group_by(procedures.c.v_number)
        .subquery()
    )
    decisions, was_pending = per_person.c.decided, per_person.c.pending
    query = select(
        func.count().filter(decisions >= 1),
        func.count().filter(decisions >= 1, or_(decisions >= 2, was_pending == 1)),
        func.count().filter(decisions >= 4),
    )
    counted, repeated, four_or_more = connection.execute(query).one()
    return {
        "with_decision": counted,
        "two_or_more_or_pending_share": repeated / counted if counted else None,
        "four_or_more": four_or_more,
    }
