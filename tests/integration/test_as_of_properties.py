""" "As known on" without a replay (issue 30): the figures and projections of a store as known
at any moment equal those of a store that only ever received the events recorded by then.

Each event is recorded at its own arrival time, several to a commit, so a moment can fall
between two commits or inside one (store/as_of.py derives that stretch anew)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.store.as_of import known_at, replayed
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.tables import chain_head, completeness, events
from terugkeer.store.versions import VERSIONED
from tests.integration.test_import_properties import RULES, as_line, clock, figures, population
from tests.stores import sqlite_store
from tests.unit.domain.test_history_properties import Planned, arrival_order

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

_numbers = itertools.count(500)
START = datetime(2025, 1, 1, tzinfo=UTC)
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def arrivals(order: Sequence[Planned], ties: int, start: datetime = START) -> dict[str, datetime]:
    """Line i arrives at minute i // ties after `start`: `ties` events share each moment."""
    return {p.id: start + timedelta(minutes=i // ties) for i, p in enumerate(order)}


def receive(engine: Engine, order: Sequence[Planned], arrived: dict[str, datetime],
            rules: RulesTable, batch: int) -> None:  # fmt: skip
    store = EventStore(engine, rules)
    store.arrivals = arrived
    lines = [as_line(p) for p in order]
    summary = import_lines(lines, store, clock=clock, batch_size=batch)
    assert (summary.accepted, summary.rejected) == (len(lines), []), summary.as_json()


def projections(engine: Engine, *, same_store: bool) -> dict[str, list[tuple[Any, ...]]]:
    """Every versioned projection's rows, the events and the chain head, in key order. Two
    stores' hashes differ (each history's commitment has a random salt): compared within one
    store only."""
    salted = () if same_store else ("hash", "commitment")
    queries = {table.name: select(table) for table in [*VERSIONED, completeness]}
    queries["events"] = select(*(c for c in events.c if c.name not in salted))
    queries["chain_head"] = select(
        chain_head.c.last_seq, chain_head.c.scheme,
        *((chain_head.c.last_hash,) if same_store else ()),
    )  # fmt: skip
    with engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(query)), key=repr)
            for name, query in queries.items()
        }


@st.composite
def history(draw: st.DrawFn) -> tuple[list[Planned], int, int, int]:
    planned = draw(population())
    order = draw(arrival_order(planned))
    ties = draw(st.sampled_from([1, 3]))
    batch = draw(st.sampled_from([1, 4, 5000]))
    cut = draw(st.integers(0, len(order)))  # the moment of the cut-th line (0: before any)
    return order, ties, batch, cut


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history())
def test_as_of_a_moment_equals_a_store_that_only_received_what_was_known(
    drawn: tuple[list[Planned], int, int, int],
) -> None:
    order, ties, batch, cut = drawn
    arrived = arrivals(order, ties)
    moment = (START - timedelta(minutes=1)) if cut == 0 else arrived[order[cut - 1].id]
    known = [p for p in order if arrived[p.id] <= moment]  # ties go with the cut
    stamp = moment.strftime(_STAMP)
    with tempfile.TemporaryDirectory() as directory:
        whole = make_engine(sqlite_store(Path(directory) / "whole.db"))
        prefix = make_engine(sqlite_store(Path(directory) / "prefix.db"))
        try:
            receive(whole, order, arrived, RULES, batch)
            receive(prefix, known, arrived, RULES, batch)
            with known_at(whole, stamp, RULES) as viewed:
                assert figures(viewed) == figures(prefix)
                seen, received = (projections(e, same_store=False) for e in (viewed, prefix))
                assert seen == received
        finally:
            whole.dispose()
            prefix.dispose()


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_versions_answer_as_the_replay_does_on_both_backends(
    engine: Engine, rules: RulesTable, data: st.DataObject
) -> None:
    """On SQLite and PostgreSQL: at every moment of a history received three events to a
    moment, the views give the figures and rows a scratch replay of the prefix gives."""
    number = next(_numbers)  # the examples share the store: each comes a day after the last
    order = data.draw(arrival_order(data.draw(population(prefix=number))))
    arrived = arrivals(order, ties=3, start=START + timedelta(days=number))
    with engine.connect() as connection:
        before = connection.execute(select(chain_head.c.last_seq)).scalar() or 0
    receive(engine, order, arrived, rules, batch=4)
    moments = sorted(set(arrived.values()))
    for moment in moments[:: max(1, len(moments) // 6)]:
        stamp = moment.strftime(_STAMP)
        with known_at(engine, stamp, rules) as viewed, replayed(engine, stamp, rules) as replay:
            assert figures(viewed) == figures(replay)
            assert projections(viewed, same_store=True) == projections(replay, same_store=True)
            with viewed.connect() as connection:
                seen = connection.execute(select(chain_head.c.last_seq)).scalar_one()
            assert seen > before
