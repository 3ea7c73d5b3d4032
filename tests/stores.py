"""Stores at the current schema without events, for tests: copied from one migrated template
per process instead of migrated anew each time.

Running the Alembic migrations costs 0.2-0.5 s on SQLite and 0.5-1 s on PostgreSQL, and the
suite creates a store some thousand times (every page test, every hypothesis example of the
property tests, twice each). A copy of a store the product itself migrated is the same store:
the template is built by `ensure_schema`, so a new migration is in it at once. Migrating an
empty database stays tested where it is the point (tests marked `empty_store`, the migration
and start-up tests)."""

from __future__ import annotations

import secrets
import string
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from terugkeer.store.engine import make_engine
from terugkeer.store.schema import ensure_schema

_sqlite_template: bytes | None = None


def _migrated_sqlite_bytes() -> bytes:
    """The bytes of a migrated SQLite store without events, built once per process."""
    global _sqlite_template
    if _sqlite_template is None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "template.db"
            engine = make_engine(f"sqlite:///{path}")
            ensure_schema(engine)
            with engine.connect() as connection:
                # Everything into the main file, so that the file alone is the store.
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            wal = path.with_name(path.name + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0, "the template's WAL is not empty"
            _sqlite_template = path.read_bytes()
    return _sqlite_template


def sqlite_store(path: Path) -> str:
    """The URL of a new SQLite store at `path`: the current schema, no events."""
    path.write_bytes(_migrated_sqlite_bytes())
    return f"sqlite:///{path}"


def random_name(prefix: str) -> str:
    # Letters only: a random hex name can hold ten digits in a row, which the tests that check
    # error sentences for anything shaped like a V-number would then (rightly) flag.
    return prefix + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


class PostgresTemplates:
    """New PostgreSQL databases on one server, empty or copied (`CREATE DATABASE … TEMPLATE`)
    from a migrated template built on first use. `close` drops the template."""

    def __init__(self, server_url: str) -> None:
        self._url = make_url(server_url)
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._template: str | None = None

    def url_of(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool) -> str:
        """A new database's name: at the current schema without events, or empty."""
        name = random_name("terugkeer_test_")
        source = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{source}'))
        return name

    def drop(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _migrated_template(self) -> str:
        if self._template is None:
            name = self.create(migrated=False)
            engine = make_engine(self.url_of(name))
            try:
                ensure_schema(engine)
            finally:
                # A template is copied only while nobody is connected to it.
                engine.dispose()
            self._template = name
        return self._template

    def close(self) -> None:
        if self._template is not None:
            self.drop(self._template)
            self._template = None
        self._admin.dispose()
