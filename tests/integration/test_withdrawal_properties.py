"""The metamorphic property of corrections (EVENTS.md v1.1, issue 26): for any generated history
H whose lines are all accepted, and any set S of them that nothing depends on, importing H and
then the retractions of S gives the same key figures, the same readiness of every person on
every date and the same worklist as importing H without S."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from terugkeer.domain.calendar import end_of_day_micros
from terugkeer.domain.events import CLOSING_TYPES, REFERRING_TYPES
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.removal import Readiness, removal_readiness
from terugkeer.importing.service import import_lines
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.queries import person_history
from terugkeer.store.tables import worklist_items
from tests.integration.test_import_properties import (
    RULES,
    clock,
    figures,
    imported,
    population,
)
from tests.stores import sqlite_store
from tests.unit.domain.test_history_properties import Planned

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

#: Every tenth day through the generated histories (2022 to early 2025).
DAYS = [date(2022, 1, 1) + timedelta(days=10 * n) for n in range(115)]


def independent(planned: list[Planned]) -> list[Planned]:
    """The events nothing else relies on: not a start, request or booking another names, not
    an intake with other events in its case, not the closing of a case a later case follows."""
    named = {ref for p in planned if p.type in REFERRING_TYPES for ref in p.after}
    by_person: dict[str, list[Planned]] = {}
    for p in planned:
        by_person.setdefault(p.v_number, []).append(p)
    found = []
    for person in by_person.values():
        intakes = [i for i, p in enumerate(person) if p.type == "intake"]
        for index, p in enumerate(person):
            if p.id in named:
                continue
            later_intake = any(i > index for i in intakes)
            if p.type in CLOSING_TYPES and later_intake:
                continue
            if p.type == "intake":
                following = person[index + 1 :]
                if following and following[0].type != "intake":
                    continue
            found.append(p)
    return found


def retraction(p: Planned) -> str:
    return json.dumps({
        "id": f"x-{p.id}", "type": "retracted", "v_number": p.v_number,
        "occurred_at": "2025-06-01T10:00:00+02:00", "source": p.source,
        "data": {"event_id": p.id, "reason": "entered_in_error"},
    })  # fmt: skip


def readiness(engine: Engine, v_numbers: list[str]) -> dict[tuple[str, date], Readiness | None]:
    found: dict[tuple[str, date], Readiness | None] = {}
    with engine.connect() as connection:
        for v_number in v_numbers:
            history = person_history(connection, v_number) or PersonHistory(v_number)
            for day in DAYS:
                bound = end_of_day_micros(day)
                opened = [case for case in history.cases if case.intake.micros < bound]
                found[v_number, day] = (
                    removal_readiness(opened[-1].events, day, RULES,
                                      person_events=history.events())
                    if opened else None
                )  # fmt: skip
    return found


def worklist(engine: Engine) -> list[tuple[Any, ...]]:
    columns = [c for c in worklist_items.c if c.name not in ("case_seq", "position")]
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(select(*columns)))


@st.composite
def history_and_withdrawn(draw: st.DrawFn) -> tuple[list[Planned], list[Planned]]:
    planned = draw(population())
    candidates = independent(planned)
    chosen = draw(st.lists(st.sampled_from(candidates), unique_by=lambda p: p.id, max_size=6))
    return planned, chosen


@settings(max_examples=25, deadline=None)
@given(history_and_withdrawn(), st.sampled_from([1, 5000]))
def test_withdrawing_is_as_if_never_received(
    drawn: tuple[list[Planned], list[Planned]], batch_size: int
) -> None:
    planned, withdrawn = drawn
    gone = {p.id for p in withdrawn}
    people = sorted({p.v_number for p in planned})
    with tempfile.TemporaryDirectory() as directory:
        corrected = make_engine(sqlite_store(Path(directory) / "corrected.db"))
        without = make_engine(sqlite_store(Path(directory) / "without.db"))
        try:
            imported(corrected, planned, RULES, batch_size=batch_size)
            summary = import_lines([retraction(p) for p in withdrawn],
                                   EventStore(corrected, RULES), clock=clock)  # fmt: skip
            assert (summary.accepted, summary.rejected) == (len(withdrawn), [])
            imported(without, [p for p in planned if p.id not in gone], RULES, batch_size=5000)
            assert figures(corrected) == figures(without)
            assert worklist(corrected) == worklist(without)
            assert readiness(corrected, people) == readiness(without, people)
            with corrected.connect() as connection:
                assert projection_problems(connection, RULES) == []
        finally:
            corrected.dispose()
            without.dispose()
