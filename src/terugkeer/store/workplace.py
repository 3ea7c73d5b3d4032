"""Reads for the pages: the worklist items of people (the worklist itself: store/worklist.py),
who directs a person's cases, a person's timeline with receipt times and recorders."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from terugkeer.store.tables import (
    assignments,
    case_directors,
    cases,
    events,
    recorded_by,
    worklist_items,
)


@dataclass(frozen=True, slots=True)
class ItemRow:
    case_seq: int
    v_number: str
    kind: str
    due: date
    source: str
    details: dict[str, str]
    director: str


def directors_of(connection: Connection, v_number: str) -> list[tuple[str, str | None]]:
    """(director, team) of every assigned case of the person."""
    query = select(case_directors.c.director, case_directors.c.team).where(
        case_directors.c.v_number == v_number
    )
    return [(row.director, row.team) for row in connection.execute(query)]


def open_cases(connection: Connection) -> list[tuple[int, str, str | None]]:
    """(case seq, V-number, family) of every open case, a family's members together."""
    query = (
        select(cases.c.case_seq, cases.c.v_number, cases.c.family)
        .where(cases.c.closed_us.is_(None))
        .order_by(cases.c.family, cases.c.v_number)
    )
    return [(row.case_seq, row.v_number, row.family) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class UnassignedRow:
    case_seq: int
    v_number: str
    opened_us: int
    nationality: str
    track: str
    family: str | None


def unassigned(connection: Connection, *, limit: int) -> tuple[list[UnassignedRow], int]:
    """Open cases without a case director, longest waiting first, and how many in all."""
    waiting = cases.outerjoin(case_directors, case_directors.c.case_seq == cases.c.case_seq)
    where = (cases.c.closed_us.is_(None), case_directors.c.case_seq.is_(None))
    total = connection.execute(select(func.count()).select_from(waiting).where(*where))
    query = (
        select(cases.c.case_seq, cases.c.v_number, cases.c.opened_us, cases.c.nationality,
               cases.c.track, cases.c.family)
        .select_from(waiting).where(*where)
        .order_by(cases.c.opened_us, cases.c.case_seq).limit(limit)
    )  # fmt: skip
    found = [UnassignedRow(*row) for row in connection.execute(query)]
    return found, int(total.scalar_one())


def families_of(connection: Connection, v_numbers: list[str]) -> set[str]:
    """The families named by the open cases of these people."""
    query = select(cases.c.family).where(
        cases.c.v_number.in_(v_numbers), cases.c.closed_us.is_(None), cases.c.family.is_not(None)
    )
    return {family for family in connection.execute(query).scalars() if family}


def family_members(connection: Connection, family: str) -> list[str]:
    """V-numbers of the people whose latest case names `family`, by V-number."""
    query = (
        select(cases.c.v_number).where(cases.c.family == family).distinct()
        .order_by(cases.c.v_number)
    )  # fmt: skip
    return list(connection.execute(query).scalars())


def items_of(connection: Connection, v_numbers: list[str], on: date) -> list[ItemRow]:
    """The worklist items showing on `on` of these people (a family's shared deadlines)."""
    query = (
        select(worklist_items, case_directors.c.director)
        .select_from(worklist_items.outerjoin(
            case_directors, case_directors.c.case_seq == worklist_items.c.case_seq))
        .where(
            worklist_items.c.v_number.in_(v_numbers), worklist_items.c.shows_from <= on,
            or_(worklist_items.c.shows_until.is_(None), worklist_items.c.shows_until >= on),
        )
        .order_by(worklist_items.c.due, worklist_items.c.v_number)
    )  # fmt: skip
    return [
        ItemRow(r.case_seq, r.v_number, r.kind, r.due, r.source, json.loads(r.details),
                r.director or "")
        for r in connection.execute(query)
    ]  # fmt: skip


def receipts(connection: Connection, v_number: str) -> dict[int, tuple[str, str | None]]:
    """seq -> (recorded_at, recorded by) of the person's events."""
    query = (
        select(events.c.seq, events.c.recorded_at, recorded_by.c.actor)
        .select_from(events.outerjoin(recorded_by, recorded_by.c.seq == events.c.seq))
        .where(events.c.v_number == v_number)
    )
    return {row.seq: (row.recorded_at, row.actor) for row in connection.execute(query)}


def assignments_of(connection: Connection, v_number: str) -> list[tuple[str, str, str]]:
    """(at, director, assigned by) of every assignment of the person's cases, oldest first."""
    query = (
        select(assignments.c.at, assignments.c.director, assignments.c.assigned_by)
        .where(assignments.c.v_number == v_number)
        .order_by(assignments.c.id)
    )
    return [(row.at, row.director, row.assigned_by) for row in connection.execute(query)]


def open_cases_of(connection: Connection, v_number: str) -> list[tuple[int, str]]:
    query = select(cases.c.case_seq, cases.c.v_number).where(
        cases.c.v_number == v_number, cases.c.closed_us.is_(None)
    )
    return [(row.case_seq, row.v_number) for row in connection.execute(query)]


def assigned_count() -> Select[Any]:
    """How many cases have a case director (the demo spreads its caseload once)."""
    return select(func.count()).select_from(case_directors)


def opened_since(connection: Connection, since_us: int) -> set[int]:
    """The case seqs of the open cases opened at or after `since_us`."""
    query = select(cases.c.case_seq).where(
        cases.c.closed_us.is_(None), cases.c.opened_us >= since_us
    )
    return set(connection.execute(query).scalars())
