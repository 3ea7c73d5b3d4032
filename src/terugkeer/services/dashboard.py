"""The dashboard of management and analysts (issue 11): aggregates only, never a person.

The key figures of a chosen period next to the previous period of the same length and the same
period a year earlier; monthly trends; the country-cooperation and the Dublin monitors. Every
number comes from the same definitions as the published key figures (EVENTS.md).

A period that starts before the store holds the caseload whole (services/completeness.py) is
not compared with: its change is "not comparable", and the trends leave its months out."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import FIRST_DAY, add_months
from terugkeer.reports.figures.cooperation import (
    CountryCooperation,
    country_cooperation,
    unanswered_cohort,
)
from terugkeer.reports.figures.dublin_monitor import DublinMonitor, dublin_monitor
from terugkeer.reports.figures.trends import MonthTrend, monthly_trends, months_of
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import KeyFigures
from terugkeer.reports.period import Period
from terugkeer.reports.roundabout.model import Roundabout
from terugkeer.reports.roundabout.query import roundabout
from terugkeer.services.completeness import Completeness, completeness
from terugkeer.services.known import Known, Reflected, as_known, known_of, reflected

__all__ = [
    "Comparison", "Dashboard", "Known", "Period", "compared_periods", "dashboard", "default_period",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Comparison:
    """The chosen period, the one before it and the same period a year earlier."""

    current: Period
    previous: Period
    year_earlier: Period


@dataclass(frozen=True, slots=True)
class Dashboard:
    periods: Comparison
    figures: tuple[KeyFigures, KeyFigures, KeyFigures]  # in the order of `periods`
    trends: list[MonthTrend]  # only months from the complete-from day on
    cooperation: list[CountryCooperation]
    dublin: DublinMonitor
    completeness: Completeness
    #: Months the trends would show but leave out, as they start before the complete-from day.
    months_left_out: int
    roundabout: Roundabout
    #: None: as the store stands now; else what it had recorded by a moment and what came later.
    known: Known | None = None
    #: The chain's events the figures now are derived from (None "as known on" a day).
    reflected: Reflected | None = None

    @property
    def comparable(self) -> tuple[bool, bool]:
        """Whether the chosen period can be compared with the previous one and with the one a
        year earlier: each starts on or after the complete-from day."""
        covers = self.completeness.covers
        return covers(self.periods.previous.start), covers(self.periods.year_earlier.start)

    @property
    def cohort_comparable(self) -> bool:
        """Whether the requests that "unanswered after 12 months" follows (a year and more
        before the period's end) lie where the store is whole."""
        return self.completeness.covers(unanswered_cohort(self.periods.current)[0])

    @property
    def complete(self) -> bool:
        """Whether the chosen period itself lies where the store is whole."""
        return self.completeness.covers(self.periods.current.start)


def default_period(today: date) -> Period:
    """The year so far, today included (today's figures grow until the day ends)."""
    return Period(today.replace(month=1, day=1), today)


def compared_periods(period: Period) -> Comparison:
    """A period of whole months is compared with as many whole months before it (March with
    February, a quarter with the quarter before); any other with as many days before it."""
    start, end = period.start, period.end
    if start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        before = add_months(start, -months)
    else:
        before = start - (end - start + timedelta(days=1))
    previous = (before, start - timedelta(days=1))
    earlier_end = add_months(end, -12)
    if end.day == calendar.monthrange(end.year, end.month)[1]:  # 29 Feb → 28 Feb, 28 → 28
        earlier_end = earlier_end.replace(day=calendar.monthrange(*earlier_end.timetuple()[:2])[1])
    earlier_start = add_months(start, -12)
    return Comparison(period, _within(*previous), _within(earlier_start, earlier_end))


def _within(start: date, end: date) -> Period:
    """The period cut to the days the store can hold (nothing happened before 1990 in it)."""
    start = max(start, FIRST_DAY)
    return Period(start, max(end, start))


def dashboard(system: System, period: Period, *, known_by: str | None = None) -> Dashboard:
    """The dashboard of `period`; with `known_by` (a `recorded_at` value) as the store stood
    then: from the events recorded by that moment only, so that an analyst can see what a
    figure was when it was reported, and how much it moved since."""
    with as_known(system, known_by) as seen:
        found = _dashboard(seen, period)
        if known_by is None:
            with system.engine.connect() as connection:
                return replace(found, reflected=reflected(connection))
        return replace(found, known=known_of(system, seen, known_by))


def _dashboard(system: System, period: Period) -> Dashboard:
    periods = compared_periods(period)
    today = system.today()
    whole = completeness(system)
    months = months_of(period)
    shown = [month for month in months if whole.covers(month)]
    with system.engine.connect() as connection:
        current, previous, earlier = (
            key_figures(connection, p, today=today)
            for p in (periods.current, periods.previous, periods.year_earlier)
        )
        return Dashboard(
            periods=periods,
            figures=(current, previous, earlier),
            trends=monthly_trends(connection, shown),
            cooperation=country_cooperation(connection, period),
            dublin=dublin_monitor(connection, period, today),
            completeness=whole,
            months_left_out=len(months) - len(shown),
            roundabout=roundabout(connection, period),
        )
