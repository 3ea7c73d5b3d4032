"""Reading the store's caseload as cohort counts (the only way a forecast sees the store).

Reads the events of the cases open at the end of a day, reduces each case to its `Cohort` in
this process, and keeps only the count per cohort: no V-number or event leaves this module.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, func, select

from terugkeer.domain.calendar import add_months, local_date, start_of_day, to_micros
from terugkeer.domain.events import EventType
from terugkeer.forecast.cohorts import Cohort, cohort_of
from terugkeer.reports.period import Period
from terugkeer.store.codec import event_from_body
from terugkeer.store.tables import cases, events


class Caseload(BaseModel):
    """The open cases at the end of `as_of` (Europe/Amsterdam), as counts per cohort."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date
    cohorts: list[tuple[Cohort, int]]
    #: Intakes in the twelve months up to `as_of`; None when the store does not cover them.
    inflow_last_year: int | None

    @property
    def size(self) -> int:
        return sum(count for _, count in self.cohorts)


def recorded_through(connection: Connection, now: datetime | None = None) -> date | None:
    """The latest day with an event that has happened (a flight booked ahead is dated now)."""
    now_us = to_micros(now or datetime.now(UTC))
    query = select(func.max(events.c.local_date)).where(events.c.occurred_us <= now_us)
    latest = connection.execute(query).scalar_one()
    return date.fromisoformat(latest) if isinstance(latest, str) else latest


def read_caseload(connection: Connection, as_of: date) -> Caseload:
    at = start_of_day(as_of + timedelta(days=1)) - timedelta(microseconds=1)
    open_cases = select(cases.c.case_seq).where(Period(as_of, as_of).open_at_end())
    query = (
        select(events.c.case_seq, events.c.seq, events.c.body)
        .where(events.c.case_seq.in_(open_cases.scalar_subquery()))
        .order_by(events.c.case_seq, events.c.seq)
    )
    counts: Counter[Cohort] = Counter()
    rows = connection.execution_options(yield_per=5000).execute(query)
    for _, case_rows in groupby(rows, key=lambda row: row.case_seq):
        case = sorted(
            (event_from_body(row.seq, row.body) for row in case_rows), key=lambda e: e.sort_key
        )
        counts[cohort_of(case, at)] += 1
    cohorts = sorted(counts.items(), key=lambda item: item[0].model_dump_json())
    return Caseload(as_of=as_of, cohorts=cohorts, inflow_last_year=_inflow(connection, as_of))


def _inflow(connection: Connection, as_of: date) -> int | None:
    first = add_months(as_of, -12) + timedelta(days=1)
    intakes = events.c.type == EventType.INTAKE
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
