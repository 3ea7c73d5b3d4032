"""Shared fixtures: an event store on SQLite and on a real PostgreSQL, chosen by one setting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import ensure_schema
from tests.stores import PostgresTemplates, sqlite_store

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


@pytest.fixture(autouse=True, scope="session")
def _one_tls_context() -> Iterator[None]:
    """A new httpx client loads certifi's whole CA bundle into a new TLS context: 0.04-0.09 s of
    CPU on a quiet machine (0.2-0.35 s of wall beside the suite), and the suite makes thousands
    of clients, nearly all to servers on loopback over plain HTTP. They share one context made
    with the same defaults instead."""
    from unittest import mock

    import httpx
    from httpx._transports import default

    shared = httpx.create_ssl_context()
    made = default.create_ssl_context

    def create(verify: object = True, cert: object = None, trust_env: bool = True) -> object:
        if verify is True and cert is None and trust_env:
            return shared
        return made(verify=verify, cert=cert, trust_env=trust_env)  # type: ignore[arg-type]

    with mock.patch.object(default, "create_ssl_context", create):
        yield


@pytest.fixture(scope="session")
def rules() -> RulesTable:
    return load_rules()


@pytest.fixture(scope="session")
def _postgres_templates() -> Iterator[PostgresTemplates | None]:
    """This process's source of PostgreSQL databases (None without a server)."""
    if not POSTGRES_URL:
        yield None
        return
    templates = PostgresTemplates(POSTGRES_URL)
    yield templates
    templates.close()


def _postgres_database(templates: PostgresTemplates | None, *, migrated: bool) -> Iterator[str]:
    if templates is None:
        if REQUIRE_POSTGRES:
            pytest.fail("TERUGKEER_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    name = templates.create(migrated=migrated)
    try:
        yield templates.url_of(name)
    finally:
        templates.drop(name)


def _migrated(request: pytest.FixtureRequest) -> bool:
    """A store at the current schema, unless the test is about migrating an empty database."""
    return request.node.get_closest_marker("empty_store") is None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    _postgres_templates: PostgresTemplates | None,
) -> Iterator[str]:
    """A URL of a store at the current schema without events (an empty database for a test
    marked `empty_store`), once for each storage backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        yield sqlite_store(path) if _migrated(request) else f"sqlite:///{path}"
    else:
        yield from _postgres_database(_postgres_templates, migrated=_migrated(request))


@pytest.fixture
def postgres_url(
    request: pytest.FixtureRequest, _postgres_templates: PostgresTemplates | None
) -> Iterator[str]:
    """A URL of a PostgreSQL store at the current schema without events (empty for a test
    marked `empty_store`), for what is about several server processes or hosts on one store
    (SQLite is one machine's file)."""
    yield from _postgres_database(_postgres_templates, migrated=_migrated(request))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
