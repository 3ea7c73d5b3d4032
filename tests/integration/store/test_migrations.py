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


def test_a_store_from_before_the_worklist_gets_its_worklist_on_upgrade(database_url: str) -> None:
    """Migration 0004 adds projections a migration cannot fill (they need the rules table):
    the first writer after the upgrade rebuilds them, so no open case is missing its items."""
    from alembic import command
    from sqlalchemy import func, select

    from terugkeer.bootstrap import bootstrap
    from terugkeer.services.ingest import ingest_lines
    from terugkeer.settings import Settings
    from terugkeer.store.schema import _config
    from terugkeer.store.tables import cases, worklist_items
    from tests.integration.lines import intake

    system = bootstrap(Settings(database_url=database_url))
    assert not ingest_lines(system, [intake("m-1", "1000000001", "2023-01-02T10:00:00+01:00"),
                                     intake("m-2", "1000000002", "2023-01-03T10:00:00+01:00")
                                     ]).rejected  # fmt: skip

    def worklist() -> list[tuple[object, ...]]:
        with system.engine.connect() as connection:
            return [tuple(r) for r in connection.execute(
                select(worklist_items).order_by(worklist_items.c.case_seq))]  # fmt: skip

    before = worklist()
    assert before  # "no interview yet" for both
    config = _config()
    with system.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    system.close()
    assert current_revision(system.engine) == "0003"

    upgraded = bootstrap(Settings(database_url=database_url))
    assert current_revision(upgraded.engine) == head_revision()
    system = upgraded
    assert worklist() == before
    with upgraded.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(cases)).scalar_one() == 2
    upgraded.close()
