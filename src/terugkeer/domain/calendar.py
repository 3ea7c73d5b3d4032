"""Calendar arithmetic in the agency's time zone (Europe/Amsterdam)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: The days a period may be asked within: no chain event is older, none far ahead, and the
#: day after LAST_DAY still exists (date.max + 1 day would overflow).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)


def to_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch; exact (no float rounding)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The aware UTC instant of `to_micros`; exact."""
    return _EPOCH + timedelta(microseconds=micros)


def local_date(moment: datetime) -> date:
    """The Europe/Amsterdam calendar day of an aware instant."""
    return moment.astimezone(AMSTERDAM).date()


def start_of_day(day: date) -> datetime:
    """The first instant of `day` in Europe/Amsterdam, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def last_instant(day: date) -> datetime:
    """The last microsecond of `day` in Europe/Amsterdam: "as known on a day" means by then."""
    return start_of_day(day + timedelta(days=1)) - timedelta(microseconds=1)


def end_of_day_micros(day: date) -> int:
    """Exclusive bound: the first microsecond (UTC epoch) of the day after `day` in Amsterdam.

    "On or before the end of day D" is then `micros < end_of_day_micros(D)`; this handles the
    23- and 25-hour days of daylight-saving changes.
    """
    return to_micros(start_of_day(day + timedelta(days=1)))


def add_months(day: date, months: int) -> date:
    """Calendar months later; a day that does not exist in the target month becomes its last day
    (2022-12-31 + 6 months = 2023-06-30), as RULES.md §2 prescribes."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_period(day: date, period: str) -> date:
    """`day` plus an ISO 8601 period of months, weeks or days ("P2M", "P2W", "P30D"); months as
    `add_months` counts them. The rules table checks the form (domain.rules.PERIOD_PATTERN)."""
    count, unit = int(period[1:-1]), period[-1]
    if unit == "M":
        return add_months(day, count)
    return day + timedelta(days=count * (7 if unit == "W" else 1))
