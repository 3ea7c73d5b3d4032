"""Creating a SQLAlchemy engine for the event store, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

#: Execution option that marks a connection as a writer: on SQLite its transaction starts with
#: BEGIN IMMEDIATE, so that the read-validate-append of an import batch cannot interleave with
#: another writer (PostgreSQL serialises writers with a row lock on chain_head instead).
WRITER = "terugkeer_writer"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling is unreliable).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the importer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed batch survives a power cut
    cursor.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MiB: fewer, larger checkpoints
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB: index pages of a big store stay hot
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writer = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")
