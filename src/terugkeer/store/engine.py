"""Creating a SQLAlchemy engine for the event store, on SQLite or PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from terugkeer.settings import DEFAULT_DATA_DIR
from terugkeer.store.errors import unavailable

#: Execution option that marks a connection as a writer: on SQLite its transaction starts with
#: BEGIN IMMEDIATE, so that the read-validate-append of an import batch cannot interleave with
#: another writer (PostgreSQL serialises writers with a row lock on chain_head instead).
WRITER = "terugkeer_writer"
#: Bytes per page of a new SQLite store (SQLite's default is 4,096).
PAGE_SIZE = 16_384
#: Seconds a SQLite writer waits for another one before giving up.
BUSY_TIMEOUT = 60
#: Seconds a PostgreSQL connection may take to open (unless the URL says `connect_timeout`).
CONNECT_TIMEOUT = 10
_EXAMPLES = "e.g. sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"


def make_engine(url: str) -> Engine:
    """An engine for `url`; raises StoreUnavailableError for a URL or SQLite path that cannot
    work (connecting is lazy: driver errors surface where the store is first used)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise unavailable(url, f"is not a database URL ({_EXAMPLES})") from None
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        _prepare_directory(parsed)
    options: dict[str, Any] = (
        {"connect_args": {"timeout": BUSY_TIMEOUT}} if sqlite else {"pool_pre_ping": True}
    )
    if not sqlite and "connect_timeout" not in parsed.query:
        # A database host that does not answer at all (a failover, a network cut) fails a
        # request after this, as a 503 (web/outage.py), instead of holding its thread for
        # the minutes TCP takes to give up, until no thread is left to answer anyone.
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        engine = create_engine(parsed, **options)
    except NoSuchModuleError:
        kind = parsed.drivername
        raise unavailable(parsed, f"is of an unknown kind {kind!r} ({_EXAMPLES})") from None
    except ImportError as error:  # a known dialect whose driver is not installed
        raise unavailable(parsed, f"needs a driver that is not installed ({error.name})") from None
    except ArgumentError as error:  # its message names an option, never a password
        raise unavailable(parsed, f"has an invalid option: {error}") from None
    if sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (also as a `file:` URI); None for an in-memory database."""
    database = url.database or ""
    if url.query.get("uri") in ("true", "1"):
        if url.query.get("mode") == "memory":
            return None
        if database.startswith("file:"):
            database = unquote(urlsplit(database).path)
    return None if database in ("", ":memory:") else Path(database)


def _prepare_directory(url: URL) -> None:
    """A missing directory is a mistyped path, not a new empty store, except under the
    embedded data directory var/, the one place created on first use."""
    path = _sqlite_file(url)
    if path is None:
        return
    if path.is_dir():
        raise unavailable(url, f"cannot be opened: {path} is a directory, not a database")
    if path.parent.is_dir():
        return
    existing = next(p for p in path.parents if p.exists())  # "." or "/" at the latest
    if not existing.is_dir():
        raise unavailable(url, f"cannot be opened: {existing} is a file, not a directory")
    if path.parent != DEFAULT_DATA_DIR and DEFAULT_DATA_DIR not in path.parent.parents:
        raise unavailable(url, f"cannot be opened: the directory {path.parent} does not exist")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unavailable(url, f"cannot be created in {path.parent}: {error.strerror}") from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling is unreliable).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Before WAL, which fixes a file's page size once it has pages: only a new file takes it.
    # 16 KiB pages: a batch's commit writes fewer of them (the import's commit took 0.6 of the
    # time with 4 KiB; issue 30). An existing store keeps its size.
    cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
    _journal_mode_wal(cursor)  # readers never block the importer
    cursor.execute("PRAGMA synchronous=FULL")  # a committed batch survives a power cut
    cursor.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MiB: fewer, larger checkpoints
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB: index pages of a big store stay hot
    cursor.close()


def _journal_mode_wal(cursor: Any) -> None:
    # Switching a new file to WAL does not wait on the busy timeout: when two processes create
    # the store at the same moment, one gets "database is locked" at once. Retry, then the
    # file is in WAL already (the mode is stored in it) and the statement changes nothing.
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: Connection) -> None:
    writer = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that reads and then writes, committed at the end: on SQLite it takes the
    write lock at its start (waiting up to BUSY_TIMEOUT), since a deferred transaction that
    read first fails at once with "database is locked" when another writer went ahead."""
    with engine.connect() as plain, plain.execution_options(**{WRITER: True}).begin() as tx:
        yield tx.connection


def single_connection(engine: Engine) -> Engine:
    """An engine on `engine`'s database that holds one connection of its own for every use:
    temporary tables and views made on it are seen by each caller (store/as_of.py)."""
    sqlite = engine.dialect.name == "sqlite"
    options: dict[str, Any] = {"poolclass": StaticPool}
    if sqlite:  # one connection, used by whichever thread reads next
        options["connect_args"] = {"timeout": BUSY_TIMEOUT, "check_same_thread": False}
    single = create_engine(engine.url, **options)
    if sqlite:
        event.listen(single, "connect", _sqlite_connect)
        event.listen(single, "begin", _sqlite_begin)
    return single
