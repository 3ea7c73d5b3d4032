"""From when a store is whole: which periods compare, and where a yearly series starts."""

from __future__ import annotations

from datetime import date

from terugkeer.domain.completeness import comparable, first_whole_year


def test_a_period_compares_only_from_the_day_on() -> None:
    assert comparable(None, date(2017, 1, 1))  # never set: every period, as before
    assert comparable(date(2023, 1, 1), date(2023, 1, 1))
    assert not comparable(date(2023, 1, 1), date(2022, 12, 31))


def test_a_yearly_series_starts_with_the_first_year_wholly_after_the_day() -> None:
    assert first_whole_year(date(2023, 1, 1)) == 2023
    assert first_whole_year(date(2022, 7, 1)) == 2023  # half of 2022 is not 2022
    assert first_whole_year(date(2022, 12, 31)) == 2023
