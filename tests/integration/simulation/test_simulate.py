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

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)


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


def test_a_family_arrives_and_moves_as_one(tmp_path: Path, short: Parameters) -> None:
    """Every member of a family has their own V-number and case, and the same facts at the
    same moments; families on the return track live at a family location. The inflow counts
    persons, so families do not add to it."""
    out = tmp_path / "sim.jsonl"
    simulate(short, date(2023, 1, 1), date(2023, 12, 31), seed=6, out=out)
    lines = [json.loads(text) for text in out.read_text().splitlines()]
    members: dict[str, set[str]] = {}
    for line in lines:
        if line["type"] == "intake" and "family" in line["data"]:
            members.setdefault(line["data"]["family"], set()).add(line["v_number"])
    assert len(members) > 50
    sizes = Counter(len(v_numbers) for v_numbers in members.values())
    assert min(sizes) >= 2 and max(sizes) <= 5 and len(sizes) == 4
    by_person: dict[str, list[tuple[str, str, str]]] = {}
    # The same facts net of corrections: a member's own mistake is withdrawn (EVENTS.md v1.1).
    withdrawn = {line["data"]["event_id"] for line in lines if line["type"] == "retracted"}
    for line in lines:
        if line["type"] == "retracted" or line["id"] in withdrawn:
            continue
        fact = (line["type"], line["occurred_at"], json.dumps(line["data"], sort_keys=True))
        by_person.setdefault(line["v_number"], []).append(fact)
    for v_numbers in members.values():
        histories = [by_person[v] for v in sorted(v_numbers)]
        assert all(history == histories[0] for history in histories)
    in_families = set().union(*members.values())
    placed = Counter(
        (line["data"]["kind"], line["v_number"] in in_families)
        for line in lines
        if line["type"] == "location_changed"
    )
    assert placed[("family_location", True)] > 100
    assert placed[("family_location", False)] == 0  # the family locations are for families
    in_2023 = sum(
        1 for line in lines if line["type"] == "intake" and line["occurred_at"] >= "2023-"
    )
    assert 1300 < in_2023 < 1700  # 1,500 persons, families included


def test_an_appeal_is_followed_by_at_most_one_further_appeal(
    tmp_path: Path, short: Parameters
) -> None:
    """A rejection may be appealed at once, and the court's decision once more (to the Council
    of State); there the chain ends, so no one collects decisions by appeals alone."""
    out = tmp_path / "sim.jsonl"
    simulate(short, date(2023, 1, 1), date(2023, 12, 31), seed=7, out=out)
    previous: dict[str, dict[str, object]] = {}
    chain: dict[str, int] = {}
    longest: Counter[int] = Counter()
    for text in out.read_text().splitlines():
        line = json.loads(text)
        v_number = line["v_number"]
        if line["type"] == "procedure_started":
            before = previous.get(v_number, {"type": "", "occurred_at": line["occurred_at"]})
            gap = datetime.fromisoformat(line["occurred_at"]) - datetime.fromisoformat(
                str(before["occurred_at"])
            )
            at_once = before["type"] == "procedure_decided" and gap.total_seconds() <= 120
            if line["data"]["kind"] != "appeal":
                chain[v_number] = 0
            else:
                chain[v_number] = chain.get(v_number, 0) + 1 if at_once else 1
                longest[chain[v_number]] += 1
        previous[v_number] = line
    assert longest[2] > 10  # further appeals happen
    assert max(longest) == 2


def test_a_warm_up_before_the_rules_table_is_refused_with_the_first_possible_start(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from terugkeer.cli.app import app

    out = tmp_path / "sim.jsonl"
    done = CliRunner().invoke(app, ["simulate", "--from", "2014-01-01", "--to", "2014-12-31",
                                    "--out", str(out)])  # fmt: skip
    assert done.exit_code == 2 and not out.exists()  # refused before anything is simulated
    said = " ".join(done.output.replace("\u2502", " ").split())  # without the box lines
    assert "begins on 2008-01-01, before the rules table has detention rules" in said
    assert "choose --from 2017-01-01 or later" in said


def test_corrections_are_emitted_and_move_no_figure(
    tmp_path: Path, short: Parameters, rules: RulesTable
) -> None:
    """A small share of facts come with their sender's correction (EVENTS.md v1.1); net of the
    retractions the key figures are those of the same world without corrections."""
    from terugkeer.reports.key_figures import key_figures
    from terugkeer.reports.period import Period

    none = short.model_copy(update={"corrections": short.corrections.model_copy(
        update={"corrected_share": short.corrections.corrected_share.model_copy(
            update={"value": 0.0})})})  # fmt: skip
    year = Period(date(2023, 1, 1), date(2023, 12, 31))
    found = []
    for name, params in (("with", short), ("without", none)):
        out = tmp_path / f"{name}.jsonl"
        simulate(params, date(2023, 1, 1), date(2023, 12, 31), seed=5, out=out)
        engine = make_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
        ensure_schema(engine)
        with out.open("rb") as stream:
            summary = import_lines(stream, EventStore(engine, rules), clock=lambda: NOW)
        assert summary.rejected == []
        kinds = Counter(json.loads(line)["type"] for line in out.read_text().splitlines())
        with engine.connect() as connection:
            found.append((kinds, key_figures(connection, year)))
        engine.dispose()
    (with_kinds, with_figures), (without_kinds, without_figures) = found
    retracted = with_kinds["retracted"]
    assert without_kinds["retracted"] == 0
    assert 0.001 < retracted / sum(with_kinds.values()) < 0.004  # about 0.2% of the events
    assert with_figures == without_figures


NOW = datetime(2030, 1, 1, tzinfo=UTC)
