"""`terugkeer report key-figures` on a store that is whole only from 1 January 2023 (issue 28):
a period reaching before the day says so in one line, and its JSON adds `complete_from` and
`comparable` after the figures, whose keys stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import import_recorded_at
from tests.integration.reports.test_publication import FIRST, _feed

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    import_recorded_at(url, _feed(), FIRST)
    return url


def _report(url: str, start: str, end: str, *more: str) -> str:
    done = runner.invoke(app, ["report", "key-figures", "--from", start, "--to", end, *more,
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output
    return done.stdout


def test_a_period_before_the_day_says_so_in_text_and_json(store: str) -> None:
    before = json.loads(_report(store, "2022-01-01", "2022-12-31", "--format", "json"))
    keys = list(before)
    set_day = runner.invoke(app, ["db", "complete-from", "2023-01-01", "--why",
                                  "caseload migrated whole", "--database-url", store])  # fmt: skip
    assert set_day.exit_code == 0, set_day.output

    old = json.loads(_report(store, "2022-01-01", "2022-12-31", "--format", "json"))
    assert list(old) == [*keys, "complete_from", "comparable"]  # added after, none moved
    assert {k: old[k] for k in keys} == before  # the figures themselves are as they were
    assert (old["complete_from"], old["comparable"]) == ("2023-01-01", False)
    new = json.loads(_report(store, "2023-01-01", "2023-06-30", "--format", "json", "--rounded"))
    assert (new["complete_from"], new["comparable"]) == ("2023-01-01", True)

    note = "Not comparable: the data are complete only from 1 January 2023."
    assert note in _report(store, "2022-06-01", "2023-01-31", "--lang", "en")
    assert "Niet vergelijkbaar: de gegevens zijn pas vanaf 1 januari 2023 volledig" in _report(
        store, "2022-06-01", "2023-01-31"
    )
    assert "Niet vergelijkbaar" not in _report(store, "2023-01-01", "2023-01-31")


def test_a_store_without_the_day_prints_what_it_did(store: str) -> None:
    figures = json.loads(_report(store, "2022-01-01", "2022-12-31", "--format", "json"))
    assert "complete_from" not in figures and "comparable" not in figures
    assert list(figures)[-1] == "at_emergency_reception"
    assert "vergelijkbaar" not in _report(store, "2022-01-01", "2022-12-31")


def test_as_known_before_the_day_was_set_the_period_is_not_marked(store: str) -> None:
    runner.invoke(app, ["db", "complete-from", "2023-01-01", "--why", "migrated",
                        "--database-url", store])  # fmt: skip
    then = json.loads(_report(store, "2022-01-01", "2022-12-31", "--format", "json",
                              "--as-of", "2024-01-02"))  # fmt: skip
    assert "complete_from" not in then  # the day was set after 2 January 2024
