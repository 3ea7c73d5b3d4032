"""Build one case's events for given-events / then tests, in history order."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.events import Event


def at(moment: str) -> datetime:
    """'2023-03-01' is noon in Amsterdam that day; otherwise an ISO date-time with an offset."""
    if len(moment) == 10:
        return datetime.combine(datetime.fromisoformat(moment).date(), time(12), AMSTERDAM)
    parsed = datetime.fromisoformat(moment)
    assert parsed.tzinfo is not None, "test events need an aware occurred_at"
    return parsed


class Case:
    """A case opened by an intake; `add` appends events, `events` gives them in history order."""

    def __init__(self, intake_at: str = "2023-01-02", **intake_data: Any) -> None:
        self._events: list[Event] = []
        self.add("intake", intake_at, **{"nationality": "MAR", "track": "dublin", **intake_data})

    def add(self, type_: str, moment: str, **data: Any) -> Event:
        seq = len(self._events) + 1
        event = Event(
            id=f"e{seq}-{type_}",
            type=type_,
            v_number="1234567890",
            occurred_at=at(moment),
            source="DTENV",
            data=data,
            seq=seq,
        )
        self._events.append(event)
        return event

    @property
    def events(self) -> list[Event]:
        return sorted(self._events, key=lambda e: e.sort_key)
