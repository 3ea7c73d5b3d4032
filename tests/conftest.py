"""Shared fixtures: an event store on SQLite and on a real PostgreSQL, chosen by one setting."""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import ensure_schema

POSTGRES_URL = os.environ.get("TERUGKEER_TEST_POSTGRES_URL")
#: CI sets this, so that a missing PostgreSQL fails the run instead of skipping its tests.
REQUIRE_POSTGRES = os.environ.get("TERUGKEER_REQUIRE_POSTGRES") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with long-running tests first. With `--dist loadscope --no-loadscope-reorder`
    (scripts/run-tests.sh) a worker takes a whole module at a time, in collection order: a long
    module taken last leaves the other worker idle until it ends, so the long ones go first.
    Whole modules move, in their own order, so that a module's fixtures are still built once in
    a run without workers too."""
    long = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in long)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """Argon2 with RFC 9106's parameters costs a third of a second per hash on this machine,
    and the suite hashes and verifies passwords some thousand times: the tests hash with the
    cheapest parameters instead (the product's own are held by a unit test). A hash carries its
    parameters, so verifying needs nothing else."""
    from argon2 import PasswordHasher

    from terugkeer.services import users

    product = users._HASHER, users._DUMMY_HASH
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users._DUMMY_HASH = users._HASHER.hash("not a password of anyone")
    yield
    users._HASHER, users._DUMMY_HASH = product


@pytest.fixture(scope="session")
def rules() -> RulesTable:
    return load_rules()


def _postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("TERUGKEER_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    # Letters only: a random hex name can hold ten digits in a row, which the tests that check
    # error sentences for anything shaped like a V-number would then (rightly) flag.
    name = "terugkeer_test_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, once for each storage backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of an empty PostgreSQL database, for what is about several server processes or
    hosts on one store (SQLite is one machine's file)."""
    yield from _postgres_database()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
