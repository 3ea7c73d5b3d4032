"""A new SQLite store uses 16 KiB pages (its commits write fewer pages); an existing store
keeps the page size it was made with and stays usable and verifiable."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from terugkeer.chain_events import parse_line
from terugkeer.domain.rules import RulesTable
from terugkeer.store.engine import PAGE_SIZE, make_engine
from terugkeer.store.event_store import EventStore, Outcome
from terugkeer.store.hashchain import verify
from terugkeer.store.schema import ensure_schema
from tests.integration.lines import intake

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        size: int = connection.execute("PRAGMA page_size").fetchone()[0]
    return size


def _append_one(url: str, rules: RulesTable, v_number: str) -> None:
    engine = make_engine(url)
    try:
        ensure_schema(engine, rules)
        store = EventStore(engine, rules, clock=lambda: NOW)
        text = intake(f"i-{v_number}", v_number, "2024-05-01T10:00:00+02:00")
        line = parse_line(text, received_at=NOW)
        assert store.append([line])[0].outcome is Outcome.ACCEPTED
        with engine.connect() as connection:
            assert verify(connection).intact
    finally:
        engine.dispose()


def test_a_new_store_has_16_kib_pages(tmp_path: Path, rules: RulesTable) -> None:
    path = tmp_path / "new.db"
    _append_one(f"sqlite:///{path}", rules, "1234567890")
    assert PAGE_SIZE == 16_384
    assert _page_size(path) == PAGE_SIZE


def test_an_existing_store_keeps_its_page_size_and_still_works(
    tmp_path: Path, rules: RulesTable
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:  # as a store made before 16 KiB pages
        connection.execute("PRAGMA page_size=4096")
        connection.execute("PRAGMA journal_mode=WAL")
    _append_one(f"sqlite:///{path}", rules, "1234567890")
    _append_one(f"sqlite:///{path}", rules, "1234567891")
    assert _page_size(path) == 4096
