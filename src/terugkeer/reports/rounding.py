"""The published form of figures: counts rounded to the nearest ten, below 5 shown as "<5"."""

from __future__ import annotations

from typing import Any

#: Values that are not counts of people or events and are published as they are.
_UNROUNDED = frozenset({"period", "member_states"})


def publish_count(count: int) -> int | str:
    """Nearest ten, halves up (DTenV publishes 19,990 and 3,380); counts below 5 are hidden."""
    if count < 5:
        return "<5"
    return (count + 5) // 10 * 10


def rounded(figures: dict[str, Any]) -> dict[str, Any]:
    """A copy of `figures` in the published form; rates stay unrounded (computed from exact
    counts), so the published rate is never derived from rounded numbers."""
    return {key: _round(key, value) for key, value in figures.items()}


def _round(key: str, value: Any) -> Any:
    if key in _UNROUNDED or isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return publish_count(value)
    if isinstance(value, dict):
        return rounded(value)
    if isinstance(value, list):
        return [_round(key, item) for item in value]
    return value
