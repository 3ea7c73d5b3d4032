"""Repeated procedures among the people in the caseload at the end of the period."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.tables import cases, events

_CHUNK = 500  # V-numbers per query: well under every database's parameter limit


def repeated_procedures(connection: Connection, period: Period) -> dict[str, object]:
    """Decisions over each person's whole history (all cases) up to the end of the period; a
    procedure of any kind is pending when started and not decided by then. The procedure
    events are read per person (their index) in chunks: a join from the caseload lets the
    planner scan every procedure event of the store instead."""
    people = sorted(
        {v for (v,) in connection.execute(select(cases.c.v_number).where(period.open_at_end()))}
    )
    decisions: dict[str, int] = defaultdict(int)
    #: Per person and reference, starts minus decisions: 1 while that procedure is pending (a
    #: reference is started again only once decided, and a decision answers the latest start).
    open_by_reference: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for chunk in range(0, len(people), _CHUNK):
        query = select(events.c.v_number, events.c.type, events.c.reference).where(
            events.c.v_number.in_(people[chunk : chunk + _CHUNK]),
            events.c.type.in_([EventType.PROCEDURE_STARTED, EventType.PROCEDURE_DECIDED]),
            events.c.occurred_us < period.end_us,
        )
        for v_number, kind, reference in connection.execute(query):
            if kind == EventType.PROCEDURE_DECIDED:
                decisions[v_number] += 1
                open_by_reference[v_number][reference] -= 1
            else:
                open_by_reference[v_number][reference] += 1
    with_decision = len(decisions)
    repeated = sum(
        1
        for v_number, n in decisions.items()
        if n >= 2 or any(count > 0 for count in open_by_reference[v_number].values())
    )
    return {
        "with_decision": with_decision,
        "two_or_more_or_pending_share": repeated / with_decision if with_decision else None,
        "four_or_more": sum(1 for n in decisions.values() if n >= 4),
    }
