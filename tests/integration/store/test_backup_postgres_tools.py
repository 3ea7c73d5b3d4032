"""pg_dump and pg_restore as `terugkeer backup` runs them: the password never on their command
line, the newest installed version chosen, and a missing program said in a sentence."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from terugkeer.cli.app import app
from terugkeer.store import postgres_tools
from tests.conftest import _postgres_database
from tests.integration.backup_helpers import build_store, runner
from tests.stores import PostgresTemplates

PASSWORD = "Geheim-wachtwoord-29"  # the test cluster trusts every login, so any password works


@pytest.fixture
def postgres_url(_postgres_templates: PostgresTemplates | None) -> Iterator[str]:
    yield from _postgres_database(_postgres_templates, migrated=False)


def _with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


def test_the_password_travels_in_the_environment_not_on_the_command_line(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_store(postgres_url, tmp_path)
    real = postgres_tools.find("pg_dump")
    # A newer "version" that records how it was called, then runs the real pg_dump.
    wrapper = tmp_path / "bin" / "999" / "bin" / "pg_dump"
    wrapper.parent.mkdir(parents=True)
    calls = tmp_path / "calls.txt"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'echo "argv: $*" >> {calls}\n'
        f'echo "PGPASSWORD set: ${{PGPASSWORD:+yes}}" >> {calls}\n'
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(postgres_tools, "DEBIAN_BINARIES", tmp_path / "bin")

    url = _with_password(postgres_url)
    done = runner.invoke(app, ["backup", str(tmp_path / "backup"), "--database-url", url])
    assert done.exit_code == 0, done.output
    said = calls.read_text(encoding="utf-8")
    assert "--version" in said and "--format=custom" in said  # the newest one was used
    assert PASSWORD not in said
    assert "PGPASSWORD set: yes" in said
    assert PASSWORD not in done.output
    assert PASSWORD not in (tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8")

    refused = runner.invoke(app, ["restore", str(tmp_path / "backup"), "--database-url", url])
    assert refused.exit_code == 2  # the source is not empty
    assert PASSWORD not in refused.output
    assert "postgres:***@" in refused.stderr


def test_a_missing_pg_dump_is_said_and_leaves_no_backup_behind(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_store(postgres_url, tmp_path)
    monkeypatch.setattr(postgres_tools, "DEBIAN_BINARIES", tmp_path / "none")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    folder = tmp_path / "backup"

    done = runner.invoke(app, ["backup", str(folder), "--database-url", postgres_url])
    assert done.exit_code == 2
    assert "no backup: pg_dump is not installed" in done.stderr
    assert "install the PostgreSQL client programs" in done.stderr
    assert not folder.exists()


def test_what_a_failing_program_says_is_cut_and_never_quotes_a_long_number() -> None:
    said = postgres_tools.said(
        "pg_dump: error: query failed\n"
        "DETAIL: Key (v_number)=(4100000001) already exists\n"
        "a third line\n"
    )
    assert said == "pg_dump: error: query failed"
    assert "4100000001" not in said
    assert os.linesep not in said
