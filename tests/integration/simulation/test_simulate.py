"""The simulator's output travels the partner path: every line imports; same seed, same bytes."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema
from tests.integration.simulation.worlds import small_world


@pytest.fixture(scope="module")
def short() -> Parameters:
    """A small world: one warm-up year and a tenth of the inflow, so the test runs in seconds."""
    return small_world(load_parameters(), per_year=1500)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_emitted_line_is_accepted_by_import(
    tmp_path: Path, short: Parameters, rules: RulesTable
) -> None:
    out = tmp_path / "sim.jsonl"
    run = simulate(short, date(2023, 1, 1), date(2023, 12, 31), seed=3, out=out)
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    ensure_schema(engine)
    with out.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, rules), clock=lambda: datetime.now(UTC))
    assert summary.rejected == []
    assert summary.accepted == run.events > 10_000
    lines = out.read_text().splitlines()
    # No simulated person can carry a real person's number: all from the reserved range.
    assert all('"v_number":"000' in line for line in lines)
    kinds = {line.split('"type":"')[1].split('"')[0] for line in lines}
    assert kinds >= {
        "intake", "interview", "location_changed", "procedure_started", "procedure_decided",
        "return_decision", "document_requested", "document_answered", "travel_document_valid",
        "detention_started", "detention_ended", "dublin_claim", "dublin_accepted",
        "dublin_refused", "support_granted", "flight_booked", "flight_cancelled", "departed",
        "absconded", "exit_without_departure",
    }  # fmt: skip


def test_the_same_seed_gives_the_same_file_byte_for_byte(tmp_path: Path, short: Parameters) -> None:
    first, again, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    simulate(short, date(2023, 1, 1), date(2023, 6, 30), seed=11, out=first)
    simulate(short, date(2023, 1, 1), date(2023, 6, 30), seed=11, out=again)
    simulate(short, date(2023, 1, 1), date(2023, 6, 30), seed=12, out=other)
    assert _digest(first) == _digest(again)
    assert _digest(first) != _digest(other)


def test_no_realistic_personal_data_is_emitted(tmp_path: Path, short: Parameters) -> None:
    out = tmp_path / "sim.jsonl"
    simulate(short, date(2023, 1, 1), date(2023, 3, 31), seed=5, out=out)
    text = out.read_text()
    assert '"birth_date"' not in text
    assert '"name"' not in text


def test_a_scenario_inflow_is_the_inflow_of_the_simulated_year(
    tmp_path: Path, short: Parameters
) -> None:
    """The history only drives the warm-up; `inflow.per_year` is what the simulated year gets."""
    history = {"2022": short.inflow.per_year.model_copy(update={"value": 100})}
    inflow = short.inflow.model_copy(update={"history_per_year": history})
    params = short.model_copy(update={"inflow": inflow})
    out = tmp_path / "sim.jsonl"
    simulate(params, date(2023, 1, 1), date(2023, 12, 31), seed=2, out=out)
    intakes = [line for line in out.read_text().splitlines() if '"type":"intake"' in line]
    in_2022 = sum('"occurred_at":"2022-' in line for line in intakes)
    in_2023 = sum('"occurred_at":"2023-' in line for line in intakes)
    assert 60 < in_2022 < 140  # the warm-up history: 100 a year
    assert 1300 < in_2023 < 1700  # per_year: 1,500


def test_people_come_back_after_a_rejected_asylum_procedure(
    tmp_path: Path, short: Parameters
) -> None:
    """A re-entry is the same V-number with a new intake; the rejection that brought them
    back opens the new case and counts among their decisions; the inflow stays the inflow."""
    out = tmp_path / "sim.jsonl"
    simulate(short, date(2023, 1, 1), date(2023, 12, 31), seed=4, out=out)
    lines = [json.loads(text) for text in out.read_text().splitlines()]
    intakes = Counter(line["v_number"] for line in lines if line["type"] == "intake")
    back = [v for v, n in intakes.items() if n > 1]
    assert len(back) > 20
    person = [line for line in lines if line["v_number"] == back[0]]
    second = [i for i, line in enumerate(person) if line["type"] == "intake"][1]
    left, rejection = person[second - 1], person[second + 1]
    assert (left["type"], left["data"]["reason"]) == ("exit_without_departure", "asylum_procedure")
    assert rejection["type"] == "procedure_decided"
    started = [line for line in person[:second] if line["type"] == "procedure_started"]
    assert started[-1]["data"] == {
        "reference": rejection["data"]["reference"], "kind": "asylum", "suspensive": True,
    }  # fmt: skip
    in_2023 = sum(
        1 for line in lines if line["type"] == "intake" and line["occurred_at"] >= "2023-"
    )
    assert 1300 < in_2023 < 1700  # re-entries take their place in the 1,500, not on top
