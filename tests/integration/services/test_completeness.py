"""The store's complete-from day: set attributably, kept as a record, and known "as of" a
moment as it was then (a publication made before a later setting reads the same)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.services.completeness import completeness, set_complete_from
from terugkeer.services.known import as_known
from terugkeer.settings import Settings

runner = CliRunner()


def test_a_new_store_is_taken_as_whole_until_told_otherwise(database_url: str) -> None:
    system = bootstrap(Settings(database_url=database_url))
    found = completeness(system)
    assert found.complete_from is None
    assert found.covers(date(2017, 1, 1))
    system.close()


def test_the_latest_setting_rules_and_earlier_ones_stay_as_known_then(database_url: str) -> None:
    moments = iter([datetime(2024, 1, 5, 9, tzinfo=UTC), datetime(2025, 2, 1, 9, tzinfo=UTC)])
    system = bootstrap(Settings(database_url=database_url), clock=lambda: next(moments))
    set_complete_from(system, date(2023, 1, 1), by="ops", why="migrated from the old system")
    made = set_complete_from(system, date(2022, 7, 1), by="ops", why="2022 files found complete")
    assert made.complete_from == date(2022, 7, 1)
    assert (made.set_by, made.why) == ("ops", "2022 files found complete")
    assert not made.covers(date(2022, 1, 1)) and made.covers(date(2022, 7, 1))
    with as_known(system, "2024-06-01T00:00:00.000000Z") as then:
        assert completeness(then).complete_from == date(2023, 1, 1)
    with as_known(system, "2023-06-01T00:00:00.000000Z") as before:
        assert completeness(before).complete_from is None
    system.close()


def test_a_setting_without_a_reason_is_refused(database_url: str) -> None:
    system = bootstrap(Settings(database_url=database_url))
    with pytest.raises(ValueError, match="say why"):
        set_complete_from(system, date(2023, 1, 1), by="ops", why="  ")
    assert completeness(system).complete_from is None
    system.close()


def test_the_command_sets_and_shows_it(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    bootstrap(Settings(database_url=url)).close()
    shown = runner.invoke(app, ["db", "complete-from", "--database-url", url])
    assert shown.exit_code == 0, shown.output
    assert "not set" in shown.output
    refused = runner.invoke(app, ["db", "complete-from", "2023-01-01", "--database-url", url])
    assert refused.exit_code == 2 and "say why" in refused.output
    made = runner.invoke(app, ["db", "complete-from", "2023-01-01", "--why", "migrated whole",
                               "--database-url", url])  # fmt: skip
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, ["db", "complete-from", "--database-url", url])
    assert "complete from 2023-01-01" in shown.output and "migrated whole" in shown.output
