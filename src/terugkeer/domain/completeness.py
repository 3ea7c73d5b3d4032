"""From when a store holds the caseload whole (issue 28).

A simulated store starts with a warm-up whose years hold only part of the caseload, and a real
store starts on the day its caseload was migrated; a year before that day holds fewer cases
than happened. A comparison with such a year ("156% more inflow than in 2022") or a series that
reaches into it says something false, so it is marked "not comparable" instead.
"""

from __future__ import annotations

from datetime import date


def comparable(complete_from: date | None, start: date) -> bool:
    """Whether a period starting on `start` lies where the store is whole. Without a
    complete-from day (never set) the store is taken as whole, as it was before the day
    existed: the operator sets it (`terugkeer db complete-from`)."""
    return complete_from is None or start >= complete_from
