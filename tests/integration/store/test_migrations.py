"""The Alembic migrations build exactly the schema that the code queries (store/tables.py)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select

from terugkeer.store.schema import current_revision, ensure_schema, head_revision
from terugkeer.store.tables import cases, metadata


def test_migrated_schema_matches_the_table_definitions(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()


@pytest.mark.parametrize(
    ("before_revision", "added"),
    [("0003", "worklist_items"), ("0006", "procedures location_spells")],
    ids=["worklist", "procedures-and-locations"],
)
def test_a_store_from_before_a_projection_gets_it_on_upgrade(
    database_url: str, before_revision: str, added: str
) -> None:
    """Migrations 0004 and 0007 add projections a migration cannot fill (they are derived from
    the events, some under the rules table): the first writer after the upgrade rebuilds them,
    so no case is missing its worklist items, procedures or location spells."""
    from alembic import command

    from terugkeer.bootstrap import bootstrap
    from terugkeer.services.ingest import ingest_lines
    from terugkeer.settings import Settings
    from terugkeer.store.schema import _config
    from tests.integration.lines import intake, line

    tables = [metadata.tables[name] for name in added.split()]
    system = bootstrap(Settings(database_url=database_url))
    started = {"reference": "P-1", "kind": "asylum_repeat", "suspensive": True}
    assert not ingest_lines(system, [
        intake("m-1", "1000000001", "2023-01-02T10:00:00+01:00"),
        intake("m-2", "1000000002", "2023-01-03T10:00:00+01:00"),
        line("m-3", "location_changed", "1000000001", "2023-01-04T10:00:00+01:00",
             {"kind": "emergency_reception"}),
        line("m-4", "procedure_started", "1000000002", "2023-01-05T10:00:00+01:00", started),
    ]).rejected  # fmt: skip

    def projected() -> list[list[tuple[object, ...]]]:
        with system.engine.connect() as connection:
            return [
                [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key))]
                for t in tables
            ]

    before = projected()
    assert all(before)  # every added projection has rows for these events
    config = _config()
    with system.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, before_revision)
    system.close()
    assert current_revision(system.engine) == before_revision

    upgraded = bootstrap(Settings(database_url=database_url))
    assert current_revision(upgraded.engine) == head_revision()
    system = upgraded
    assert projected() == before
    with upgraded.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(cases)).scalar_one() == 2
    upgraded.close()


def test_a_rebuild_that_fails_leaves_the_store_at_its_old_revision(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The migration and the rebuild it needs are one transaction: a store is never at the
    new revision with an added projection still empty (its figures would read 0)."""
    from alembic import command

    from terugkeer.bootstrap import bootstrap
    from terugkeer.services.ingest import ingest_lines
    from terugkeer.settings import Settings
    from terugkeer.store import rebuild
    from terugkeer.store.schema import _config
    from tests.integration.lines import intake

    system = bootstrap(Settings(database_url=database_url))
    assert not ingest_lines(system, [intake("f-1", "1000000001", "2023-01-02T10:00:00+01:00")]
                            ).rejected  # fmt: skip
    config = _config()
    with system.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    system.close()

    def crash(*_: object) -> None:
        raise RuntimeError("killed mid-rebuild")

    monkeypatch.setattr(rebuild, "_derive", crash)
    with pytest.raises(RuntimeError, match="killed mid-rebuild"):
        bootstrap(Settings(database_url=database_url))
    assert current_revision(system.engine) == "0006"
    monkeypatch.undo()
    again = bootstrap(Settings(database_url=database_url))
    assert current_revision(again.engine) == head_revision()
    with again.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(cases)).scalar_one() == 1
    again.close()
