"""Support for Ukrainians and the remigration of third-country nationals from Ukraine
(docs/figures.md, "Ukraine"): `support_granted` events of kind `ukraine_return` and
`ukraine_third_country`, not withdrawn, counted by their Europe/Amsterdam day like every figure.

- returns: `ukraine_return` in the period; and since the start: from the first such event the
  store holds to the end of the period ("in totaal tot nu toe 460").
- third country: `ukraine_third_country` in the period; and in total from the first such event
  to the end of the scheme, whatever the period (the seed's report of 2023 counts to March 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

#: The last day of the remigration scheme for third-country nationals from Ukraine: "dit beleid
#: is op 4 maart 2024 beëindigd" (RULES.md §7; DTenV, Stand van de uitvoering 2023). Not in the
#: rules table (rules/rules.toml holds no support rules): a named constant with its source.
THIRD_COUNTRY_SCHEME_ENDED = date(2024, 3, 4)
RETURN_KIND, THIRD_COUNTRY_KIND = "ukraine_return", "ukraine_third_country"


@dataclass(frozen=True, slots=True)
class Tally:
    in_period: int
    total: int  # from `since` up to and including `until`
    since: date | None  # the first such event in the store up to `until`; None: none
    until: date


@dataclass(frozen=True, slots=True)
class UkraineSupport:
    returns: Tally
    third_country: Tally


def ukraine_support(connection: Connection, period: Period) -> UkraineSupport:
    return UkraineSupport(
        returns=_tally(connection, RETURN_KIND, period, until=period.end),
        third_country=_tally(
            connection, THIRD_COUNTRY_KIND, period, until=THIRD_COUNTRY_SCHEME_ENDED
        ),
    )


def _tally(connection: Connection, kind: str, period: Period, *, until: date) -> Tally:
    day = events.c.local_date
    query = select(
        func.count().filter(day.between(period.start, period.end)),
        func.count().filter(day <= until),
        func.min(day).filter(day <= until),
    ).where(events.c.type == EventType.SUPPORT_GRANTED, events.c.category == kind, not_withdrawn())
    in_period, total, since = connection.execute(query).one()
    return Tally(int(in_period), int(total), since, until)
