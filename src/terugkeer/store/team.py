"""Reads for a team lead: the workload per director, the team's open cases with their current
director, and the state of chosen people inside an assignment's transaction.

The workload is counted by the database (two grouped queries over the team's rows of
`case_directors`, its `team` index first), never by loading cases: a team of a store with
100,000 cases answers in milliseconds (docs/architecture.md, `terugkeer bench web`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Connection, Join, case, func, or_, select

from terugkeer.store.tables import case_directors, cases, users, worklist_items


def directors_of_team(connection: Connection, team: str) -> list[str]:
    """The active case directors of `team`, by name."""
    query = select(users.c.name).where(
        users.c.team == team, users.c.role == "case_director", users.c.active.is_(True)
    )
    return sorted(connection.execute(query).scalars())


@dataclass(frozen=True, slots=True)
class Load:
    open_cases: int = 0
    open_items: int = 0
    overdue: int = 0


def workload(connection: Connection, team: str, on: date) -> dict[str, Load]:
    """director -> their open cases, the worklist items showing on `on`, and how many of those
    are overdue; only directors with at least one open case of the team."""
    open_cases = connection.execute(
        select(case_directors.c.director, func.count())
        .join(cases, cases.c.case_seq == case_directors.c.case_seq)
        .where(case_directors.c.team == team, cases.c.closed_us.is_(None))
        .group_by(case_directors.c.director)
    )
    found = {director: Load(open_cases=int(n)) for director, n in open_cases}
    overdue = func.sum(case((worklist_items.c.due < on, 1), else_=0))
    items = connection.execute(
        select(case_directors.c.director, func.count(), overdue)
        .join(worklist_items, worklist_items.c.case_seq == case_directors.c.case_seq)
        .where(
            case_directors.c.team == team, worklist_items.c.shows_from <= on,
            or_(worklist_items.c.shows_until.is_(None), worklist_items.c.shows_until >= on),
        )
        .group_by(case_directors.c.director)
    )  # fmt: skip
    for director, n, late in items:
        cases_now = found.get(director, Load()).open_cases
        found[director] = Load(cases_now, int(n), int(late or 0))
    return found


@dataclass(frozen=True, slots=True)
class TeamCase:
    case_seq: int
    v_number: str
    director: str
    family: str | None
    opened_us: int


def _team_open(team: str, director: str | None) -> tuple[Join, list[ColumnElement[bool]]]:
    joined = case_directors.join(cases, cases.c.case_seq == case_directors.c.case_seq)
    where = [case_directors.c.team == team, cases.c.closed_us.is_(None)]
    if director:
        where.append(case_directors.c.director == director)
    return joined, where


def count_team_cases(connection: Connection, team: str, *, director: str | None) -> int:
    joined, where = _team_open(team, director)
    return int(connection.execute(select(func.count()).select_from(joined).where(*where))
               .scalar_one())  # fmt: skip


def team_cases(
    connection: Connection, team: str, *, director: str | None, limit: int, offset: int
) -> list[TeamCase]:
    """One page of the team's open cases with their current director, by director, a
    family's members together."""
    joined, where = _team_open(team, director)
    query = (
        select(cases.c.case_seq, cases.c.v_number, case_directors.c.director, cases.c.family,
               cases.c.opened_us)
        .select_from(joined).where(*where)
        .order_by(case_directors.c.director, cases.c.family, cases.c.v_number)
        .limit(limit).offset(offset)
    )  # fmt: skip
    return [TeamCase(*row) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class Person:
    """A person as an assignment finds them: their open cases, the current (director, team)
    of each of their open cases that has one, and the family their open case names."""

    v_number: str
    open_cases: list[int]
    directors: list[tuple[str, str | None]]
    family: str | None


def people(
    connection: Connection, v_numbers: list[str], *, lock: bool = False
) -> dict[str, Person]:
    """The state of these people (every V-number asked for is in the answer). `lock`: inside
    an assignment's transaction, PostgreSQL locks their open cases' rows until it ends, so
    that two leads handing out the same case do so one after the other, not at once (SQLite
    serialises writers already: store/engine.writing)."""
    opened: dict[str, list[int]] = {v: [] for v in v_numbers}
    families: dict[str, str | None] = dict.fromkeys(v_numbers)
    query = select(cases.c.case_seq, cases.c.v_number, cases.c.family).where(
        cases.c.v_number.in_(v_numbers), cases.c.closed_us.is_(None)
    )
    for seq, v_number, family in connection.execute(
        query.with_for_update(of=cases) if lock else query
    ):
        opened[v_number].append(seq)
        families[v_number] = families[v_number] or family
    directed: dict[str, list[tuple[str, str | None]]] = {v: [] for v in v_numbers}
    for v_number, director, team in connection.execute(
        select(case_directors.c.v_number, case_directors.c.director, case_directors.c.team)
        .join(cases, cases.c.case_seq == case_directors.c.case_seq)
        .where(case_directors.c.v_number.in_(v_numbers), cases.c.closed_us.is_(None))
    ):  # fmt: skip
        directed[v_number].append((director, team))
    return {v: Person(v, opened[v], directed[v], families[v]) for v in v_numbers}


def open_family_members(connection: Connection, families: set[str]) -> dict[str, list[str]]:
    """family -> the V-numbers of its members with an open case, by V-number."""
    if not families:
        return {}
    query = (
        select(cases.c.family, cases.c.v_number)
        .where(cases.c.family.in_(sorted(families)), cases.c.closed_us.is_(None))
        .distinct().order_by(cases.c.family, cases.c.v_number)
    )  # fmt: skip
    found: dict[str, list[str]] = {f: [] for f in families}
    for family, v_number in connection.execute(query):
        found[family].append(v_number)
    return found
