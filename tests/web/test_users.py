"""Accounts from the command line; sessions that end when idle or when the user is disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.services.sign_in import LoginRefused, log_in
from terugkeer.services.users import session_of
from terugkeer.settings import Settings
from terugkeer.store.tables import sessions, users

runner = CliRunner()
PASSWORD = "a long enough secret"


def _users(url: str, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    result = runner.invoke(app, ["users", *args, "--database-url", url], input=password + "\n")
    return result.exit_code, result.output


def test_add_list_disable(database_url: str) -> None:
    assert _users(database_url, "add", "anna", "--role", "case_director", "--team", "Noord")[0] == 0
    code, shown = _users(database_url, "list")
    assert code == 0 and "anna\tcase_director\tNoord\tactive" in shown
    system = bootstrap(Settings(database_url=database_url))
    token, _ = log_in(system, "anna", PASSWORD, "127.0.0.1")
    assert _users(database_url, "disable", "anna")[0] == 0
    assert session_of(system, token, timedelta(minutes=30)) is None  # ended at once
    with pytest.raises(LoginRefused):
        log_in(system, "anna", PASSWORD, "127.0.0.1")
    assert "disabled" in _users(database_url, "list")[1]
    with system.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    system.close()


def test_refusals_say_why(database_url: str) -> None:
    code, shown = _users(database_url, "add", "x", "--role", "case_director", "--team", "N",
                         password="short")  # fmt: skip
    assert code == 1 and "at least 12 characters" in shown
    code, shown = _users(database_url, "add", "x", "--role", "team_lead")
    assert code == 1 and "team" in shown
    code, shown = _users(database_url, "add", "x", "--role", "king")
    assert code == 2 and "case_director" in shown
    assert _users(database_url, "disable", "nobody")[0] == 1


def test_a_session_ends_after_inactivity(database_url: str) -> None:
    system = bootstrap(Settings(database_url=database_url))
    now = datetime(2026, 1, 1, 9, tzinfo=UTC)
    system.clock = lambda: now
    assert _users(database_url, "add", "anna", "--role", "auditor")[0] == 0
    token, _ = log_in(system, "anna", PASSWORD, "127.0.0.1")
    idle = timedelta(minutes=30)
    now += timedelta(minutes=29)
    assert session_of(system, token, idle) is not None  # and its use moves the expiry on
    now += timedelta(minutes=29)
    assert session_of(system, token, idle) is not None
    now += timedelta(minutes=31)
    assert session_of(system, token, idle) is None
    with system.engine.connect() as connection:
        assert connection.execute(select(sessions)).all() == []
        raw = connection.execute(select(users.c.name)).scalars().all()
    assert raw == ["anna"]
    system.close()
