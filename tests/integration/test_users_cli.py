"""`terugkeer users unlock | reset-password | set-role`: the admin page's account actions for the
operator at the server, by the same rules, each one access-log row naming the operating-system
user (never a password)."""

from __future__ import annotations

import getpass
import socket
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.domain.permissions import Role
from terugkeer.services.sign_in import LoginRefused, log_in
from terugkeer.services.users import add_user, find_user
from terugkeer.settings import Settings
from terugkeer.store import users as rows
from terugkeer.store.engine import writing
from terugkeer.store.tables import access_log

runner = CliRunner()
PASSWORD = "the user's own passphrase"


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    system = bootstrap(Settings(database_url=database))
    add_user(system, "anna", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    add_user(system, "ana", Role.ANALYST, None, PASSWORD)
    system.close()
    return database


def _users(url: str, *args: str, stdin: str = "") -> tuple[int, str]:
    result = runner.invoke(app, ["users", *args, "--database-url", url], input=stdin)
    return result.exit_code, result.output


def _log(url: str) -> list[tuple[str, str, str, str, str | None]]:
    system = bootstrap(Settings(database_url=url))
    with system.engine.connect() as connection:
        found = connection.execute(
            select(access_log.c.actor, access_log.c.channel, access_log.c.action,
                   access_log.c.origin, access_log.c.detail)
            .where(access_log.c.action.like("user.%")).order_by(access_log.c.id)
        ).all()  # fmt: skip
    system.close()
    return [tuple(row) for row in found]  # type: ignore[misc]


def test_unlock_lifts_a_hard_lock_and_is_logged(url: str) -> None:
    system = bootstrap(Settings(database_url=url))
    with writing(system.engine) as connection:
        rows.set_user(connection, "anna", locked_until=rows.HARD_LOCK)
    with pytest.raises(LoginRefused):
        log_in(system, "anna", PASSWORD, "10.1.2.3")
    assert _users(url, "unlock", "anna") == (0, "unlocked anna\n")
    log_in(system, "anna", PASSWORD, "10.1.2.3")
    system.close()
    me, here = getpass.getuser(), socket.gethostname()
    assert _log(url) == [(me, "cli", "user.unlock", here, "user=anna; ok")]
    code, said = _users(url, "unlock", "nobody")
    assert code == 1 and "no user with this name" in said


def test_reset_password_prints_a_one_time_password_once(url: str) -> None:
    code, said = _users(url, "reset-password", "anna")
    assert code == 0 and said.startswith("one-time password for anna: ")
    password = said.rsplit(": ", 1)[1].strip()
    assert len(password) == 16
    system = bootstrap(Settings(database_url=url))
    with pytest.raises(LoginRefused):
        log_in(system, "anna", PASSWORD, "10.1.2.3")  # the old one is gone
    _, session = log_in(system, "anna", password, "10.1.2.3")
    assert session.user.must_change  # she chooses her own at once
    system.close()
    assert [action for _, _, action, _, _ in _log(url)] == ["user.reset"]
    assert password not in str(_log(url))


def test_set_role_follows_the_pages_rules(url: str) -> None:
    assert _users(url, "set-role", "ana", "auditor") == (0, "ana is now auditor\n")
    code, said = _users(url, "set-role", "ana", "team_lead")
    assert code == 1 and "give --team" in said
    assert _users(url, "set-role", "ana", "team_lead", "--team", "Zuid")[0] == 0
    assert _users(url, "set-role", "ana", "king")[0] == 2
    assert _users(url, "set-role", "nobody", "auditor")[0] == 1
    system = bootstrap(Settings(database_url=url))
    user = find_user(system, "ana")
    system.close()
    assert user is not None and (user.role, user.team) == (Role.TEAM_LEAD, "Zuid")
    assert [(action, detail) for _, _, action, _, detail in _log(url)] == [
        ("user.change", "user=ana; ok"),
        ("user.change", "user=ana; refused: team_needed"),
        ("user.change", "user=ana; ok"),
        ("user.change", "user=nobody; refused: unknown"),
    ]


def test_add_refuses_a_common_or_blank_password(url: str) -> None:
    code, said = _users(url, "add", "eva", "--role", "analyst", stdin="password1234\n")
    assert code == 1 and "common and breached passwords" in said
    code, said = _users(url, "add", "eva", "--role", "analyst", stdin=" " * 16 + "\n")
    assert code == 1 and "more than spaces" in said
    code, said = _users(url, "add", "evert", "--role", "analyst", stdin="Evert is my name\n")
    assert code == 1 and "user name" in said


def test_disable_ends_sign_in_and_enable_restores_it_each_logged(url: str) -> None:
    assert _users(url, "disable", "anna") == (0, "disabled anna\n")
    system = bootstrap(Settings(database_url=url))
    with pytest.raises(LoginRefused):
        log_in(system, "anna", PASSWORD, "10.0.0.1")
    system.close()
    assert _users(url, "enable", "anna") == (0, "enabled anna\n")
    system = bootstrap(Settings(database_url=url))
    log_in(system, "anna", PASSWORD, "10.0.0.1")
    system.close()
    me, host = getpass.getuser(), socket.gethostname()
    assert _log(url) == [
        (me, "cli", "user.disable", host, "user=anna; ok"),
        (me, "cli", "user.enable", host, "user=anna; ok"),
    ]
    code, output = _users(url, "disable", "nobody")
    assert code == 1 and "no user with this name" in output
    assert _log(url)[-1] == (me, "cli", "user.disable", host, "user=nobody; refused: unknown")
