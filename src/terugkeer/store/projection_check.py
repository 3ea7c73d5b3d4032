"""Checking the projections against the events they are derived from.

The hash chain protects the events; the reports read mostly from the `cases` and
`dublin_claims` projections. This replays every person's history and compares, so an edited
projection row cannot change a published figure unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

from terugkeer.domain.errors import EventRejectedError
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.store.projections import PROJECTIONS, person_rows
from terugkeer.store.projector import projected_seq
from terugkeer.store.queries import all_person_events


def projection_problems(connection: Connection, rules: RulesTable, *, limit: int = 10) -> list[str]:
    """Up to `limit` sentences, each naming a projection row that differs from the events
    they reflect: those up to the last mark (a projector may still be behind the head,
    store/projector.py; what it has not reached yet is no difference)."""
    stored = {table: _rows(connection, table) for table in PROJECTIONS}
    problems: list[str] = []
    for v_number, person in all_person_events(connection, projected_seq(connection)):
        try:
            history = PersonHistory(v_number, person)
        except EventRejectedError as error:  # an edited row: say so, do not crash
            problems.append(f"the events of row seq {person[0].seq} and on do not form a "
                            f"history: {error.message}")  # fmt: skip
            continue
        for table, expected in person_rows(history, rules).items():
            problems += _compare(table, expected, stored[table])
        if len(problems) >= limit:
            return problems[:limit]
    for table, left in stored.items():
        problems += [f"{table.name} row {_name(key)} has no events behind it" for key in left]
    return problems[:limit]


def _rows(connection: Connection, table: Table) -> dict[Any, tuple[Any, ...]]:
    width = len(table.primary_key.columns)  # key columns come first in every projection
    keys = list(table.primary_key.columns)
    return {
        _key(row, width): tuple(row) for row in connection.execute(select(table).order_by(*keys))
    }


def _key(row: Sequence[Any], width: int) -> Any:
    return row[0] if width == 1 else tuple(row[:width])


def _name(key: Any) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _compare(
    table: Table, expected: list[list[Any]], stored: dict[Any, tuple[Any, ...]]
) -> list[str]:
    names = [column.name for column in table.columns]
    width = len(table.primary_key.columns)
    problems = []
    for row in expected:
        key = _key(row, width)
        found = stored.pop(key, None)
        if found is None:
            problems.append(f"{table.name} row {_name(key)} is missing")
        elif found != tuple(row):
            column = next(i for i, (a, b) in enumerate(zip(found, row, strict=True)) if a != b)
            problems.append(
                f"{table.name} row {_name(key)}: {names[column]} is {found[column]!r} but the "
                f"events give {row[column]!r}"
            )
    return problems
