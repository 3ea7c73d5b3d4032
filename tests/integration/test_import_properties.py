"""Import through the whole pipeline: the order lines arrive in, and repeating a file, do not
change what the reports say. Populations come from the history strategies of the domain tests."""

from __future__ import annotations

import itertools
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.tables import cases, dublin_claims, events
from tests.stores import sqlite_store
from tests.unit.domain.test_history_properties import Planned, arrival_order, person_history

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

RULES = load_rules()
PERIODS = [
    Period(date(2022, 1, 1), date(2022, 12, 31)),  # a whole year
    Period(date(2023, 1, 1), date(2023, 12, 31)),
    Period(date(2022, 6, 1), date(2022, 6, 30)),  # a month
    Period(date(2022, 3, 1), date(2023, 2, 14)),  # ending mid-way through most histories
]
_population_numbers = itertools.count(1)


def clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def as_line(planned: Planned) -> str:
    return json.dumps(
        {
            "id": planned.id,
            "type": planned.type,
            "v_number": planned.v_number,
            "occurred_at": planned.occurred_at.isoformat(),
            "source": planned.source,
            "data": planned.data,
        }
    )


@st.composite
def population(draw: st.DrawFn, prefix: int = 0) -> list[Planned]:
    """3-8 persons, each a valid history, person after person (each in date order)."""
    persons = draw(st.integers(3, 8))
    return [e for n in range(persons) for e in draw(person_history(f"{prefix:04d}{n + 1:06d}"))]


def imported(engine: Engine, order: list[Planned], rules: RulesTable, batch_size: int) -> None:
    store = EventStore(engine, rules)
    lines = [as_line(p) for p in order]
    summary = import_lines(lines, store, clock=clock, batch_size=batch_size)
    assert (summary.accepted, summary.rejected) == (len(lines), []), summary.as_json()


def figures(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [key_figures(connection, period) for period in PERIODS]


def case_rows(engine: Engine) -> list[tuple[Any, ...]]:
    columns = [c for c in cases.c if c.name != "case_seq"]  # case_seq is a receipt seq
    query = select(*columns).order_by(cases.c.v_number, cases.c.opened_us)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def claim_rows(engine: Engine) -> list[tuple[Any, ...]]:
    columns = [c for c in dublin_claims.c if not c.name.endswith("_seq")]  # receipt seqs
    with engine.connect() as connection:
        return sorted((tuple(row) for row in connection.execute(select(*columns))), key=repr)


def event_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(events)).scalar_one()


@st.composite
def population_and_arrival(draw: st.DrawFn) -> tuple[list[Planned], list[Planned], int]:
    planned = draw(population())
    return planned, draw(arrival_order(planned)), draw(st.sampled_from([1, 4, 5000]))


@settings(max_examples=25, deadline=None)
@given(population_and_arrival())
def test_arrival_order_does_not_change_key_figures_or_cases(
    drawn: tuple[list[Planned], list[Planned], int],
) -> None:
    planned, shuffled, batch_size = drawn
    with tempfile.TemporaryDirectory() as directory:
        in_order = make_engine(sqlite_store(Path(directory) / "in_order.db"))
        interleaved = make_engine(sqlite_store(Path(directory) / "shuffled.db"))
        try:
            imported(in_order, planned, RULES, batch_size=5000)
            imported(interleaved, shuffled, RULES, batch_size=batch_size)
            assert figures(interleaved) == figures(in_order)
            assert case_rows(interleaved) == case_rows(in_order)
            assert claim_rows(interleaved) == claim_rows(in_order)
            assert event_count(interleaved) == event_count(in_order) == len(planned)
            # Small batches keep each projection current row by row (store/projection_cache.py):
            # every projection must still equal a replay of the whole history.
            with interleaved.connect() as connection:
                assert projection_problems(connection, RULES) == []
        finally:
            in_order.dispose()
            interleaved.dispose()


# One database per backend for all examples: each example brings persons of its own (a fresh
# v_number prefix), so the figures before and after the repeat are compared within the database.
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_importing_the_same_file_twice_changes_nothing(
    engine: Engine, rules: RulesTable, data: st.DataObject
) -> None:
    planned = data.draw(population(prefix=next(_population_numbers)))
    lines = [as_line(p) for p in planned]
    store = EventStore(engine, rules)
    first = import_lines(lines, store, clock=clock)
    assert (first.accepted, first.known, first.rejected) == (len(lines), 0, [])
    figures_once, cases_once, count_once = figures(engine), case_rows(engine), event_count(engine)

    again = import_lines(lines, EventStore(engine, rules), clock=clock)
    assert (again.accepted, again.known, again.rejected) == (0, len(lines), [])
    assert figures(engine) == figures_once
    assert case_rows(engine) == cases_once
    assert event_count(engine) == count_once
