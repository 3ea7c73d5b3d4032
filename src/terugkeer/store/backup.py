"""A store copied to one file and back, on either backend, and the heads a manifest records.

SQLite: the online backup API (store/backup_sqlite.py); PostgreSQL: pg_dump and pg_restore
(store/backup_postgres.py). Either way `take` hands the caller a connection that sees exactly
what the file holds, so that a manifest read through it describes the file even while intake
goes on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine, func, inspect, select, text

from terugkeer.store import backup_postgres, backup_sqlite
from terugkeer.store.errors import guarded
from terugkeer.store.tables import access_log_head, chain_head, events

T = TypeVar("T")

#: The backup file's name in the backup folder, per backend.
FILE_NAMES = {"sqlite": "store.sqlite3", "postgresql": "store.pgdump"}


@dataclass(frozen=True, slots=True)
class Copy(Generic[T]):
    file: Path
    facts: T
    #: What made it: "SQLite 3.40.1 online backup" or "pg_dump 15".
    tool: str


def backend(engine: Engine) -> str:
    return engine.dialect.name


def take(engine: Engine, folder: Path, read: Callable[[Connection], T]) -> Copy[T]:
    """Copy the store into `folder`; `read` runs on a connection that sees exactly the copy."""
    kind = backend(engine)
    if kind not in FILE_NAMES:
        raise ValueError(f"no backup for a {kind} store")
    dest = folder / FILE_NAMES[kind]
    if kind == "sqlite":
        facts = backup_sqlite.take(engine, dest, read)
        return Copy(dest, facts, f"SQLite {sqlite3.sqlite_version} online backup")
    facts, tool = backup_postgres.take(engine, dest, read)
    return Copy(dest, facts, tool)


def restore(file: Path, engine: Engine) -> None:
    """Replace everything in the store of `engine` by the copy in `file`."""
    if backend(engine) == "sqlite":
        backup_sqlite.restore(file, engine)
    else:
        backup_postgres.restore(file, engine)


def is_empty(engine: Engine) -> bool:
    """No table at all: nothing a restore would overwrite."""
    with guarded(engine.url, "opened"), engine.connect() as connection:
        return not inspect(connection).get_table_names()


@contextmanager
def scratch_database(engine: Engine) -> Iterator[str]:
    """The URL of a new empty database on the PostgreSQL server of `engine`, dropped after."""
    with backup_postgres.scratch_database(engine) as url:
        yield url.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class Heads:
    """The last link of each chain, the schema revision and the years the events fall in."""

    events: tuple[int, str]
    access_log: tuple[int, str]
    revision: str | None
    first_year: int | None
    last_year: int | None
    #: HMAC of a constant under the pseudonym key the store was written with (None: no writes).
    key_check: str | None


def heads(connection: Connection) -> Heads:
    head = connection.execute(select(chain_head).where(chain_head.c.id == 1)).first()
    logged = connection.execute(select(access_log_head).where(access_log_head.c.id == 1)).first()
    first, last = connection.execute(
        select(func.min(events.c.local_date), func.max(events.c.local_date))
    ).one()
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return Heads(
        events=(head.last_seq, head.last_hash) if head else (0, "0" * 64),
        access_log=(logged.last_seq, logged.last_hash) if logged else (0, "0" * 64),
        revision=revision,
        first_year=first.year if first else None,
        last_year=last.year if last else None,
        key_check=head.key_check if head else None,
    )


def event_links(connection: Connection) -> list[tuple[int, str]]:
    """Every event's (seq, hash), in order: what a restored prefix is compared with."""
    rows = connection.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq))
    return [(seq, digest) for seq, digest in rows]
