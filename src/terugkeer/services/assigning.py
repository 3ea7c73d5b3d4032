"""A team lead hands cases to the team's directors: new inflow (the open cases no director has
yet) and reassignment of the team's cases, several at once, a family always together, all in
one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import from_micros, local_date
from terugkeer.domain.permissions import Action, Resource, Role, scope_of
from terugkeer.services.errors import ServiceError
from terugkeer.services.users import User
from terugkeer.services.workplace import NotYoursError, log_view
from terugkeer.store import team as team_rows
from terugkeer.store import workplace as reads
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import assign, utc_text
from terugkeer.store.users import find_user as user_row


@dataclass(frozen=True, slots=True)
class Waiting:
    v_number: str
    opened_on: date
    nationality: str
    track: str
    family: str | None


@dataclass(frozen=True, slots=True)
class Unassigned:
    cases: list[Waiting]  # longest waiting first
    total: int


def unassigned_of(system: System, user: User, origin: str, *, limit: int = 200) -> Unassigned:
    """The open cases without a director, for a team lead to hand out; the view is logged."""
    if scope_of(user.role, Resource.UNASSIGNED, Action.READ) is None:
        raise NotYoursError("only team leads hand out new cases", logged=False)
    with system.engine.connect() as connection:
        found, total = reads.unassigned(connection, limit=limit)
    log_view(system, user, "unassigned.read", origin)
    waiting = [
        Waiting(r.v_number, local_date(from_micros(r.opened_us)), r.nationality, r.track, r.family)
        for r in found
    ]
    return Unassigned(waiting, total)


@dataclass(frozen=True, slots=True)
class Change:
    """What changed since the page was shown, so that nothing was assigned: a chosen person's
    case closed (`closed`), another lead handed it out meanwhile (`taken`, to `director`), or
    the chosen director can no longer take cases (`director`)."""

    what: str
    v_number: str | None = None
    director: str | None = None


class AssignConflictError(ServiceError):
    """Nothing was assigned: the page's picture is out of date (`changes` say how)."""

    def __init__(self, changes: list[Change]) -> None:
        super().__init__("the chosen cases changed since the page was shown")
        self.changes = changes


@dataclass(frozen=True, slots=True)
class Member:
    """A family member that moves along with the people chosen, with their current director."""

    v_number: str
    family: str
    director: str | None


def family_along(system: System, lead: User, v_numbers: Sequence[str], origin: str) -> list[Member]:
    """The other members (with an open case) of the chosen people's families: they move too.
    A chosen person of another team is refused first (NotYoursError, logged with the V-number):
    the offer would name that person's family, its members and their directors."""
    chosen = list(dict.fromkeys(v_numbers))
    with system.engine.connect() as connection:
        found = team_rows.people(connection, chosen)
    _refuse_others(system, lead, list(found.values()), origin)
    with system.engine.connect() as connection:
        families = {p.family for p in found.values() if p.family}
        members = team_rows.open_family_members(connection, families)
        extra = [(f, v) for f in sorted(members) for v in members[f] if v not in chosen]
        state = team_rows.people(connection, [v for _, v in extra])
    return [
        Member(v, f, state[v].directors[0][0] if state[v].directors else None) for f, v in extra
    ]


def assign_people(
    system: System,
    lead: User,
    v_numbers: Sequence[str],
    director: str,
    origin: str,
    *,
    new_only: bool = False,
) -> list[str]:
    """Make `director` (of the lead's team) the director of these people's open cases and of
    every other member of their families, all in one transaction; the V-numbers assigned, each
    recorded and logged. `new_only`: the chosen people were shown as waiting for a director.

    All or nothing: a person of another team refuses the whole (NotYoursError); a chosen case
    closed or handed out meanwhile, or a director who can no longer take cases, assigns
    nothing and raises AssignConflictError with what changed."""
    if scope_of(lead.role, Resource.ASSIGNMENT, Action.RECORD) is None or lead.team is None:
        raise NotYoursError("only team leads assign cases", logged=False)
    chosen = list(dict.fromkeys(v_numbers))
    at = utc_text(system.clock())
    try:
        with writing(system.engine) as connection:
            found = team_rows.people(connection, chosen, lock=True)
            families = {p.family for p in found.values() if p.family}
            for members in team_rows.open_family_members(connection, families).values():
                chosen += [v for v in members if v not in chosen]
            found |= team_rows.people(connection, [v for v in chosen if v not in found], lock=True)
            others = [p for p in found.values() if any(t != lead.team for _, t in p.directors)]
            if others:
                raise _OtherTeamError(others)  # leaving the block rolls back: nothing written
            changes = _changes(connection, lead, director, [found[v] for v in v_numbers],
                               new_only)  # fmt: skip
            if changes:
                raise AssignConflictError(changes)
            for v_number in chosen:
                if _already(found[v_number], director):
                    continue  # a double click or a resubmit: nothing to record twice
                for case_seq in found[v_number].open_cases:
                    assign(connection, case_seq=case_seq, v_number=v_number,
                           director=director, team=lead.team, by=lead.name, at=at)  # fmt: skip
                if found[v_number].open_cases:
                    record(connection, Access(lead.name, "web", "case.assign", origin, v_number,
                                              detail=f"to={director}"), system.clock())  # fmt: skip
    except _OtherTeamError as error:
        _refuse_others(system, lead, error.people, origin)
    return [v for v in chosen if found[v].open_cases]


def _already(person: team_rows.Person, director: str) -> bool:
    """Every open case of the person is with `director` already."""
    return (
        bool(person.directors)
        and len(person.directors) == len(person.open_cases)
        and all(name == director for name, _ in person.directors)
    )


class _OtherTeamError(Exception):
    def __init__(self, people: list[team_rows.Person]) -> None:
        super().__init__("a chosen person or family member is another team's")
        self.people = people


def _refuse_others(system: System, lead: User, people: list[team_rows.Person], origin: str) -> None:
    """Refuse when any of `people` has a director of another team: one access-log row per such
    person (with the V-number asked for), then NotYoursError."""
    others = [p for p in people if any(team != lead.team for _, team in p.directors)]
    if not others:
        return
    with writing(system.engine) as connection:
        for person in others:
            refusal = Access(lead.name, "web", "case.assign.refused", origin, person.v_number,
                             detail="another team")  # fmt: skip
            record(connection, refusal, system.clock())
    raise NotYoursError("a chosen case belongs to another team")


def _changes(
    connection: Connection,
    lead: User,
    director: str,
    chosen: list[team_rows.Person],
    new_only: bool,
) -> list[Change]:
    changes = []
    row = user_row(connection, director)
    if (
        row is None or row.role != Role.CASE_DIRECTOR.value or row.team != lead.team
        or not row.active
    ):  # fmt: skip
        changes.append(Change("director", director=director))
    for person in chosen:
        if not person.open_cases:
            changes.append(Change("closed", person.v_number))
        elif new_only and person.directors and not _already(person, director):
            # Someone else took it; already with this director is the lead's own first click.
            changes.append(Change("taken", person.v_number, person.directors[0][0]))
    return changes
