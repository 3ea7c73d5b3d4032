"""Building v1 chain-event lines for integration tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from terugkeer.bootstrap import bootstrap
from terugkeer.importing.service import ImportSummary, import_lines
from terugkeer.services.ingest import ingest_lines
from terugkeer.settings import Settings
from terugkeer.store.event_store import EventStore

#: The import's notion of "now" in tests: after every occurred_at used here.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def line(
    event_id: str,
    event_type: str,
    v_number: str,
    occurred_at: str,
    data: dict[str, Any] | None = None,
    source: str = "DTENV",
) -> str:
    return json.dumps(
        {
            "id": event_id,
            "type": event_type,
            "v_number": v_number,
            "occurred_at": occurred_at,
            "source": source,
            "data": data if data is not None else {},
        }
    )


def intake(event_id: str, v_number: str, at: str, nationality: str = "MAR") -> str:
    return line(event_id, "intake", v_number, at, {"nationality": nationality, "track": "asylum"})


def departed(event_id: str, v_number: str, at: str) -> str:
    data = {"mode": "independent", "destination": "MAR", "evidence": "iom_confirmation"}
    return line(event_id, "departed", v_number, at, data, source="IOM")


def run(store: EventStore, *lines: str) -> ImportSummary:
    """Import `lines` into `store`, received at NOW."""
    return import_lines(list(lines), store, clock=lambda: NOW)


def import_recorded_at(url: str, lines: list[str], recorded: datetime) -> None:
    """Import `lines` into the store at `url` as it receives them at `recorded` (its
    `recorded_at`): what "as known on" reads."""
    system = bootstrap(Settings(database_url=url))
    system.clock = lambda: recorded
    try:
        assert not ingest_lines(system, lines).rejected
    finally:
        system.close()
