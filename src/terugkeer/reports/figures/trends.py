"""Monthly trends for the dashboard: per calendar month, the inflow by source, the four
outcomes, the demonstrable departure rate, and the caseload and emergency-reception placements
at the month's end — each by the definition of its key figure (EVENTS.md)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from terugkeer.domain.calendar import FIRST_DAY, add_months
from terugkeer.reports.figures.activity import inflow_by_source
from terugkeer.reports.figures.caseload import at_emergency_reception, caseload
from terugkeer.reports.figures.closed import closed_procedures
from terugkeer.reports.period import Period

#: The four outcomes of a return procedure, as the closed procedures count them.
OUTCOMES = ("independent_departure", "forced_departure", "absconded", "exit_without_departure")


@dataclass(frozen=True, slots=True)
class MonthTrend:
    month: date  # its first day
    inflow_by_source: dict[str, int]  # IND, POLITIE, KMAR, other
    outcomes: dict[str, int]  # OUTCOMES
    #: (independent + forced) / (independent + forced + absconded); None without any.
    demonstrable_departure_rate: float | None
    caseload: int  # at the end of the month
    at_emergency_reception: int  # at the end of the month


def months_of(period: Period, *, at_least: int = 12, at_most: int = 36) -> list[date]:
    """The first days of the calendar months that `period` touches, the last `at_most` of
    them; when they are fewer than `at_least`, the months before are added, so that a short
    period still shows a trend."""
    first = period.start.replace(day=1)
    last = period.end.replace(day=1)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    shown = min(max(count, at_least), at_most)
    start = max(add_months(last, -(shown - 1)), FIRST_DAY)  # the store holds nothing earlier
    return [m for m in (add_months(start, n) for n in range(shown)) if m <= last]


def month_period(month: date) -> Period:
    return Period(month, month.replace(day=calendar.monthrange(month.year, month.month)[1]))


def monthly_trends(connection: Connection, months: list[date]) -> list[MonthTrend]:
    trends = []
    for month in months:
        period = month_period(month)
        closed = closed_procedures(connection, period)
        outcomes = {name: closed[name] for name in OUTCOMES[:3]}
        outcomes["exit_without_departure"] = closed["exit_without_departure"]["total"]
        departed = outcomes["independent_departure"] + outcomes["forced_departure"]
        seen = departed + outcomes["absconded"]
        trends.append(
            MonthTrend(
                month=month,
                inflow_by_source=inflow_by_source(connection, period),
                outcomes=outcomes,
                demonstrable_departure_rate=departed / seen if seen else None,
                caseload=caseload(connection, period),
                at_emergency_reception=at_emergency_reception(connection, period),
            )
        )
    return trends
