"""`recorded_at` never runs backwards against `seq`, whatever each writer's clock says: a
host whose clock is behind stamps its events with the chain head's time, not before it. The
"as known at" copies and the monthly publications rely on it (a prefix of the chain is what
was known by then). One writer here is a real `terugkeer import` process on the real clock,
the other this process with its clock set back or ahead, on one store."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.store.event_store import EventStore
from terugkeer.store.hashchain import verify
from terugkeer.store.tables import events
from tests.integration.lines import intake, line

pytestmark = pytest.mark.slow
V = "1234567890"


def _import_in_another_process(tmp_path: Path, database_url: str, text: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(text + "\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "terugkeer",
        "import",
        str(feed),
        "--database-url",
        database_url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def _append_here(engine: Engine, rules: RulesTable, clock: datetime, text: str) -> None:
    store = EventStore(engine, rules, clock=lambda: clock)
    summary = import_lines([text], store, clock=lambda: clock)
    assert summary.accepted == 1, summary.rejected


def _recorded(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        query = select(events.c.recorded_at).order_by(events.c.seq)
        return list(connection.execute(query).scalars())


def test_a_writer_whose_clock_is_behind_or_ahead_never_stamps_before_the_head(
    engine: Engine, rules: RulesTable, database_url: str, tmp_path: Path
) -> None:
    moved = {"kind": "azc"}
    _import_in_another_process(
        tmp_path, database_url, intake("e-1", V, "2023-01-05T10:00:00+01:00")
    )
    behind = datetime.now(UTC) - timedelta(hours=1)
    _append_here(
        engine,
        rules,
        behind,
        line("e-2", "location_changed", V, "2023-01-06T10:00:00+01:00", moved),
    )
    ahead = datetime.now(UTC) + timedelta(hours=1)
    _append_here(
        engine, rules, ahead, line("e-3", "location_changed", V, "2023-01-07T10:00:00+01:00", moved)
    )
    _import_in_another_process(
        tmp_path,
        database_url,
        line("e-4", "location_changed", V, "2023-01-08T10:00:00+01:00", moved),
    )

    first, second, third, fourth = _recorded(engine)
    assert second == first  # the clock an hour behind: the head's time, not an hour before it
    assert third == ahead.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert fourth == third  # the real clock, now behind the head
    with engine.connect() as connection:
        assert verify(connection).intact
