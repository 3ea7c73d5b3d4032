"""Every figure the annual report prints, for one year, and whether the year before may be
compared with it (issue 28: a year before the store's complete-from day is not comparable, and
the report then prints a note instead of any change or difference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from terugkeer.bootstrap import System
from terugkeer.reports.figures.caseload import caseload_without_dublin
from terugkeer.reports.figures.recorded import data_date
from terugkeer.reports.figures.repeat_asylum import RepeatAsylum, repeat_asylum
from terugkeer.reports.figures.ukraine import Scheme, UkraineSupport, ukraine_support
from terugkeer.reports.model import KeyFigures
from terugkeer.reports.period import Period
from terugkeer.services.completeness import Completeness, completeness
from terugkeer.services.key_figures import key_figures_of


@dataclass(frozen=True, slots=True)
class AnnualFigures:
    year: int
    now: KeyFigures
    #: The year before, or None when the store is not complete for it: then no comparison.
    before: KeyFigures | None
    completeness: Completeness
    repeat_asylum: RepeatAsylum
    ukraine: UkraineSupport
    caseload_without_dublin: int  # what the top nationalities are a share of
    data_date: date | None

    @property
    def empty(self) -> bool:
        """Nothing to report: no event in the year, or a year the store had not reached when
        it last accepted an event (a future year's caseload is last year's, carried on)."""
        now = self.now
        if self.data_date is None or self.data_date < date(self.year, 1, 1):
            return True
        return now.inflow == 0 and now.caseload == 0 and now.closed_procedures.total == 0


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def annual_figures(system: System, year: int) -> AnnualFigures:
    period, previous = year_period(year), year_period(year - 1)
    complete = completeness(system)
    before = key_figures_of(system, previous) if complete.covers(previous.start) else None
    now = key_figures_of(system, period)
    with system.engine.connect() as connection:
        day_of_data = data_date(connection)
        return AnnualFigures(
            year=year,
            now=now,
            before=before,
            completeness=complete,
            repeat_asylum=repeat_asylum(connection, period),
            ukraine=ukraine_support(
                connection,
                period,
                returns=_scheme(system, "return_home"),
                third_country=_scheme(system, "third_country"),
                complete_from=complete.complete_from,
                data_date=day_of_data,
            ),
            caseload_without_dublin=caseload_without_dublin(connection, period),
            data_date=day_of_data,
        )


def _scheme(system: System, flag: str) -> Scheme | None:
    """When a Ukraine support scheme was open, from the rules table (RULES.md §7): the first
    row that opens it, and the first later row that closes it."""
    started: date | None = None
    for row in sorted(system.rules.ukraine_support, key=lambda rule: rule.valid_from):
        if getattr(row, flag) and started is None:
            started = row.valid_from
        elif not getattr(row, flag) and started is not None:
            return Scheme(started, row.valid_from)
    return Scheme(started, None) if started else None
