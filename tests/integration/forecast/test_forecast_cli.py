"""`terugkeer forecast` on a small simulated store: months ahead with intervals, the recorded
months beside them, the chart, and nothing about any person in what it prints."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema
from terugkeer.store.tables import events
from tests.integration.simulation.worlds import small_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("store")
    feed = folder / "sim.jsonl"
    simulate(small_world(load_parameters(), per_year=800), date(2023, 1, 1), date(2023, 6, 30),
             seed=9, out=feed)  # fmt: skip
    url = f"sqlite:///{folder / 'store.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    with feed.open("rb") as stream:
        import_lines(stream, EventStore(engine, load_rules()),
                     clock=lambda: datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    engine.dispose()
    return url


def _forecast(store: str, tmp_path: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, [
        "forecast", "--database-url", store, "-n", "2", "--format", "json",
        "--chart", str(tmp_path), *args,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_months_ahead_from_the_last_recorded_day(store: str, tmp_path: Path) -> None:
    document = _forecast(store, tmp_path, "--months", "2")
    assert document["caseload_at"] == "2023-06-30"
    months = document["months"]
    assert isinstance(months, list)
    assert [(m["from"], m["to"]) for m in months] == [
        ("2023-07-01", "2023-07-31"), ("2023-08-01", "2023-08-31"),
    ]  # fmt: skip
    for month in months:
        for name, value in month["figures"].items():
            assert value["low"] <= value["mean"] <= value["high"], name
    # The caseload the forecast starts from is the one the store reports for that day.
    engine = make_engine(store)
    with engine.connect() as connection:
        reported = key_figures(connection, Period(date(2023, 6, 30), date(2023, 6, 30)))
        v_numbers = set(connection.execute(select(events.c.v_number)).scalars())
    assert document["caseload"] == reported["caseload"]
    first = months[0]["figures"]["caseload"]["mean"]
    assert abs(first - reported["caseload"]) < 0.25 * reported["caseload"]
    assert document["recorded"] == {}  # the store has no month after its last day
    inflow = document["inflow_per_year"]
    assert isinstance(inflow, dict) and inflow["source"].startswith("observed")
    # Aggregates only: not one V-number of the store appears in the forecast.
    printed = set(re.findall(r"\d{10}", json.dumps(document)))
    assert not printed & v_numbers
    assert (tmp_path / "forecast-2023-06-30.png").read_bytes()[:4] == b"\x89PNG"


def test_months_the_store_holds_are_shown_as_recorded(store: str, tmp_path: Path) -> None:
    document = _forecast(store, tmp_path, "--months", "2", "--at", "2023-04-30")
    engine = make_engine(store)
    with engine.connect() as connection:
        may = key_figures(connection, Period(date(2023, 5, 1), date(2023, 5, 31)),
                          today=date(2023, 6, 30))  # fmt: skip
    recorded = document["recorded"]
    assert isinstance(recorded, dict)
    assert sorted(recorded) == ["2023-05-01", "2023-06-01"]
    assert recorded["2023-05-01"] == may.model_dump(mode="json")


def test_a_scenario_scales_the_observed_inflow(store: str, tmp_path: Path) -> None:
    double = tmp_path / "double.toml"
    double.write_text("[inflow]\nper_year = { factor = 2 }\n", encoding="utf-8")
    base = _forecast(store, tmp_path, "--months", "1")
    doubled = _forecast(store, tmp_path, "--months", "1", "--scenario", str(double))
    assert isinstance(base["inflow_per_year"], dict)
    assert isinstance(doubled["inflow_per_year"], dict)
    assert doubled["inflow_per_year"]["value"] == 2 * base["inflow_per_year"]["value"]
    assert doubled["inflow_per_year"]["source"] == "scenario file double.toml"


def test_the_table_is_dutch_by_default_and_english_on_request(store: str, tmp_path: Path) -> None:
    args = ["forecast", "--database-url", store, "-n", "2", "--months", "1", "--at",
            "2023-05-31", "--chart", str(tmp_path)]  # fmt: skip
    dutch = CliRunner().invoke(app, args)
    english = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert dutch.exit_code == 0 and english.exit_code == 0, dutch.output + english.output
    assert "Instroom" in dutch.stdout and "geregistreerd" in dutch.stdout
    assert "Inflow" in english.stdout and "recorded" in english.stdout
    assert "2023-06" in english.stdout


def test_an_empty_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ensure_schema(make_engine(url))
    result = CliRunner().invoke(app, ["forecast", "--database-url", url, "--chart", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no events" in result.output


def test_a_bad_scenario_is_refused_with_the_file_and_the_parameter(tmp_path: Path) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text("[outcomes]\nabsconding_per_yeer = { value = 1 }\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "forecast", "--database-url", f"sqlite:///{tmp_path / 'none.db'}", "--scenario", str(bad),
    ])  # fmt: skip
    assert result.exit_code == 2
    # The error box wraps long paths across lines: read it as one line.
    message = "".join(line.strip(" │") for line in result.output.splitlines())
    assert "typo.toml" in message and "absconding_per_yeer" in message


def test_before_the_complete_from_day_nothing_is_observed_or_compared(
    store: str, tmp_path: Path
) -> None:
    """On a copy of the store said to be whole only from June 2023: the twelve months before
    the start reach before it, so their inflow is not used; May is not set beside the
    forecast, June is; the note says why."""
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(store.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    made = CliRunner().invoke(app, ["db", "complete-from", "2023-06-01", "--why", "migrated",
                                    "--database-url", url])  # fmt: skip
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(app, [
        "forecast", "--database-url", url, "-n", "2", "--format", "json", "--chart",
        str(tmp_path), "--months", "2", "--at", "2023-04-30",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert sorted(document["recorded"]) == ["2023-06-01"]
    assert not document["inflow_per_year"]["source"].startswith("observed")
    assert "Not comparable: the data are complete only from 1 June 2023." in (result.stderr)
