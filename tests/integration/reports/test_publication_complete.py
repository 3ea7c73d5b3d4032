"""The monthly open data on a store that is whole only from 1 January 2023 (issue 28): the years
before it are left out of every series, one line says why and from when, and a publication
made before the day was set is still reproduced byte for byte."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import import_recorded_at
from tests.integration.reports.test_publication import FIRST, _feed

runner = CliRunner()
WHY = "caseload migrated whole on 1 January 2023 by the operator"
LINE = ("Jaren vóór 2023 zijn weggelaten: de gegevens zijn pas vanaf 1 januari 2023 volledig; "
        "eerdere jaren bevatten maar een deel van de zaken.")  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> str:
    """2022 holds 40 intakes of a partial caseload, 2023 the whole one (_feed)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    import_recorded_at(url, _feed(), FIRST)
    return url


def _complete_from(url: str, day: str) -> None:
    done = runner.invoke(app, ["db", "complete-from", day, "--why", WHY, "--database-url", url])
    assert done.exit_code == 0, done.output


def _publish(url: str, out: Path) -> None:
    done = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(out),
                               "--database-url", url])  # fmt: skip
    assert done.exit_code == 0, done.output


def _years(folder: Path, name: str) -> list[str]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as text:
        return sorted({row["jaar"] for row in csv.DictReader(text, delimiter=";")})


def test_the_years_before_the_day_are_left_out_with_the_line_why(
    store: str, tmp_path: Path
) -> None:
    _complete_from(store, "2023-01-01")
    out = tmp_path / "pub"
    _publish(store, out)
    for table in ("instroom", "vertrek", "uitstroom-zonder-vertrek", "nationaliteiten"):
        assert _years(out, table) == ["2023"], table
        rows = json.loads((out / f"{table}.json").read_text())["rows"]
        assert {row[0] for row in rows} == {2023}, table
    assert LINE in (out / "README.md").read_text()
    assert LINE in (out / "index.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete_from"]["day"] == "2023-01-01"
    assert manifest["complete_from"]["note"] == LINE
    assert list(manifest) == ["month", "as_of", "chain_head_hash", "complete_from", "files"]
    # The operator's own words stay out of the public files: a fixed line says why.
    for path in out.iterdir():
        assert "operator" not in path.read_text(), path.name


def test_without_a_day_every_year_is_published_as_before(store: str, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    _publish(store, out)
    assert _years(out, "instroom") == ["2022", "2023"]
    assert "weggelaten" not in (out / "README.md").read_text()
    assert "complete_from" not in json.loads((out / "manifest.json").read_text())


def test_a_publication_is_reproduced_after_the_day_is_set_later(store: str, tmp_path: Path) -> None:
    """Published with every year, then the store is said to be whole from 2023: verify still
    reproduces the publication byte for byte, and says the series would leave 2022 out now."""
    before = tmp_path / "before"
    _publish(store, before)
    _complete_from(store, "2023-01-01")
    found = runner.invoke(app, ["publish", "verify", str(before), "--database-url", store])
    assert "reproduced byte for byte" in found.stdout, found.output
    assert "complete-from day was not set then and is 2023-01-01 now" in found.stdout
    assert "instroom.json" in found.stdout  # the store gives other series now: 2022 is gone
    assert found.exit_code == 1

    with_day = tmp_path / "with-day"
    _publish(store, with_day)
    _complete_from(store, "2023-07-01")  # a later setting: 2023 would be left out too
    again = runner.invoke(app, ["publish", "verify", str(with_day), "--database-url", store])
    assert "reproduced byte for byte" in again.stdout, again.output
    assert "was 2023-01-01 then and is 2023-07-01 now" in again.stdout
    # June 2023 itself now lies before the day: it is no longer published anew.
    refused = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(tmp_path / "now"),
                                  "--database-url", store])  # fmt: skip
    assert "2023-06 is not published" in refused.output


def test_a_month_before_the_day_is_not_published_and_an_empty_series_says_why(
    store: str, tmp_path: Path
) -> None:
    _complete_from(store, "2023-07-01")
    refused = runner.invoke(app, ["publish", "--month", "2023-06", "--out", str(tmp_path / "a"),
                                  "--database-url", store])  # fmt: skip
    assert refused.exit_code != 0
    assert "2023-06 is not published" in refused.output
    assert not (tmp_path / "a").exists()
    out = tmp_path / "b"
    done = runner.invoke(app, ["publish", "--month", "2023-07", "--out", str(out),
                               "--database-url", store])  # fmt: skip
    assert done.exit_code == 0, done.output
    # No whole calendar year yet: the series are empty and the line says so, naming no future year.
    readme = (out / "README.md").read_text()
    assert "De jaarreeksen zijn nog leeg: de gegevens zijn pas vanaf 1 juli 2023 volledig" in readme
    assert "Jaren vóór" not in readme  # no future year named as the first whole one
