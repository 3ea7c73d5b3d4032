"""The dashboard compares a period with the one before it and with the same period a year
earlier: whole months with whole months, other periods day for day."""

from __future__ import annotations

from datetime import date

import pytest

from terugkeer.reports.period import Period
from terugkeer.services.dashboard import compared_periods, default_period


def _pair(start: str, end: str) -> tuple[date, date]:
    return date.fromisoformat(start), date.fromisoformat(end)


@pytest.mark.parametrize(
    ("period", "previous", "year_earlier"),
    [
        # A month: the month before (shorter or not), and the same month of last year.
        (("2024-03-01", "2024-03-31"), ("2024-02-01", "2024-02-29"), ("2023-03-01", "2023-03-31")),
        # A quarter, and a leap February a year on.
        (("2024-04-01", "2024-06-30"), ("2024-01-01", "2024-03-31"), ("2023-04-01", "2023-06-30")),
        (("2024-02-01", "2024-02-29"), ("2024-01-01", "2024-01-31"), ("2023-02-01", "2023-02-28")),
        # Not whole months: as many days before.
        (("2023-01-01", "2023-03-10"), ("2022-10-24", "2022-12-31"), ("2022-01-01", "2022-03-10")),
    ],
)
def test_compared_periods(
    period: tuple[str, str], previous: tuple[str, str], year_earlier: tuple[str, str]
) -> None:
    found = compared_periods(Period(*_pair(*period)))
    assert (found.previous.start, found.previous.end) == _pair(*previous)
    assert (found.year_earlier.start, found.year_earlier.end) == _pair(*year_earlier)


def test_the_default_is_the_year_so_far() -> None:
    assert default_period(date(2023, 3, 10)) == Period(date(2023, 1, 1), date(2023, 3, 10))
    assert default_period(date(2024, 1, 1)) == Period(date(2024, 1, 1), date(2024, 1, 1))
