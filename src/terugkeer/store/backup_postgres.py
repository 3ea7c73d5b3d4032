"""A PostgreSQL store dumped with pg_dump (custom format) and restored with pg_restore.

The dump and what the manifest says about it must describe the same moment while intake goes
on: this process opens a repeatable-read transaction, exports its snapshot, has pg_dump read
under that snapshot (`--snapshot`) and reads the manifest's facts in the same transaction.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL

from terugkeer.store import postgres_tools as tools
from terugkeer.store.errors import guarded

T = TypeVar("T")


def take(engine: Engine, dest: Path, read: Callable[[Connection], T]) -> tuple[T, str]:
    """Dump the store of `engine` to `dest`; `read` sees the same snapshot. Returns what `read`
    returned and what made the file ("pg_dump 15")."""
    pg_dump = tools.find("pg_dump")
    ours = tools.major_version(pg_dump)
    with guarded(engine.url, "read"), engine.connect() as plain:
        connection = plain.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
            if server > ours:
                raise tools.ToolError(
                    f"pg_dump {ours} ({pg_dump}) cannot dump a PostgreSQL {server} server: "
                    f"install the client programs of version {server} or newer"
                )
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tools.run(
                pg_dump, ["--format=custom", f"--snapshot={snapshot}", f"--file={dest}"], engine.url
            )
            facts = read(connection)
    return facts, f"pg_dump {ours}"


def restore(source: Path, engine: Engine) -> None:
    """Replace everything in the store's schema by the dump at `source`, in one transaction of
    pg_restore's. A schema with tables is dropped first (a failed restore leaves it empty); an
    empty one is left as it is, so a user who does not own it can restore into it."""
    pg_restore = tools.find("pg_restore")
    with guarded(engine.url, "written"), engine.begin() as connection:
        if inspect(connection).get_table_names():
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    tools.run(
        pg_restore,
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(source)],
        engine.url,
    )


@contextmanager
def scratch_database(engine: Engine) -> Iterator[URL]:
    """A new empty database on the server of `engine`, dropped afterwards (for a check that must
    not touch any store)."""
    name = "terugkeer_check_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    try:
        with guarded(engine.url, "used to create a scratch database"), admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield engine.url.set(database=name)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
