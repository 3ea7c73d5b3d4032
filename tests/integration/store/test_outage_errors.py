"""The database lost in the middle of an append: nothing half-stored, the event store's
in-memory histories not fooled, and the same batch stored once when sent again. Which
database errors are an outage (503, send again) and which are not (a fault: 500)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.parsing import parse_chunk
from terugkeer.store.errors import StoreUnavailableError, is_outage
from terugkeer.store.event_store import Appended, EventStore, Outcome
from terugkeer.store.tables import events
from tests.integration.lines import NOW, intake, line

V, W = "1234567890", "1234567891"


def _parsed(*lines: str):  # type: ignore[no-untyped-def]
    parsed, results = parse_chunk(list(enumerate(lines, start=1)), NOW, 1 << 20)
    assert not results
    return [p for _, p in parsed]


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(events)).scalar_one())


def _lost_connection(connection: Connection, _: list[Appended]) -> None:
    """After the events were judged and written, before the commit: the connection goes, as
    when PostgreSQL is stopped (fast) or restarted under the server; on SQLite, a statement
    that fails."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    else:
        connection.execute(text("SELECT * FROM no_such_table"))


def test_an_append_that_loses_its_connection_stores_nothing_and_is_stored_once_when_sent_again(
    engine: Engine, rules: RulesTable
) -> None:
    store = EventStore(engine, rules, clock=lambda: NOW)
    store.append(_parsed(intake("a-1", V, "2023-01-05T10:00:00+01:00")))
    batch = _parsed(
        intake("b-1", W, "2023-01-06T10:00:00+01:00"),
        line("a-2", "location_changed", V, "2023-01-07T10:00:00+01:00", {"kind": "azc"}),
    )
    with pytest.raises((StoreUnavailableError, DBAPIError)) as failed:
        store.append(batch, also=_lost_connection)
    if engine.dialect.name == "postgresql":
        assert is_outage(failed.value)  # the API answers 503, the pages "try again"
    assert _count(engine) == 1  # nothing of the batch
    # The store's memory does not believe W's intake was stored: a move of W is judged
    # against what the database holds (no case), not against the lost batch.
    move = line("b-2", "location_changed", W, "2023-01-08T10:00:00+01:00", {"kind": "azc"})
    alone = store.append(_parsed(move))
    assert alone[0].outcome is Outcome.REJECTED
    again = store.append(batch)  # the client's retry: the engine reconnected by itself
    assert [r.outcome for r in again] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    assert [r.outcome for r in store.append(batch)] == [Outcome.KNOWN, Outcome.KNOWN]
    assert _count(engine) == 3


def test_sqlite_locked_past_its_timeout_is_an_outage_and_a_missing_table_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the file
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    try:
        with pytest.raises(DBAPIError) as locked, engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert is_outage(locked.value)
        holder.execute("ROLLBACK")
        with pytest.raises(DBAPIError) as missing, engine.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table"))
        assert not is_outage(missing.value)  # a fault of ours: retrying cures nothing
    finally:
        holder.close()
        engine.dispose()


def test_postgres_unreachable_is_an_outage() -> None:
    # A port nobody listens on: connection refused, as while PostgreSQL is stopped.
    from terugkeer.bench.servers import free_port

    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres")
    with pytest.raises(DBAPIError) as refused, engine.connect():
        pass
    assert is_outage(refused.value)
    assert not is_outage(ValueError("not a database error"))


def test_a_database_host_that_never_answers_is_an_outage_not_a_hang() -> None:
    """A listener that accepts the connection and then says nothing, as a host cut off by a
    failover looks: connecting gives up after the engine's connect timeout."""
    import socket
    import threading

    from terugkeer.store.engine import make_engine

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever answers
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
        failed: list[BaseException] = []

        def connect() -> None:
            try:
                with engine.connect():
                    pass
            except BaseException as error:
                failed.append(error)

        attempt = threading.Thread(target=connect, daemon=True)
        attempt.start()
        attempt.join(timeout=120)  # a bound against hanging for ever, not a speed check
        engine.dispose()
    assert not attempt.is_alive(), "connecting hung"
    assert len(failed) == 1 and is_outage(failed[0])
