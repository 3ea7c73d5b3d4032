"""Checking the projections against the events they are derived from.

The hash chain protects the events; the reports read mostly from the `cases` and
`dublin_claims` projections. This replays every person's history and compares, so an edited
projection row cannot change a published figure unnoticed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, select

from terugkeer.domain.errors import EventRejectedError
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.store.projections import person_rows
from terugkeer.store.queries import all_person_events
from terugkeer.store.tables import cases, dublin_claims


def projection_problems(connection: Connection, rules: RulesTable, *, limit: int = 10) -> list[str]:
    """Up to `limit` sentences, each naming a projection row that differs from the events."""
    stored_cases = _rows(connection, cases)
    stored_claims = _rows(connection, dublin_claims)
    problems: list[str] = []
    for v_number, person in all_person_events(connection):
        try:
            history = PersonHistory(v_number, person)
        except EventRejectedError as error:  # an edited row: say so, do not crash
            problems.append(f"the events of row seq {person[0].seq} and on do not form a "
                            f"history: {error.message}")  # fmt: skip
            continue
        expected_cases, expected_claims = person_rows(history, rules)
        problems += _compare(cases, expected_cases, stored_cases)
        problems += _compare(dublin_claims, expected_claims, stored_claims)
        if len(problems) >= limit:
            return problems[:limit]
    for table, left in ((cases, stored_cases), (dublin_claims, stored_claims)):
        problems += [f"{table.name} row {key} has no events behind it" for key in left]
    return problems[:limit]


def _rows(connection: Connection, table: Table) -> dict[Any, tuple[Any, ...]]:
    key = next(iter(table.primary_key.columns))
    return {row[0]: tuple(row) for row in connection.execute(select(table).order_by(key))}


def _compare(
    table: Table, expected: list[list[Any]], stored: dict[Any, tuple[Any, ...]]
) -> list[str]:
    names = [column.name for column in table.columns]
    problems = []
    for row in expected:
        found = stored.pop(row[0], None)
        if found is None:
            problems.append(f"{table.name} row {row[0]} is missing")
        elif found != tuple(row):
            column = next(i for i, (a, b) in enumerate(zip(found, row, strict=True)) if a != b)
            problems.append(
                f"{table.name} row {row[0]}: {names[column]} is {found[column]!r} but the events "
                f"give {row[column]!r}"
            )
    return problems
