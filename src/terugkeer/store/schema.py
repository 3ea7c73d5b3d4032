"""Bringing a database to the current schema with Alembic (on first use, or explicitly)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from terugkeer.store.engine import WRITER
from terugkeer.store.errors import guarded, unavailable

#: Key of the PostgreSQL advisory lock that serialises migrations (any constant: "terug").
_MIGRATION_LOCK = 0x7465727567


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("terugkeer.store") / "migrations"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with guarded(engine.url, "opened"), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every pending migration; returns the revision the database is at.

    Processes that open a fresh store at once take turns: the migration holds a lock (BEGIN
    IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and reads the revision under it, so
    the second finds the schema done instead of racing to create the same tables."""
    config, head = _config(), head_revision()
    with guarded(engine.url, "opened"):
        plain = engine.connect()
    with guarded(engine.url, "written"), plain:
        connection = plain.execution_options(**{WRITER: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            if MigrationContext.configure(connection).get_current_revision() == head:
                return head
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except CommandError as error:  # e.g. a revision from a newer terugkeer
                raise unavailable(engine.url, f"cannot be upgraded: {error}") from error
    return head


def ensure_schema(engine: Engine) -> None:
    """An empty (or older) database gets its schema on first use."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
