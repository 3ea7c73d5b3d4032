"""Reading the store's caseload as cohort counts (the only way a forecast sees the store).

Reads the events of the cases open at the end of a day, reduces each case to its `Cohort` in
this process, and keeps only the count per cohort: no V-number or event leaves this module.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Select, exists, func, select
from sqlalchemy.orm import aliased

from terugkeer.domain.calendar import add_months, local_date, start_of_day, to_micros
from terugkeer.domain.cohorts import (
    MAX_DECISIONS,
    MAX_MONTHS_OPEN,
    AwayCohort,
    Cohort,
    cohort_of,
    months_between,
)
from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.codec import event_from_body
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, events


class Caseload(BaseModel):
    """The open cases at the end of `as_of` (Europe/Amsterdam), as counts per cohort."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date
    cohorts: list[tuple[Cohort, int]]
    #: Left for a new asylum procedure in the last two years and not back (yet).
    away: list[tuple[AwayCohort, int]] = []
    #: Intakes in the twelve months up to `as_of`; None when the store does not cover them.
    inflow_last_year: int | None

    @property
    def size(self) -> int:
        """Open cases (persons: a family unit counts its members)."""
        return sum(count * cohort.persons for cohort, count in self.cohorts)


def recorded_through(connection: Connection, now: datetime | None = None) -> date | None:
    """The latest day with an event that has happened (a flight booked ahead is dated now)."""
    now_us = to_micros(now or datetime.now(UTC))
    query = select(func.max(events.c.local_date)).where(
        events.c.occurred_us <= now_us, events.c.type != EventType.RETRACTED, not_withdrawn()
    )
    latest = connection.execute(query).scalar_one()
    return date.fromisoformat(latest) if isinstance(latest, str) else latest


def read_caseload(connection: Connection, as_of: date) -> Caseload:
    at = start_of_day(as_of + timedelta(days=1)) - timedelta(microseconds=1)
    open_at_end = Period(as_of, as_of).open_at_end()
    open_cases = select(cases.c.case_seq).where(open_at_end)
    query = (
        select(events.c.case_seq, events.c.seq, events.c.body)
        .where(
            events.c.case_seq.in_(open_cases.scalar_subquery()),
            events.c.type != EventType.RETRACTED,
            not_withdrawn(),
        )
        .order_by(events.c.case_seq, events.c.seq)
    )
    decisions = _decisions(connection, at, select(cases.c.v_number).where(open_at_end))
    counts: Counter[Cohort] = Counter()
    families: dict[str, list[Cohort]] = {}
    rows = connection.execution_options(yield_per=5000).execute(query)
    for _, case_rows in groupby(rows, key=lambda row: row.case_seq):
        case = sorted(
            (event_from_body(row.seq, row.body) for row in case_rows), key=lambda e: e.sort_key
        )
        cohort = cohort_of(case, at, decisions.get(case[0].v_number, 0))
        family = case[0].data.get("family") if case[0].type == EventType.INTAKE else None
        if family is None:
            counts[cohort] += 1
        else:
            families.setdefault(family, []).append(cohort)
    for members in families.values():
        # A family handled together continues together; members whose cases have parted
        # continue each on their own.
        if len(set(members)) == 1:
            counts[members[0].model_copy(update={"persons": len(members)})] += 1
        else:
            counts.update(members)
    cohorts = sorted(counts.items(), key=lambda item: item[0].model_dump_json())
    return Caseload(
        as_of=as_of,
        cohorts=cohorts,
        away=_away(connection, as_of, at),
        inflow_last_year=_inflow(connection, as_of),
    )


def _decisions(connection: Connection, at: datetime, people: Select[Any]) -> dict[str, int]:
    """Decisions by `at` over all of each person's cases, as the repeated-procedure figures
    count them (EVENTS.md)."""
    decided = (
        select(events.c.v_number, func.count())
        .where(
            events.c.type == EventType.PROCEDURE_DECIDED,
            events.c.occurred_us <= to_micros(at),
            events.c.v_number.in_(people.scalar_subquery()),
            not_withdrawn(),
        )
        .group_by(events.c.v_number)
    )
    return dict(connection.execute(decided).all())


def _away(connection: Connection, as_of: date, at: datetime) -> list[tuple[AwayCohort, int]]:
    """People whose latest case closed into the asylum procedure in the two years up to
    `as_of`: the forecast's source of people coming back."""
    at_us = to_micros(at)
    later = aliased(cases)
    left = (
        select(cases.c.v_number, cases.c.nationality, cases.c.closed_date)
        .where(
            cases.c.closing_category == "asylum_procedure",
            cases.c.closed_us <= at_us,
            cases.c.closed_date >= add_months(as_of, -MAX_MONTHS_OPEN),
            ~exists().where(
                later.c.v_number == cases.c.v_number,
                later.c.opened_us > cases.c.closed_us,
                later.c.opened_us <= at_us,
            ),
        )
    )  # fmt: skip
    decisions = _decisions(connection, at, select(left.subquery().c.v_number))
    counts: Counter[AwayCohort] = Counter()
    for v_number, nationality, closed in connection.execute(left):
        closed_on = date.fromisoformat(closed) if isinstance(closed, str) else closed
        counts[AwayCohort(
            nationality=nationality,
            decisions=min(decisions.get(v_number, 0), MAX_DECISIONS),
            months_away=months_between(closed_on, as_of),
        )] += 1  # fmt: skip
    return sorted(counts.items(), key=lambda item: item[0].model_dump_json())


def _inflow(connection: Connection, as_of: date) -> int | None:
    first = add_months(as_of, -12) + timedelta(days=1)
    intakes = (events.c.type == EventType.INTAKE) & not_withdrawn()
    earliest = connection.execute(select(func.min(events.c.local_date)).where(intakes))
    start = earliest.scalar_one()
    if start is None or (date.fromisoformat(start) if isinstance(start, str) else start) > first:
        return None
    query = select(func.count()).where(intakes, events.c.local_date.between(first, as_of))
    return int(connection.execute(query).scalar_one())


def default_as_of(connection: Connection) -> date:
    """The caseload to start from when none is asked for: at the end of the last recorded day."""
    latest = recorded_through(connection)
    if latest is None:
        raise ValueError("the store holds no events: import a feed first (terugkeer import)")
    return min(latest, local_date(datetime.now(UTC)))
