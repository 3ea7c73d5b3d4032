"""The monthly open data (issue 11), as the agency's "instroom- en vertrekcijfers" page shows
them: per year in the store (the month's year up to the end of that month) inflow by source,
departures by kind with the demonstrable departure rate, outflow without departure by
reason, the top 5 nationalities of the inflow; and the key figures of the month.

Tables of published values only: counts rounded to tens and under 5 shown as "<5" (EVENTS.md),
rates from the exact counts. Nothing that identifies a person is read, let alone written.

A year that starts before the store holds the caseload whole (its complete-from day, issue 28)
is left out of the series: its counts are a part of what happened, not the agency's history.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pycountry
from babel import Locale
from sqlalchemy import Connection, func, select

from terugkeer.domain.completeness import comparable, first_whole_year
from terugkeer.domain.events import EventType
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.reports.rounding import publish_count, rounded
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, chain_head, events

Cell = int | float | str
Row = tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One "brontabel": a file name, Dutch column names, rows of published values."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True, slots=True)
class MonthlyFigures:
    month: date  # its first day
    #: What the figures reflect: the newest event's recorded_at, and the chain head there.
    as_of: str
    head_hash: str
    tables: list[Table]
    month_figures: PublishedKeyFigures
    #: The store is whole from this day: the years before it are left out (None: all shown).
    complete_from: date | None = None
    #: When years are left out: the series start with this year (None: nothing left out).
    first_year: int | None = None


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def monthly_figures(
    connection: Connection, month: date, complete_from: date | None = None
) -> MonthlyFigures:
    """The month's figures; each year of the series only when it starts on or after
    `complete_from` (every year when it is None)."""
    first = connection.execute(
        select(func.min(events.c.local_date)).where(
            not_withdrawn(), events.c.type != EventType.RETRACTED
        )
    ).scalar()
    last_day = month_end(month)
    held = range(first.year if first else month.year, month.year + 1)
    years = [y for y in held if comparable(complete_from, date(y, 1, 1))]
    left_out = len(years) < len(held)
    periods = [(y, Period(date(y, 1, 1), last_day if y == month.year else date(y, 12, 31)))
               for y in years]  # fmt: skip
    inflow: list[Row] = []
    departures: list[Row] = []
    outflow: list[Row] = []
    nationalities: list[Row] = []
    for year, period in periods:
        k = key_figures(connection, period, today=last_day)
        by, c = k.inflow_by_source, k.closed_procedures
        e = c.exit_without_departure
        inflow.append(_counts(year, by.IND, by.POLITIE, by.KMAR, by.other, k.inflow))
        exact_rate = k.demonstrable_departure_rate
        rate: Cell = "" if exact_rate is None else round(exact_rate * 100, 1)
        kinds = (c.independent_departure, c.forced_departure, k.demonstrable_departure,
                 c.absconded)  # fmt: skip
        departures.append((*_counts(year, *kinds), rate))
        outflow.append(_counts(year, e.asylum_procedure, e.residence_permit, e.other, e.total))
        for rank, (code, count) in enumerate(top_inflow_nationalities(connection, period), 1):
            nationalities.append((year, rank, code, country_name(code), publish_count(count)))
    head = connection.execute(select(chain_head.c.last_seq, chain_head.c.last_hash)).one()
    as_of = connection.execute(
        select(events.c.recorded_at).where(events.c.seq == head.last_seq)
    ).scalar()
    tables = [
        Table("instroom", "Instroom naar bron",
              ("jaar", "IND", "Politie", "KMar", "overige", "totaal"), inflow),
        Table("vertrek", "Vertrek naar soort",
              ("jaar", "zelfstandig vertrek", "gedwongen vertrek", "aantoonbaar vertrek",
               "zelfstandig vertrek zonder toezicht", "aantoonbaar vertrek (%)"), departures),
        Table("uitstroom-zonder-vertrek", "Uitstroom zonder vertrek naar reden",
              ("jaar", "asielprocedure", "verblijfsvergunning", "overig", "totaal"), outflow),
        Table("nationaliteiten", "Top 5 nationaliteiten van de instroom",
              ("jaar", "rang", "code", "nationaliteit", "aantal"), nationalities),
    ]  # fmt: skip
    month_figures = rounded(key_figures(connection, Period(month, last_day), today=last_day))
    if not left_out or complete_from is None:
        return MonthlyFigures(month, as_of or "", head.last_hash, tables, month_figures)
    return MonthlyFigures(month, as_of or "", head.last_hash, tables, month_figures,
                          complete_from, first_whole_year(complete_from))  # fmt: skip


def _counts(year: int, *counts: int) -> Row:
    return (year, *(publish_count(n) for n in counts))


def country_name(code: str, lang: str = "nl") -> str:
    """The name of an ISO 3166 alpha-3 code ("MAR" → "Marokko", "Morocco"), by CLDR."""
    found = pycountry.countries.get(alpha_3=code)
    locale = Locale.parse("nl_NL" if lang == "nl" else "en_GB")
    name = locale.territories.get(found.alpha_2) if found else None
    return str(name) if name else code


def top_inflow_nationalities(connection: Connection, period: Period) -> list[tuple[str, int]]:
    """The 5 most common nationalities of the period's intakes (ties: by code)."""
    count = func.count().label("n")
    query = (
        select(cases.c.nationality, count)
        .select_from(events.join(cases, cases.c.case_seq == events.c.case_seq))
        .where(events.c.type == EventType.INTAKE,
               events.c.local_date.between(period.start, period.end), not_withdrawn())
        .group_by(cases.c.nationality)
        .order_by(count.desc(), cases.c.nationality)
        .limit(5)
    )  # fmt: skip
    return [(code, int(n)) for code, n in connection.execute(query)]
