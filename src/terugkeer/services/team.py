"""A team lead's view of the team: the workload per case director, and the team's open cases
with their current director (what a bulk reassignment starts from). Every view is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import from_micros, local_date
from terugkeer.domain.permissions import Action, Resource, scope_of
from terugkeer.services.users import User
from terugkeer.services.workplace import NotYoursError, log_view
from terugkeer.store import team as rows

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class DirectorLoad:
    director: str
    open_cases: int
    open_items: int
    overdue: int
    #: Still directs cases of the team but is no director of it any more (disabled, moved):
    #: their cases wait for a reassignment.
    gone: bool = False


def _team_of(user: User) -> str:
    if scope_of(user.role, Resource.WORKLOAD, Action.READ) is None or user.team is None:
        raise NotYoursError("only team leads see the team's workload", logged=False)
    return user.team


def workload_of(system: System, lead: User, on: date, origin: str) -> list[DirectorLoad]:
    """Every director of the lead's team (also one without cases) and anyone else who still
    directs open cases of the team, by name."""
    team = _team_of(lead)
    with system.engine.connect() as connection:
        directors = rows.directors_of_team(connection, team)
        found = rows.workload(connection, team, on)
    log_view(system, lead, "workload.read", origin)
    names = sorted(set(directors) | set(found))
    return [
        DirectorLoad(name, (load := found.get(name, rows.Load())).open_cases, load.open_items,
                     load.overdue, gone=name not in directors)
        for name in names
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class TeamCase:
    v_number: str
    director: str
    family: str | None
    opened_on: date


@dataclass(frozen=True, slots=True)
class TeamCases:
    cases: list[TeamCase]
    total: int
    page: int
    pages: int
    director: str | None


def team_cases_of(system: System, lead: User, *, director: str | None, page: int) -> TeamCases:
    """One page of the team's open cases (of one director, or all), with their directors;
    shown on the workload's page, whose view is logged (workload_of)."""
    team = _team_of(lead)
    with system.engine.connect() as connection:
        total = rows.count_team_cases(connection, team, director=director)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        found = rows.team_cases(connection, team, director=director, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE)  # fmt: skip
    shown = [
        TeamCase(c.v_number, c.director, c.family, local_date(from_micros(c.opened_us)))
        for c in found
    ]
    return TeamCases(shown, total, page, pages, director)
