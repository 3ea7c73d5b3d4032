"""Turning simulated facts into v1 chain-event lines (the same path as a partner feed)."""

from __future__ import annotations

import math
import random
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


#: The location kinds a mistyped location is sent with, before it is withdrawn.
_WRONG_KIND = {"azc": "vbl", "vbl": "azc", "emergency_reception": "azc"}


class Emitter:
    """Writes one JSON line per event; `day` is the model's clock (days since `origin`).
    `corrected_share`: of the interviews and location changes, how many come with a
    correction, drawn from a stream of their own (the model's draws stay as they were)."""

    def __init__(
        self,
        origin: datetime,
        write: Callable[[str], object],
        run: str,
        corrected_share: float = 0.0,
    ) -> None:
        self.origin = origin.astimezone(UTC)
        self.write = write
        self.run = run
        self.count = 0  # every line written
        self._numbered = 0  # the lines of the main series: their ids
        self._aside = 0  # the lines written aside (`emit_aside`): their own ids
        self.corrected_share = corrected_share
        self._corrections = random.Random(f"{run}:corrections")

    def at(self, day: float) -> datetime:
        # Whole seconds: partners send seconds, and the output stays byte-stable across runs.
        # Down, never up: an event just before midnight stays on its day (and before `--to`'s
        # end); the small allowance keeps 2.9999999 s, a float's 3 s, at 3.
        seconds = math.floor(day * 86_400 + 1e-6)
        return (self.origin + timedelta(seconds=seconds)).astimezone(AMSTERDAM)

    def emit(
        self, day: float, kind: str, v_number: str, data: dict[str, Any], source: str = ""
    ) -> None:
        sender = source or SOURCE[kind]
        if (
            self.corrected_share
            and kind in ("interview", "location_changed")
            and self._corrections.random() < self.corrected_share
        ):
            self._corrected(day, kind, v_number, data, sender)
            return
        self._line(day, kind, v_number, data, sender)

    def emit_aside(
        self, day: float, kind: str, v_number: str, data: dict[str, Any], source: str
    ) -> None:
        """A line of a stream added to the model's own (the Ukraine support) with ids of its
        own, so that adding it leaves every other line, id included, as it was."""
        self._aside += 1
        self._line(day, kind, v_number, data, source, f"sim-{self.run}-ua{self._aside:07d}")

    def _line(
        self,
        day: float,
        kind: str,
        v_number: str,
        data: dict[str, Any],
        source: str,
        event_id: str = "",
    ) -> str:
        self.count += 1
        if not event_id:
            self._numbered += 1
            event_id = f"sim-{self.run}-{self._numbered:08d}"
        line = {
            "id": event_id,
            "type": kind,
            "v_number": v_number,
            "occurred_at": self.at(day).isoformat(),
            "source": source,
            "data": data,
        }
        self.write(compact(line) + "\n")
        return event_id

    def _corrected(
        self, day: float, kind: str, v_number: str, data: dict[str, Any], source: str
    ) -> None:
        """The fact with a correction by its sender, all at the fact's moment: a duplicate
        interview withdrawn, or a location first sent with the wrong kind, withdrawn and sent
        again right."""
        wrong = _WRONG_KIND.get(str(data.get("kind"))) if kind == "location_changed" else None
        if wrong is None:
            self._line(day, kind, v_number, data, source)
            copy = self._line(day, kind, v_number, data, source)
            self._line(day, "retracted", v_number, {"event_id": copy, "reason": "duplicate"},
                       source)  # fmt: skip
            return
        mistaken = self._line(day, kind, v_number, {**data, "kind": wrong}, source)
        self._line(day, "retracted", v_number,
                   {"event_id": mistaken, "reason": "entered_in_error"}, source)  # fmt: skip
        self._line(day, kind, v_number, data, source)
