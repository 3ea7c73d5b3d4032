"""Turning simulated facts into v1 chain-event lines (the same path as a partner feed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from terugkeer.chain_events.jsonline import compact
from terugkeer.domain.calendar import AMSTERDAM

#: Which chain partner reports each type (v1 `source`), when the model does not say otherwise.
SOURCE = {
    "interview": "DTENV",
    "location_changed": "COA",
    "procedure_started": "IND",
    "procedure_decided": "IND",
    "return_decision": "IND",
    "document_requested": "DTENV",
    "document_answered": "DTENV",
    "travel_document_valid": "DTENV",
    "detention_started": "DJI",
    "detention_ended": "DJI",
    "dublin_claim": "IND",
    "dublin_accepted": "IND",
    "dublin_refused": "IND",
    "support_granted": "IOM",
    "flight_booked": "DTENV",
    "flight_cancelled": "DTENV",
    "departed": "KMAR",
    "absconded": "DTENV",
    "exit_without_departure": "IND",
}


class Emitter:
    """Writes one JSON line per event; `day` is the model's clock (days since `origin`)."""

    def __init__(self, origin: datetime, write: Callable[[str], object], run: str) -> None:
        self.origin = origin.astimezone(UTC)
        self.write = write
        self.run = run
        self.count = 0

    def at(self, day: float) -> datetime:
        # Whole seconds: partners send seconds, and the output stays byte-stable across runs.
        # Down, never up: an event just before midnight stays on its day (and before `--to`'s
        # end); the small allowance keeps 2.9999999 s, a float's 3 s, at 3.
        seconds = math.floor(day * 86_400 + 1e-6)
        return (self.origin + timedelta(seconds=seconds)).astimezone(AMSTERDAM)

    def emit(
        self, day: float, kind: str, v_number: str, data: dict[str, Any], source: str = ""
    ) -> None:
        self.count += 1
        line = {
            "id": f"sim-{self.run}-{self.count:08d}",
            "type": kind,
            "v_number": v_number,
            "occurred_at": self.at(day).isoformat(),
            "source": source or SOURCE[kind],
            "data": data,
        }
        self.write(compact(line) + "\n")
