"""`terugkeer export ocel`: the history as an OCEL 2.0 event log — valid by the format's JSON
schema, read back by pm4py with every event, object and relation, pseudonymised by default."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import line

runner = CliRunner()
SCHEMA = json.loads((Path(__file__).parent / "ocel20.schema.json").read_text(encoding="utf-8"))
A, B = "7200000001", "7200000002"


def _at(day: str) -> str:
    return f"{day}T10:00:00+01:00"


def _history() -> list[str]:
    return [
        line("a-1", "intake", A, _at("2023-01-10"),
             {"nationality": "MAR", "track": "asylum", "birth_date": "1990-04-01",
              "family": "fam-rare-1", "sex": "M"}, source="IND"),
        line("a-2", "procedure_started", A, _at("2023-02-01"),
             {"reference": "IND-2023-77", "kind": "asylum_repeat", "suspensive": True},
             source="IND"),
        line("a-3", "procedure_decided", A, _at("2023-03-01"),
             {"reference": "IND-2023-77", "outcome": "rejected"}, source="IND"),
        line("a-4", "document_requested", A, _at("2023-03-05"),
             {"reference": "LP-5", "kind": "laissez_passer", "country": "MAR"}),
        line("a-5", "flight_booked", A, _at("2023-04-01"),
             {"reference": "KL-1", "date": "2023-04-20", "destination": "MAR", "escort": "kmar"},
             source="KMAR"),
        line("a-6", "absconded", A, _at("2023-04-10"),
             {"last_known_location": "Amsterdam Sloterdijk"}, source="POLITIE"),
        line("b-1", "intake", B, _at("2023-05-01"), {"nationality": "DZA", "track": "regular"},
             source="POLITIE"),
        line("b-2", "detention_started", B, _at("2023-05-02"),
             {"ground": "vw59 zie notitie mr. Jansen", "location": "Rotterdam"}, source="DJI"),
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> str:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(_history()) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert runner.invoke(app, ["import", str(feed), "--database-url", url]).exit_code == 0
    return url


def test_the_log_is_valid_ocel_and_pm4py_reads_it_back(store: str, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    done = runner.invoke(app, ["export", "ocel", "--out", str(out), "--database-url", store])
    assert done.exit_code == 0, done.output
    assert "8 events, 7 objects" in done.stdout  # 2 persons, 2 cases, procedure, request, flight
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(log, SCHEMA, format_checker=jsonschema.FormatChecker())
    for event in log["events"]:  # RFC 3339 in UTC (the format checker may lack its parser)
        assert datetime.fromisoformat(event["time"]).utcoffset() == timedelta(0)
    kinds = {o["type"] for o in log["objects"]}
    assert kinds == {"person", "case", "procedure", "document_request", "flight"}
    decided = next(e for e in log["events"] if e["type"] == "procedure_decided")
    started = next(e for e in log["events"] if e["type"] == "procedure_started")
    about = {r["qualifier"]: r["objectId"] for r in decided["relationships"]}
    assert about["decided"] == {r["qualifier"]: r["objectId"]
                                for r in started["relationships"]}["started"]  # fmt: skip
    assert set(about) == {"subject", "in case", "decided"}
    pm4py = pytest.importorskip("pm4py", reason="the `mining` extra (pm4py) is not installed")
    back = pm4py.read_ocel2_json(str(out))
    assert len(back.events) == 8 and len(back.objects) == 7
    assert len(back.relations) == sum(len(e["relationships"]) for e in log["events"])
    assert set(back.events["ocel:activity"]) == {e["type"] for e in log["events"]}


def test_pseudonymised_by_default_and_identifiable_on_request(store: str, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    args = ["export", "ocel", "--out", str(out), "--database-url", store]
    assert runner.invoke(app, args).exit_code == 0
    text = out.read_text(encoding="utf-8")
    for identifying in (A, B, "1990-04-01", "fam-rare-1", "IND-2023-77", "LP-5", "KL-1",
                        "Sloterdijk", '"sex"', "a-1", "Jansen", "Rotterdam"):  # fmt: skip
        assert identifying not in text, identifying
    again = tmp_path / "again.json"
    runner.invoke(app, ["export", "ocel", "--out", str(again), "--database-url", store])
    persons = {o["id"] for o in json.loads(text)["objects"] if o["type"] == "person"}
    assert persons.isdisjoint(  # a new key each export: two exports cannot be joined
        o["id"] for o in json.loads(again.read_text())["objects"] if o["type"] == "person"
    )
    done = runner.invoke(app, [*args, "--identifiable"])
    assert "personal data" in done.stderr
    assert A in out.read_text(encoding="utf-8")


def test_a_window_of_days(store: str, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    args = ["export", "ocel", "--out", str(out), "--from", "2023-03-01", "--to", "2023-04-30",
            "--database-url", store]  # fmt: skip
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    log = json.loads(out.read_text(encoding="utf-8"))
    assert [e["type"] for e in log["events"]] == [
        "procedure_decided", "document_requested", "flight_booked", "absconded"]  # fmt: skip
    bad = runner.invoke(app, [*args[:4], "--from", "2023-05-01", "--to", "2023-04-30"])
    assert bad.exit_code == 2 and "--to is before --from" in bad.output
