"""The projector (issue 30, point 2): the projections a projector writes by following the chain
are the ones the event store writes inline, however its steps fall against the import's
batches; "as known on" reads its marks as it reads the store's; and a store that projects
inline first brings up whatever a projector left behind, so a read after a write sees it."""

from __future__ import annotations

import itertools
import json
import shutil
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
from terugkeer.store import event_store
from terugkeer.store.as_of import known_at, replayed
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.projections import PROJECTIONS
from terugkeer.store.projector import Projector, head_seq, projected_seq
from terugkeer.store.schema import ensure_schema
from terugkeer.store.tables import cases, location_spells
from terugkeer.store.versions_check import version_problems
from tests.integration.backup_helpers import person_lines
from tests.integration.lines import line
from tests.integration.test_import_properties import RULES, as_line, clock, figures, population
from tests.integration.test_withdrawal_properties import independent, retraction
from tests.unit.domain.test_history_properties import arrival_order

pytestmark = pytest.mark.slow  # the scheduler starts it early (conftest)
START = datetime(2025, 1, 1, tzinfo=UTC)
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
_people = itertools.count(0)


def rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's rows, in key order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in PROJECTIONS
        }


def append(store: EventStore, lines: Sequence[str]) -> None:
    summary = import_lines(lines, store, clock=clock, batch_size=max(1, len(lines)))
    assert (summary.accepted, summary.rejected) == (len(lines), []), summary.as_json()


@st.composite
def plan(draw: st.DrawFn) -> tuple[list[str], list[int], int, list[int], bool, int]:
    """The lines of a history in an arrival order, then the retractions of some events
    nothing relies on, cut into batches; after each batch, how many projector steps (of
    `step` events) run; whether the last batch is appended by a store projecting inline;
    a moment to ask "as known on"."""
    planned = draw(population())
    order = draw(arrival_order(planned))
    withdrawn = draw(st.lists(st.sampled_from(independent(planned)), unique_by=lambda p: p.id,
                              max_size=3))  # fmt: skip
    lines = [*map(as_line, order), *map(retraction, withdrawn)]
    cuts = sorted(draw(st.lists(st.integers(1, len(lines)), max_size=5)))
    step = draw(st.sampled_from([1, 3, 1000]))
    steps = draw(st.lists(st.integers(0, 2), min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    return lines, cuts, step, steps, draw(st.booleans()), draw(st.integers(0, len(lines)))


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite store, copied for each example (migrating takes a second)."""
    path = tmp_path_factory.mktemp("projector") / "empty.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    engine.dispose()
    return path


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan())
def test_a_projector_writes_what_the_store_writes_inline(
    empty_store: Path, drawn: tuple[list[str], list[int], int, list[int], bool, int]
) -> None:
    lines, cuts, step, steps, inline_last, moment = drawn
    ids = [json.loads(text)["id"] for text in lines]
    arrived = {i: START + timedelta(minutes=n // 2) for n, i in enumerate(ids)}
    batches = [lines[a:b] for a, b in itertools.pairwise([0, *cuts, len(lines)]) if b > a]
    with tempfile.TemporaryDirectory() as directory:
        for name in ("inline.db", "followed.db"):
            shutil.copy(empty_store, Path(directory) / name)
        inline = make_engine(f"sqlite:///{Path(directory) / 'inline.db'}")
        followed = make_engine(f"sqlite:///{Path(directory) / 'followed.db'}")
        try:
            store = EventStore(inline, RULES)
            store.arrivals = arrived
            for batch in batches:
                append(store, batch)
            writer = EventStore(followed, RULES)
            projector = Projector(followed, RULES, step_events=step)
            writer.arrivals = arrived
            writer.project = False
            for number, (batch, runs) in enumerate(zip(batches, steps, strict=False)):
                writer.project = inline_last and number == len(batches) - 1
                append(writer, batch)
                for _ in range(runs):
                    projector.step()
            projector.catch_up()
            assert rows(followed) == rows(inline)
            with followed.connect() as connection:
                assert projected_seq(connection) == head_seq(connection) == len(lines)
                assert projection_problems(connection, RULES) == []
                assert version_problems(connection) == []
            # "As known on" a moment reads the projector's marks as it reads the store's.
            stamp = arrived[ids[moment % len(ids)]].strftime(_STAMP)
            with (
                known_at(followed, stamp, RULES) as viewed,
                replayed(followed, stamp, RULES) as replay,
            ):
                assert figures(viewed) == figures(replay)
        finally:
            inline.dispose()
            followed.dispose()


def people(count: int) -> list[str]:
    """The intake and interview of `count` new persons."""
    numbers = [next(_people) for _ in range(count)]
    return [text for n in numbers for text in person_lines(n, str(4300000000 + n), 2023)[:2]]


def test_a_read_after_a_write_sees_the_write_though_a_projector_is_behind(
    engine: Engine, rules: RulesTable
) -> None:
    """On SQLite and PostgreSQL: an import appends without projecting and its projector has
    done only part; a page or the API (another event store, projecting inline) writes one
    event; the projections then reflect every event up to that write, and the projector,
    stepping on, neither doubles nor loses a row."""
    importer = EventStore(engine, rules)
    importer.project = False
    projector = Projector(engine, rules, step_events=7)
    append(importer, people(30))
    projector.step()
    with engine.connect() as connection:
        assert 0 < projected_seq(connection) < head_seq(connection) == 60
    pages = EventStore(engine, rules)
    newcomer = people(1)
    append(pages, newcomer[:1])
    with engine.connect() as connection:
        assert projected_seq(connection) == head_seq(connection) == 61
        opened = connection.execute(select(cases.c.v_number).where(cases.c.case_seq == 61))
        assert opened.scalar_one() == newcomer[0].split('"v_number": "')[1][:10]
        assert len(connection.execute(select(cases)).all()) == 31
        assert projection_problems(connection, rules) == []
    append(importer, people(5))
    projector.catch_up()
    append(pages, newcomer[1:])
    with engine.connect() as connection:
        assert projected_seq(connection) == head_seq(connection) == 72
        assert projection_problems(connection, rules) == []
        assert version_problems(connection) == []
        assert len(connection.execute(select(cases)).all()) == 36


def test_a_server_beside_a_projector_leaves_it_the_intake_but_not_a_pages_action(
    engine: Engine, rules: RulesTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite and PostgreSQL: the web server's store with a projector beside it
    (`beside`): the partner intake appends without projecting; a page's action (projecting
    inline) finds rows the projector wrote since its own last write — a location spell it
    never saw — and takes them into account: withdrawing the move leaves no spell behind.
    Once the projections are more than BESIDE_MAX_LAG events behind, the intake projects
    inline again (a projector that died holds the reads back no further)."""
    monkeypatch.setattr(event_store, "BESIDE_MAX_LAG", 1)
    numbers = [str(4300000000 + next(_people)) for _ in range(4)]
    day = "2023-03-01T10:00:00+01:00"
    intakes = [line(f"in-{v}", "intake", v, day, {"nationality": "MAR", "track": "asylum"})
               for v in numbers]  # fmt: skip
    moves = [line(f"mv-{v}", "location_changed", v, day.replace("T10", "T12"), {"kind": "azc"},
                  source="COA") for v in numbers]  # fmt: skip
    withdrawn = [json.dumps({"id": f"x-{v}", "type": "retracted", "v_number": v,
                             "occurred_at": "2023-03-02T10:00:00+01:00", "source": "COA",
                             "data": {"event_id": f"mv-{v}", "reason": "entered_in_error"}})
                 for v in numbers]  # fmt: skip
    server = EventStore(engine, rules)
    projector = Projector(engine, rules)

    def reach() -> tuple[int, int]:
        with engine.connect() as connection:
            return projected_seq(connection), head_seq(connection)

    append(server, intakes)  # a page's action (`beside` still off): projected inline
    server.beside = True
    append(server, moves[:2])  # the API's: left to the projector
    assert reach() == (4, 6)
    projector.catch_up()  # it writes the two spells
    server.beside = False  # a page's action on the persons the projector just projected
    append(server, withdrawn[:2])
    assert reach() == (8, 8)
    server.beside = True
    append(server, moves[2:])  # none behind: left to the projector
    assert reach() == (8, 10)
    append(server, withdrawn[2:])  # 2 behind, over the bound: inline again
    assert reach() == (12, 12)
    with engine.connect() as connection:
        assert projection_problems(connection, rules) == []
        assert version_problems(connection) == []
        spells = connection.execute(select(location_spells.c.v_number)).scalars().all()
    assert not set(spells) & set(numbers)
