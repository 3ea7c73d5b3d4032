"""`terugkeer export ocel` as a process miner reads it with pm4py: a departure is linked to the
flight that carried it, person attributes change only when they change, dates are `time`
values, and the flights' lifecycle is booked → departed | cancelled."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.lines import line

pm4py = pytest.importorskip("pm4py", reason="the `mining` extra (pm4py) is not installed")
runner = CliRunner()
A, B, C, D = "7300000001", "7300000002", "7300000003", "7300000004"
FORCED = {"mode": "forced", "evidence": "escorted"}


def _at(day: str) -> str:
    return f"{day}T10:00:00+01:00"


def _flight(event_id: str, v: str, day: str, reference: str, flies: str, to: str = "MAR") -> str:
    data = {"reference": reference, "date": flies, "destination": to, "escort": "kmar"}
    return line(event_id, "flight_booked", v, _at(day), data, source="KMAR")


def _history() -> list[str]:
    a = [
        line("a-1", "intake", A, _at("2023-01-10"), {"nationality": "MAR", "track": "asylum"}),
        line("a-2", "location_changed", A, _at("2023-01-11"), {"kind": "azc", "name": "Budel"}),
        line("a-3", "location_changed", A, _at("2023-02-01"), {"kind": "azc", "name": "Gilze"}),
        line("a-4", "interview", A, _at("2023-02-02"), {"kind": "first", "stance": "cooperating"}),
        line("a-5", "interview", A, _at("2023-02-20"),
             {"kind": "follow_up", "stance": "cooperating"}),
        line("a-6", "detention_started", A, _at("2023-03-01"), {"ground": "VW 59a"},
             source="DJI"),
        line("a-7", "location_changed", A, _at("2023-03-01"), {"kind": "detention"}),
        line("a-8", "travel_document_valid", A, _at("2023-03-02"),
             {"kind": "laissez_passer", "valid_until": "2023-06-30"}),
        _flight("a-9", A, "2023-03-05", "KL-1", "2023-04-20"),
        line("a-10", "flight_cancelled", A, _at("2023-04-19"),
             {"reference": "KL-1", "reason": "medical"}, source="KMAR"),
        _flight("a-11", A, "2023-04-25", "KL-2", "2023-05-10"),
        _flight("a-14", A, "2023-04-28", "KL-3", "2023-05-10"),  # booked twice, by mistake
        line("a-15", "flight_cancelled", A, _at("2023-05-01"),
             {"reference": "KL-3", "reason": "other"}, source="KMAR"),
        line("a-12", "support_granted", A, _at("2023-05-01"),
             {"kind": "reintegration", "amount_eur": 99.5, "provider": "mw. de Vries, Zwolle"}),
        line("a-13", "departed", A, _at("2023-05-10"), {**FORCED, "destination": "MAR"},
             source="KMAR"),
    ]  # fmt: skip
    b = [  # flies on the booked day; a later-dated booking did not carry that departure
        line("b-1", "intake", B, _at("2023-05-01"), {"nationality": "DZA", "track": "regular"}),
        _flight("b-2", B, "2023-05-02", "F-1", "2023-06-01", to="DZA"),
        _flight("b-3", B, "2023-05-20", "F-2", "2023-06-20", to="DZA"),
        line("b-4", "departed", B, _at("2023-06-01"), {**FORCED, "destination": "DZA"},
             source="KMAR"),
    ]  # fmt: skip
    c = [  # a flight of an earlier case, never cancelled, carried no departure of a later one
        line("c-1", "intake", C, _at("2023-01-05"), {"nationality": "MAR", "track": "asylum"}),
        _flight("c-2", C, "2023-02-01", "OLD-1", "2023-03-20"),
        line("c-3", "absconded", C, _at("2023-03-10"), {}, source="POLITIE"),
        line("c-4", "intake", C, _at("2023-08-01"), {"nationality": "MAR", "track": "asylum"}),
        line("c-5", "departed", C, _at("2023-09-01"),
             {"mode": "independent", "destination": "MAR", "evidence": "iom_confirmation"},
             source="IOM"),
    ]  # fmt: skip
    d = [  # a booking withdrawn as entered in error is no flight
        line("d-1", "intake", D, _at("2023-05-01"), {"nationality": "TUN", "track": "regular"}),
        _flight("d-2", D, "2023-05-05", "WRONG-1", "2023-06-01", to="TUN"),
        line("d-3", "retracted", D, _at("2023-05-06"),
             {"event_id": "d-2", "reason": "entered_in_error"}, source="KMAR"),
        line("d-4", "departed", D, _at("2023-06-02"), {**FORCED, "destination": "TUN"},
             source="KMAR"),
    ]  # fmt: skip
    supported = [  # ten people supported by IOM: a provider many share is named
        row for n in range(10) for row in (
            line(f"e-{n}", "intake", f"74000000{n:02d}", _at("2023-02-01"),
                 {"nationality": "GEO", "track": "regular"}),
            line(f"s-{n}", "support_granted", f"74000000{n:02d}", _at("2023-02-02"),
                 {"kind": "basic_departure", "amount_eur": 250, "provider": "IOM"}),
        )
    ]  # fmt: skip
    return a + b + c + d + supported


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The history imported once; exported identifiable, pseudonymised and from June on."""
    folder = tmp_path_factory.mktemp("ocel")
    (folder / "feed.jsonl").write_text("\n".join(_history()) + "\n", encoding="utf-8")
    url = f"sqlite:///{folder / 'store.db'}"
    imported = runner.invoke(app, ["import", str(folder / "feed.jsonl"), "--database-url", url])
    assert imported.exit_code == 0 and "rejected" not in imported.stdout.replace(
        "0 rejected", ""
    ), imported.stdout
    logs = {"identifiable": ["--identifiable"], "pseudonymised": [],
            "june": ["--identifiable", "--from", "2023-05-09"]}  # fmt: skip
    for name, extra in logs.items():
        out = folder / f"{name}.json"
        done = runner.invoke(
            app, ["export", "ocel", "--out", str(out), "--database-url", url, *extra]
        )
        assert done.exit_code == 0, done.output
    return {name: folder / f"{name}.json" for name in logs}


def _flown(path: Path) -> dict[str, list[str]]:
    """Each departure's person, and the flights pm4py reads as related to it."""
    ocel = pm4py.read_ocel2_json(str(path))
    relations = ocel.relations
    departures = relations[relations["ocel:activity"] == "departed"]
    flown: dict[str, list[str]] = {}
    for _event, related in departures.groupby("ocel:eid"):
        person = related[related["ocel:type"] == "person"]["ocel:oid"].item()
        flown[person] = sorted(related[related["ocel:type"] == "flight"]["ocel:oid"])
    return flown


def test_a_departure_is_linked_to_the_flight_that_carried_it(exported: dict[str, Path]) -> None:
    assert _flown(exported["identifiable"]) == {
        f"person:{A}": [f"flight:{A}:KL-2"],  # not KL-3 (booked later, same day): cancelled
        f"person:{B}": [f"flight:{B}:F-1"],  # not F-2: it flies after the departure
        f"person:{C}": [],  # OLD-1 was booked in the case that closed when C absconded
        f"person:{D}": [],  # WRONG-1 was withdrawn
    }
    log = json.loads(exported["identifiable"].read_text(encoding="utf-8"))
    assert not any("WRONG-1" in o["id"] for o in log["objects"])
    assert "retracted" not in {e["type"] for e in log["events"]}


def test_a_flight_booked_before_the_window_still_carries_its_departure(
    exported: dict[str, Path],
) -> None:
    assert _flown(exported["june"])[f"person:{A}"] == [f"flight:{A}:KL-2"]
    ocel = pm4py.read_ocel2_json(str(exported["june"]))
    flights = ocel.objects.set_index("ocel:oid")
    assert flights.loc[f"flight:{A}:KL-2", "date"] == pd.Timestamp("2023-05-10T00:00Z")
    about = ocel.relations[ocel.relations["ocel:oid"] == f"flight:{A}:KL-2"]
    assert list(about["ocel:activity"]) == ["departed"]  # booked on 25 April: not in the log


def test_person_attributes_are_written_only_when_they_change(exported: dict[str, Path]) -> None:
    ocel = pm4py.read_ocel2_json(str(exported["identifiable"]))
    first = ocel.objects.set_index("ocel:oid")
    changes = ocel.object_changes

    def values(oid: str, name: str) -> list[Any]:
        changed = changes[(changes["ocel:oid"] == oid) & (changes["ocel:field"] == name)]
        later = list(changed.sort_values("ocel:timestamp")[name]) if len(changed) else []
        return [first.loc[oid, name], *later]

    assert values(f"person:{A}", "location") == ["azc", "detention"]  # Budel → Gilze: no change
    assert values(f"person:{A}", "stance") == ["cooperating"]
    assert values(f"person:{C}", "nationality") == ["MAR"]  # the same at re-entry
    for oid, name in set(zip(changes["ocel:oid"], changes["ocel:field"], strict=True)):
        seen = values(oid, name)
        assert all(x != y for x, y in pairwise(seen)), (oid, name, seen)
    assert len(changes) == 1  # A into detention: the one change in this history


def test_dates_are_time_attributes(exported: dict[str, Path]) -> None:
    log = json.loads(exported["pseudonymised"].read_text(encoding="utf-8"))
    declared = {(t["name"], a["name"]): a["type"] for t in log["eventTypes"]
                for a in t["attributes"]}  # fmt: skip
    assert declared[("flight_booked", "date")] == "time"
    assert declared[("travel_document_valid", "valid_until")] == "time"
    assert declared[("support_granted", "amount_eur")] == "float"
    ocel = pm4py.read_ocel2_json(str(exported["pseudonymised"]))
    valid = ocel.events[ocel.events["ocel:activity"] == "travel_document_valid"]
    assert isinstance(valid["valid_until"].item(), datetime)
    assert valid["valid_until"].item().date().isoformat() == "2023-06-30"
    flights = ocel.objects[ocel.objects["ocel:type"] == "flight"]
    assert sorted(d.date().isoformat() for d in flights["date"]) == [
        "2023-03-20",
        "2023-04-20",
        "2023-05-10",
        "2023-05-10",
        "2023-06-01",
        "2023-06-20",
    ]


def test_ground_support_kind_amount_and_provider_are_kept(exported: dict[str, Path]) -> None:
    ocel = pm4py.read_ocel2_json(str(exported["pseudonymised"]))
    events = ocel.events
    assert set(events[events["ocel:activity"] == "detention_started"]["ground"]) == {"vw59a"}
    support = events[events["ocel:activity"] == "support_granted"]
    granted = zip(support["kind"], support["amount_eur"], support["provider"], strict=True)
    assert sorted(set(granted)) == [
        ("basic_departure", 250.0, "IOM"),
        ("reintegration", 99.5, "other"),  # one person's note is no provider's name
    ]
    text = exported["pseudonymised"].read_text(encoding="utf-8")
    for identifying in (A, "KL-2", "Budel", "Vries", "Zwolle"):
        assert identifying not in text, identifying


def test_pm4py_discovers_the_flight_lifecycle(exported: dict[str, Path]) -> None:
    ocel = pm4py.read_ocel2_json(str(exported["pseudonymised"]))
    flights = pm4py.ocel_flattening(ocel, "flight")
    dfg, starts, _ends = pm4py.discover_dfg(flights)
    assert set(flights["concept:name"]) == {"flight_booked", "flight_cancelled", "departed"}
    assert set(dfg) == {("flight_booked", "departed"), ("flight_booked", "flight_cancelled")}
    assert set(starts) == {"flight_booked"}
