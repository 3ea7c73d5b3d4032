"""Support for Ukrainians and the remigration of third-country nationals from Ukraine
(docs/figures.md, "Ukraine"): `support_granted` events of kind `ukraine_return` and
`ukraine_third_country`, not withdrawn, counted by their Europe/Amsterdam day like every figure.

- returns: `ukraine_return` in the period; and in total from the scheme's start (the rules
  table) to the end of the period ("in totaal tot nu toe 460").
- third country: `ukraine_third_country` in the period; and in total from the scheme's start to
  its end (the rules table: 4 March 2024), whatever the period (the seed's report of 2023 counts
  to March 2024).

A total never reaches before the store's complete-from day: from there on it says so (`partial`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

RETURN_KIND, THIRD_COUNTRY_KIND = "ukraine_return", "ukraine_third_country"


@dataclass(frozen=True, slots=True)
class Scheme:
    """When a scheme was open, from the rules table: `ended` is the day a later row closed it
    (None while it is open)."""

    started: date
    ended: date | None


@dataclass(frozen=True, slots=True)
class Tally:
    in_period: int
    #: From `since` up to and including `until`; None when `since` lies after the period (a
    #: total that would not hold the period's own count is no total of it).
    total: int | None
    since: date  # the scheme's start, or the complete-from day when that is later
    until: date  # the scheme's end or the period's, never after the data's date
    partial: bool  # the scheme started before the store is complete: `since` is that day


@dataclass(frozen=True, slots=True)
class UkraineSupport:
    returns: Tally | None  # None: the scheme had not started by the period's end
    third_country: Tally | None
    third_country_ended: date | None


def ukraine_support(
    connection: Connection,
    period: Period,
    *,
    returns: Scheme | None,
    third_country: Scheme | None,
    complete_from: date | None,
    data_date: date | None,
) -> UkraineSupport:
    """`data_date`: the last day the store accepted events on (a total "to 4 March 2024" in a
    report made before then runs to that day instead)."""

    def tally(kind: str, scheme: Scheme | None, until: date) -> Tally | None:
        if scheme is None or scheme.started > period.end:
            return None
        since = max(scheme.started, complete_from or scheme.started)
        until = min(until, data_date) if data_date else until
        return _tally(connection, kind, period, since=since, until=until,
                      partial=since > scheme.started)  # fmt: skip

    ended = third_country.ended if third_country else None
    return UkraineSupport(
        returns=tally(RETURN_KIND, returns, period.end),
        third_country=tally(THIRD_COUNTRY_KIND, third_country, ended or period.end),
        third_country_ended=ended,
    )


def _tally(
    connection: Connection, kind: str, period: Period, *, since: date, until: date, partial: bool
) -> Tally:
    day = events.c.local_date
    query = select(
        func.count().filter(day.between(period.start, period.end)),
        func.count().filter(day.between(since, until)),
    ).where(events.c.type == EventType.SUPPORT_GRANTED, events.c.category == kind, not_withdrawn())
    in_period, total = connection.execute(query).one()
    return Tally(int(in_period), int(total) if since <= period.end else None, since, until, partial)
