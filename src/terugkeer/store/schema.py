"""Bringing a database to the current schema with Alembic (on first use, or explicitly)."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from terugkeer.store.engine import WRITER
from terugkeer.store.errors import guarded, unavailable

if TYPE_CHECKING:
    from alembic.config import Config

    from terugkeer.domain.rules import RulesTable

#: Key of the PostgreSQL advisory lock that serialises migrations (any constant: "terug").
_MIGRATION_LOCK = 0x7465727567

#: The newest migration (what `head_revision()` reads from the scripts), for readers: they only
#: compare the store's revision with it, and importing Alembic would cost them more than the
#: whole read of a small store. A test keeps it equal to the scripts' head: bump it with every
#: new migration.
HEAD_REVISION = "0018"

#: Alembic's table of the applied revision (its default name, which env.py keeps).
_VERSION_TABLE = "alembic_version"


def _config() -> Config:
    # Imported on use (writers and `head_revision()` only): Alembic is slow to import.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("terugkeer.store") / "migrations"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (None without a terugkeer schema), read as Alembic does but
    without importing it: the version table, when there is one, holds one row."""
    with guarded(engine.url, "opened"), engine.connect() as connection:
        if not inspect(connection).has_table(_VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars()
        revisions = list(found)
        if len(revisions) <= 1:
            return revisions[0] if revisions else None
        from alembic.runtime.migration import MigrationContext  # several heads: Alembic's error

        return MigrationContext.configure(connection).get_current_revision()


#: Stores migrated from before this revision lack a projection it added (the worklist in 0004,
#: procedures and location spells in 0007): they are rebuilt from their events right after the
#: migration (bootstrap, `db upgrade`).
REBUILD_BEFORE = "0007"


def upgrade(engine: Engine) -> str:
    """Apply every pending migration; returns the revision the database is at."""
    upgrade_from(engine)
    return head_revision()


def upgrade_from(engine: Engine, rules: RulesTable | None = None) -> str | None:
    """Apply every pending migration; the revision this call migrated the store from (None:
    a fresh store, or nothing to do because it was current or another process did it). With
    `rules`, a store from before REBUILD_BEFORE gets its projections rebuilt in the same
    transaction: a crash in between cannot leave it at head with a projection empty.

    Processes that open a fresh store at once take turns: the migration holds a lock (BEGIN
    IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and reads the revision under it, so
    the second finds the schema done instead of racing to create the same tables."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.util import CommandError

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
            found = MigrationContext.configure(connection).get_current_revision()
            if found == head:
                return None
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except CommandError as error:  # e.g. a revision from a newer terugkeer
                raise unavailable(engine.url, f"cannot be upgraded: {error}") from error
            if rules is not None and needs_rebuild(found):
                from terugkeer.store.rebuild import rebuild_within

                rebuild_within(connection, rules)
    return found


def needs_rebuild(migrated_from: str | None) -> bool:
    return migrated_from is not None and migrated_from < REBUILD_BEFORE


def ensure_schema(engine: Engine, rules: RulesTable | None = None) -> str | None:
    """An empty (or older) database gets its schema on first use; the revision it was
    migrated from by this call (see `upgrade_from`). A store at HEAD_REVISION is left alone
    without loading Alembic's scripts (about 30 ms, and Alembic's import, on every open)."""
    if current_revision(engine) != HEAD_REVISION:
        return upgrade_from(engine, rules)
    return None
