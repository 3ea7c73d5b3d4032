"""The PostgreSQL stores the tests are given (tests/stores.py): one a test is done with is
lent to the next only when it is again exactly a fresh copy of the migrated template — the
same rows in every table, the same sequence positions — and one whose schema a test changed
is dropped, not lent. Half the suite's PostgreSQL tests stand on this."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command

from terugkeer.bootstrap import bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.users import add_user
from terugkeer.settings import Settings
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import _config
from tests.integration.lines import intake, line
from tests.stores import PostgresTemplates, _libpq, _tables

URL = os.environ.get("TERUGKEER_TEST_POSTGRES_URL")


@pytest.fixture
def templates() -> Iterator[PostgresTemplates]:
    if not URL:
        if os.environ.get("TERUGKEER_REQUIRE_POSTGRES") == "1":
            pytest.fail("TERUGKEER_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    made = PostgresTemplates(URL)
    yield made
    made.close()


def _contents(url: str) -> dict[str, object]:
    """Every table's rows and every sequence's position."""
    with psycopg.connect(_libpq(url)) as connection:
        found: dict[str, object] = {}
        for table in _tables(connection):
            found[table] = sorted(map(repr, connection.execute(f"SELECT * FROM {table}")))
        for (sequence,) in connection.execute("SELECT sequencename FROM pg_sequences"):
            position = connection.execute(f"SELECT last_value, is_called FROM {sequence}")
            found[sequence] = position.fetchone()
        return found


def _use(url: str) -> None:
    """What a test does to a store: events, cases, projections, a user, the access log."""
    system = bootstrap(Settings(database_url=url))
    try:
        lines = [intake("p-1", "1000000001", "2023-01-02T10:00:00+01:00"),
                 line("p-2", "return_decision", "1000000001", "2023-02-01T10:00:00+01:00",
                      {"departure_term_days": 28})]  # fmt: skip
        assert not ingest_lines(system, lines).rejected
        add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", "correct horse battery")
    finally:
        system.close()


def test_a_used_store_is_lent_again_only_as_a_fresh_copy(templates: PostgresTemplates) -> None:
    fresh = templates.create(migrated=True)
    expected = _contents(templates.url_of(fresh))
    _use(templates.url_of(fresh))
    assert _contents(templates.url_of(fresh)) != expected  # the use left rows behind
    # A session the test left open, in the middle of a transaction, is ended first.
    left = psycopg.connect(_libpq(templates.url_of(fresh)))
    left.execute("DELETE FROM chain_head")
    templates.drop(fresh)
    assert left.closed or left.broken or _gone(left)
    left.close()
    again = templates.create(migrated=True)
    assert again == fresh  # lent again, not copied anew
    assert _contents(templates.url_of(again)) == expected
    _use(templates.url_of(again))  # and it works as a new store does: the same seqs, no clash
    templates.drop(again)


def _gone(connection: psycopg.Connection[object]) -> bool:
    try:
        connection.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


def test_a_store_whose_schema_a_test_changed_is_dropped(templates: PostgresTemplates) -> None:
    changed = templates.create(migrated=True)
    engine = make_engine(templates.url_of(changed))
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
    engine.dispose()
    templates.drop(changed)
    other = templates.create(migrated=True)
    assert other != changed
    with psycopg.connect(_libpq(templates.url_of("postgres"))) as connection:
        names = {name for (name,) in connection.execute("SELECT datname FROM pg_database")}
    assert changed not in names
    templates.drop(other)
