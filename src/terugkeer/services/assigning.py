"""New inflow to the team: the open cases no case director has yet, and a team lead handing
several of them to a director of the team at once (a family always goes together)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import from_micros, local_date
from terugkeer.domain.permissions import Action, Resource, scope_of
from terugkeer.services.users import User
from terugkeer.services.workplace import NotYoursError, assign_person, log_view
from terugkeer.store import workplace as reads


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
        raise NotYoursError("only team leads hand out new cases")
    with system.engine.connect() as connection:
        found, total = reads.unassigned(connection, limit=limit)
    log_view(system, user, "unassigned.read", origin)
    waiting = [
        Waiting(r.v_number, local_date(from_micros(r.opened_us)), r.nationality, r.track, r.family)
        for r in found
    ]
    return Unassigned(waiting, total)


def assign_people(
    system: System, lead: User, v_numbers: Sequence[str], director: str, origin: str
) -> list[str]:
    """Make `director` (of the lead's team) the director of these people's open cases, and of
    every other member of their families; the V-numbers assigned, each recorded and logged.
    Refused as a whole (nothing assigned) when any of them belongs to another team."""
    chosen = list(dict.fromkeys(v_numbers))
    with system.engine.connect() as connection:
        for family in sorted(reads.families_of(connection, chosen)):
            chosen += [v for v in reads.family_members(connection, family) if v not in chosen]
        taken = {
            v for v in chosen
            if any(team != lead.team for _, team in reads.directors_of(connection, v))
        }  # fmt: skip
    if taken:
        raise NotYoursError("a chosen case belongs to another team")
    for v_number in chosen:
        assign_person(system, lead, v_number, director, origin)
    return chosen
