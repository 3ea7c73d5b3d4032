"""Durations in weeks as the annual report publishes them."""

from terugkeer.domain.weeks import WEEK_MICROS, median_weeks, whole_weeks


def test_an_even_number_of_durations_has_the_mean_of_the_middle_two_as_median() -> None:
    assert median_weeks([WEEK_MICROS * w for w in (9, 1, 2, 50)]) == 5.5


def test_a_decision_dated_before_its_start_counts_as_no_time_and_none_gives_no_median() -> None:
    assert median_weeks([-WEEK_MICROS, 3 * WEEK_MICROS, 3 * WEEK_MICROS]) == 3.0
    assert median_weeks([-WEEK_MICROS, -WEEK_MICROS, 3 * WEEK_MICROS]) == 0.0
    assert median_weeks([]) is None


def test_weeks_are_published_whole_with_halves_up() -> None:
    assert [whole_weeks(w) for w in (48.5, 49.49, 49.5, 0.2)] == [49, 49, 50, 0]
