"""Stores at the current schema without events, for tests: copied from one migrated template
per process instead of migrated anew each time.

Running the Alembic migrations costs 0.2-0.5 s on SQLite and 0.5-1 s on PostgreSQL, and the
suite creates a store some thousand times (every page test, every hypothesis example of the
property tests, twice each). A copy of a store the product itself migrated is the same store:
the template is built by `ensure_schema`, so a new migration is in it at once. Migrating an
empty database stays tested where it is the point (tests marked `empty_store`, the migration
and start-up tests). On PostgreSQL a copy a test is done with is emptied and lent again
(`PostgresTemplates`), held to a fresh copy by tests/integration/store/test_test_stores.py."""

from __future__ import annotations

import secrets
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

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
    from a migrated template built on first use. `close` drops the template.

    A migrated database a test is done with is emptied back to the template's state and used
    again, when its schema is still the template's (`_Template.fingerprint`): a copy costs the
    server 0.2-0.6 s, most of it the kernel's, which the tests' processes wait for and the
    other worker loses a core to; emptying took 0.07 s against 0.55 s for a copy and a drop.
    One changed in any way the fingerprint sees (a downgrade, a dropped table) is dropped, as
    is every empty one. A process a test left running that connects again after its sessions
    were ended would write into the next test's store: the tests end their servers first."""

    def __init__(self, server_url: str) -> None:
        self._url = make_url(server_url)
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._template: _Template | None = None
        self._lent: set[str] = set()  # migrated copies in a test's hands
        self._clean: list[str] = []  # migrated copies at the template's state, to lend again

    def url_of(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool) -> str:
        """A new database's name: at the current schema without events, or empty."""
        if migrated and self._clean:
            name = self._clean.pop()
            with self._admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        else:
            name = random_name("terugkeer_test_")
            source = f' TEMPLATE "{self._migrated_template().name}"' if migrated else ""
            with self._admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"{source}'))
        if migrated:
            self._lent.add(name)
        return name

    def drop(self, name: str) -> None:
        """Done with `name`: kept to lend again when it could be emptied, else dropped."""
        if name in self._lent:
            self._lent.discard(name)
            try:
                emptied = self._emptied(name)
            except (DBAPIError, psycopg.Error):  # dropped as before, and the next is a copy
                emptied = False
            if emptied:
                self._clean.append(name)
                return
        self._drop(name)

    def _drop(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _emptied(self, name: str) -> bool:
        """Bring `name` back to the template's rows and sequences, if its schema is the
        template's; whether it was."""
        assert self._template is not None
        with self._admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": name}).first()  # fmt: skip
            if exists is None:  # the test dropped it itself
                return False
            _end_sessions(connection, name)  # what the test left connected: a server, a pool
        with psycopg.connect(_libpq(self.url_of(name))) as connection:
            if _fingerprint(connection) != self._template.fingerprint:
                return False
            self._template.restore(connection)
        with self._admin.connect() as connection:
            # Nobody connects while it waits to be lent; whoever came in since the restore
            # (a process the test left running, connecting again) may have written: dropped.
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            return not _end_sessions(connection, name)

    def _migrated_template(self) -> _Template:
        if self._template is None:
            name = self.create(migrated=False)
            engine = make_engine(self.url_of(name))
            try:
                ensure_schema(engine)
            finally:
                # A template is copied only while nobody is connected to it.
                engine.dispose()
            with psycopg.connect(_libpq(self.url_of(name))) as connection:
                self._template = _Template.of(name, connection)
        return self._template

    def close(self) -> None:
        for name in [*self._clean, *self._lent]:
            self._drop(name)
        self._clean.clear()
        self._lent.clear()
        if self._template is not None:
            self._drop(self._template.name)
            self._template = None
        self._admin.dispose()


@dataclass(frozen=True)
class _Template:
    """The migrated template: its name, its schema's fingerprint, the rows the migrations put
    in its tables (COPY's text) and its sequences' positions."""

    name: str
    fingerprint: str
    rows: dict[str, bytes]
    sequences: dict[str, tuple[int, bool]]

    @classmethod
    def of(cls, name: str, connection: psycopg.Connection[Any]) -> _Template:
        rows = {}
        for table in _tables(connection):
            with connection.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                rows[table] = b"".join(bytes(chunk) for chunk in copy)
        sequences = {}
        for (sequence,) in connection.execute(_SEQUENCES).fetchall():
            position = connection.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = position.fetchone() or (1, False)
            sequences[sequence] = (last, called)
        return cls(name, _fingerprint(connection), rows, sequences)

    def restore(self, connection: psycopg.Connection[Any]) -> None:
        """In one transaction: every table holds the template's rows again (foreign keys and
        triggers are not fired meanwhile), every sequence is where the template's was."""
        with connection.transaction():
            connection.execute("SET LOCAL session_replication_role = replica")
            cursor = connection.cursor()
            for table, rows in self.rows.items():
                cursor.execute(f"DELETE FROM {table}")
                if rows:
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(rows)
            for sequence, (last, called) in self.sequences.items():
                cursor.execute("SELECT setval(%s, %s, %s)", (sequence, last, called))


def _end_sessions(connection: Connection, name: str) -> bool:
    """End every other session on database `name`, waiting until each has exited; whether
    there were any."""
    ended = connection.execute(text(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name}).all()  # fmt: skip
    return bool(ended)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tables(connection: psycopg.Connection[Any]) -> list[str]:
    found = connection.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [table for (table,) in found.fetchall()]


_SEQUENCES = (
    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
    "ORDER BY 1"
)

#: What a test could have changed about a database besides its rows: relations (with their
#: persistence, options, grants and row security), columns in their order, defaults,
#: constraints, indexes, triggers, types, policies, rules, functions, schemas, extensions,
#: settings.
_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, '|' ORDER BY item), '')) FROM (
  SELECT 'r ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text
    || c.relpersistence::text || coalesce(' ' || pg_get_viewdef(c.oid), '')
    || coalesce(' ' || c.reloptions::text, '') || coalesce(' ' || c.relacl::text, '')
    || ' ' || c.relrowsecurity || c.relforcerowsecurity
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_t%'
  UNION ALL
  SELECT 'a ' || a.attrelid::regclass || '.' || a.attnum || ' ' || a.attname || ' '
    || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
    || coalesce(' ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_t%'
  UNION ALL
  SELECT 'k ' || conrelid::regclass || '.' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace,
                                                'information_schema'::regnamespace)
  UNION ALL
  SELECT 'i ' || pg_get_indexdef(i.indexrelid) FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_t%'
  UNION ALL
  SELECT 't ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text
  FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'y ' || t.oid::regtype || ' ' || t.typtype::text
    || coalesce(' ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                        FROM pg_enum e WHERE e.enumtypid = t.oid), '')
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_t%'
  UNION ALL
  SELECT 'p ' || polrelid::regclass || '.' || polname || ' ' || coalesce(pg_get_expr(polqual,
    polrelid), '') FROM pg_policy
  UNION ALL
  SELECT 'w ' || ev_class::regclass || '.' || rulename FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind <> 'v'
  UNION ALL
  SELECT 'f ' || p.oid::regprocedure || ' ' || CASE WHEN p.prokind IN ('f', 'p')
    THEN md5(pg_get_functiondef(p.oid)) ELSE p.prokind::text || md5(p.prosrc) END FROM pg_proc p
  WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT 'n ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_t%'  -- temp: per session
  UNION ALL
  SELECT 'e ' || extname || ' ' || extversion FROM pg_extension
  UNION ALL
  SELECT 's ' || setrole || ' ' || array_to_string(setconfig, ',') FROM pg_db_role_setting
  WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
) AS shape(item)
"""


def _fingerprint(connection: psycopg.Connection[Any]) -> str:
    found = connection.execute(_FINGERPRINT).fetchone()
    assert found is not None
    return str(found[0])
