"""Durations in weeks, as the annual report publishes them ("Zo duurt het momenteel 50 weken
voordat een herhaalde asielaanvraag is afgehandeld"): a median of exact durations, rounded once
at the end so that the rounding of single durations cannot move it."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

#: Microseconds in a week: durations are differences of `occurred_at` instants, so a week is
#: exactly 7 times 24 hours, whatever a daylight-saving change in between does to the wall clock.
WEEK_MICROS = 7 * 24 * 3600 * 1_000_000


def median_weeks(durations_micros: Sequence[int]) -> float | None:
    """The median of the durations in (unrounded) weeks; the mean of the middle two for an
    even number; a negative duration (a decision dated before its start, which the format
    allows) counts as 0. None without durations."""
    if not durations_micros:
        return None
    return statistics.median(max(d, 0) for d in durations_micros) / WEEK_MICROS


def whole_weeks(weeks: float) -> int:
    """Rounded to the nearest whole week, halves up (49.5 → 50): not Python's round-half-even,
    which would publish 48.5 and 49.5 differently for no reason a reader could see."""
    return math.floor(weeks + 0.5)
