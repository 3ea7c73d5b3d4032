"""The hash chain: `audit verify` names the first broken row after a change or deletion."""

from __future__ import annotations

from sqlalchemy import Engine, delete, update

from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.store.event_store import EventStore
from terugkeer.store.hashchain import verify
from terugkeer.store.projection_check import projection_problems
from terugkeer.store.tables import cases, chain_head, events
from tests.integration.lines import NOW, intake


def _fill(engine: Engine, rules: RulesTable, count: int = 6) -> None:
    lines = [intake(f"h-{n}", f"{n:010d}", "2023-01-05T10:00:00+01:00") for n in range(count)]
    assert import_lines(lines, EventStore(engine, rules), clock=lambda: NOW).accepted == count


def test_an_untouched_store_verifies(engine: Engine, rules: RulesTable) -> None:
    _fill(engine, rules)
    with engine.connect() as connection:
        result = verify(connection)
    assert result.intact and result.rows_checked == 6


def test_a_changed_value_is_caught_at_its_row(engine: Engine, rules: RulesTable) -> None:
    _fill(engine, rules)
    with engine.begin() as connection:
        connection.execute(update(events).where(events.c.seq == 3).values(source="IND"))
    with engine.connect() as connection:
        result = verify(connection)
    assert (result.intact, result.broken_seq, result.rows_checked) == (False, 3, 2)


def test_a_deleted_row_is_caught(engine: Engine, rules: RulesTable) -> None:
    _fill(engine, rules)
    with engine.begin() as connection:
        connection.execute(delete(events).where(events.c.seq == 4))
    with engine.connect() as connection:
        result = verify(connection)
    assert result.broken_seq == 4 and "missing" in (result.problem or "")


def test_deleting_the_newest_rows_is_caught_by_the_chain_head(
    engine: Engine, rules: RulesTable
) -> None:
    _fill(engine, rules)
    with engine.begin() as connection:
        connection.execute(delete(events).where(events.c.seq >= 5))
    with engine.connect() as connection:
        result = verify(connection)
    assert not result.intact and result.broken_seq == 5


def test_a_rewritten_chain_head_is_caught(engine: Engine, rules: RulesTable) -> None:
    _fill(engine, rules)
    with engine.begin() as connection:
        connection.execute(update(chain_head).values(last_hash="f" * 64))
    with engine.connect() as connection:
        assert not verify(connection).intact


def test_an_edited_projection_row_is_caught(engine: Engine, rules: RulesTable) -> None:
    _fill(engine, rules)
    with engine.connect() as connection:
        assert projection_problems(connection, rules) == []
    with engine.begin() as connection:
        connection.execute(update(cases).where(cases.c.case_seq == 2).values(nationality="NLD"))
        connection.execute(delete(cases).where(cases.c.case_seq == 4))
    with engine.connect() as connection:
        problems = projection_problems(connection, rules)
    assert problems == [
        "cases row 2: nationality is 'NLD' but the events give 'MAR'",
        "cases row 4 is missing",
    ]
