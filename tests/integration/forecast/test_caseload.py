"""The forecast's view of the store: every open case counted once, as a cohort, and a caseload
handed to the simulator comes back out of the store it writes as the same cohorts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.cohorts import Cohort
from terugkeer.domain.rules import RulesTable
from terugkeer.forecast.caseload import Caseload, default_as_of, read_caseload
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.model import World
from terugkeer.simulation.replications import import_feed
from terugkeer.simulation.runner import simulate
from terugkeer.simulation.seeding import seed_away, seed_caseload
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema
from terugkeer.store.tables import events
from tests.integration.lines import line
from tests.integration.simulation.worlds import small_world

AS_OF = date(2023, 6, 30)
RECEIVED = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated world up to the caseload day (a tenth of the inflow, one warm-up year)."""
    out = tmp_path_factory.mktemp("feed") / "sim.jsonl"
    params = small_world(load_parameters(), per_year=1500)
    simulate(params, date(2023, 1, 1), AS_OF, seed=5, out=out)
    return out


def _fill(engine: Engine, feed: Path, rules: RulesTable) -> None:
    with feed.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, rules), clock=lambda: RECEIVED)
    assert summary.rejected == []


def _store(path: Path, feed: Path, rules: RulesTable) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    _fill(engine, feed, rules)
    return engine


def test_the_caseload_is_every_open_case_of_the_report(
    engine: Engine, feed: Path, rules: RulesTable
) -> None:
    _fill(engine, feed, rules)
    with engine.connect() as connection:
        caseload = read_caseload(connection, AS_OF)
        reported = key_figures(connection, Period(AS_OF, AS_OF), today=AS_OF)
        assert default_as_of(connection) == AS_OF
    assert caseload.size == reported["caseload"] > 500
    assert caseload.inflow_last_year is not None  # the warm-up year covers the 12 months
    persons = [(cohort, n * cohort.persons) for cohort, n in caseload.cohorts]
    with_decision = sum(n for cohort, n in persons if cohort.decisions >= 1)
    assert with_decision == reported["repeated_procedures"]["with_decision"]
    at_emergency = sum(n for c, n in persons if c.location == "emergency_reception")
    assert at_emergency == reported["at_emergency_reception"]
    # Families whose open cases are alike are one unit each: they continue together.
    families = sum(n for cohort, n in caseload.cohorts if cohort.persons > 1)
    assert families > 10


def test_an_empty_store_or_a_short_one_says_so(engine: Engine, rules: RulesTable) -> None:
    with engine.connect() as connection:
        with pytest.raises(ValueError, match="holds no events"):
            default_as_of(connection)
        assert read_caseload(connection, AS_OF).size == 0
    lines = [
        '{"id":"x-1","type":"intake","v_number":"1000000001","occurred_at":'
        '"2023-05-02T10:00:00+02:00","source":"IND","data":{"nationality":"MAR","track":"asylum"}}'
    ]
    import_lines(lines, EventStore(engine, rules), clock=lambda: RECEIVED)
    with engine.connect() as connection:
        caseload = read_caseload(connection, AS_OF)
    assert caseload.size == 1
    assert caseload.inflow_last_year is None  # two months of history are not a year's inflow


def test_a_seeded_caseload_reads_back_as_the_same_cohorts(
    tmp_path: Path, feed: Path, rules: RulesTable
) -> None:
    with _store(tmp_path / "original.db", feed, rules).connect() as connection:
        caseload = read_caseload(connection, AS_OF)
        real_v_numbers = set(connection.execute(select(events.c.v_number)).scalars())
    seeded = tmp_path / "seeded.jsonl"
    start = datetime.combine(AS_OF + timedelta(days=1), time(), AMSTERDAM)
    with seeded.open("w") as stream:
        world = World(load_parameters(), start, seed=1, write=stream.write)
        assert seed_caseload(world, caseload.cohorts) == caseload.size
        seed_away(world, caseload.away)
    with _store(tmp_path / "copy.db", seeded, rules).connect() as connection:
        again = read_caseload(connection, AS_OF)
        seeded_v_numbers = set(connection.execute(select(events.c.v_number)).scalars())
    assert Counter(dict(again.cohorts)) == Counter(dict(caseload.cohorts))
    assert caseload.away, "the small world has people away in an asylum procedure"
    assert Counter(dict(again.away)) == Counter(dict(caseload.away))
    # New anonymous people: not one V-number of the store reaches the simulation.
    assert not seeded_v_numbers & real_v_numbers


def test_a_caseload_crosses_processes_as_json() -> None:
    caseload = Caseload(as_of=AS_OF, cohorts=[], inflow_last_year=None)
    assert Caseload.model_validate_json(caseload.model_dump_json()) == caseload


def test_decisions_of_earlier_cases_count_as_the_report_counts_them(
    engine: Engine, rules: RulesTable
) -> None:
    """Someone back after a rejected asylum procedure brings their decisions along."""
    v = "1000000002"
    lines = [
        line("x-1", "intake", v, "2022-01-05T10:00:00+01:00",
             {"nationality": "SYR", "track": "asylum"}, source="IND"),
        line("x-2", "procedure_started", v, "2022-01-06T10:00:00+01:00",
             {"reference": "P1", "kind": "appeal", "suspensive": False}, source="IND"),
        line("x-3", "procedure_decided", v, "2022-03-06T10:00:00+01:00",
             {"reference": "P1", "outcome": "rejected"}, source="IND"),
        line("x-4", "procedure_started", v, "2022-05-01T10:00:00+02:00",
             {"reference": "P2", "kind": "asylum", "suspensive": True}, source="IND"),
        line("x-5", "exit_without_departure", v, "2022-05-01T10:00:00+02:00",
             {"reason": "asylum_procedure"}, source="IND"),
        line("x-6", "intake", v, "2023-02-01T10:00:00+01:00",
             {"nationality": "SYR", "track": "asylum"}, source="IND"),
        line("x-7", "procedure_decided", v, "2023-02-01T10:01:00+01:00",
             {"reference": "P2", "outcome": "rejected"}, source="IND"),
    ]  # fmt: skip
    assert import_lines(lines, EventStore(engine, rules), clock=lambda: RECEIVED).rejected == []
    with engine.connect() as connection:
        caseload = read_caseload(connection, AS_OF)
        reported = key_figures(connection, Period(AS_OF, AS_OF), today=AS_OF)
    [(cohort, count)] = caseload.cohorts
    assert (cohort.decisions, count) == (2, 1)
    assert cohort.months_open == 4  # the open case, not the first one
    assert reported["repeated_procedures"]["with_decision"] == 1


def test_stateless_people_and_unknown_nationalities_leave_for_a_country(tmp_path: Path) -> None:
    """XXA and XXX are nationalities, not destinations: a forecast of a real caseload with
    them must still write only valid departures and flights."""
    cohorts = [
        (Cohort(track="asylum", nationality="XXX", stance="cooperating", months_open=3,
                return_decision_month=date(2023, 3, 1), departure_term_days=28,
                flight_escort="none", flight_in_weeks=0), 40),
        (Cohort(track="regular", nationality="XXA", stance="cooperating", months_open=5), 40),
        (Cohort(track="criminal", nationality="XXA", stance="not_cooperating", months_open=2,
                return_decision_month=date(2023, 4, 1), departure_term_days=0,
                document_valid_until_month=date(2024, 1, 1),
                detained_since_month=date(2023, 6, 1)), 40),
    ]  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    start = datetime.combine(AS_OF + timedelta(days=1), time(), AMSTERDAM)
    with feed.open("w") as stream:
        world = World(load_parameters(), start, seed=3, write=stream.write)
        seed_caseload(world, cohorts)
        world.env.run(until=120)  # no inflow process: only the seeded caseload
    import_feed(feed, tmp_path, received=RECEIVED)  # raises on any rejected line
    lines = [json.loads(text) for text in feed.read_text().splitlines()]
    departures = [line["data"] for line in lines if line["type"] == "departed"]
    assert len(departures) > 20
    assert not {d["destination"] for d in departures} & {"XXA", "XXX"}
