"""The Alembic migrations build exactly the schema that the code queries (store/tables.py)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from terugkeer.store.schema import current_revision, ensure_schema, head_revision
from terugkeer.store.tables import metadata


def test_migrated_schema_matches_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
