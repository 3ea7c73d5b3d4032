"""Who a single sign-on user is here: name, role and team from the identity provider's claims.

The provider says which groups or roles a person has; the agency's configuration maps those
values to our roles. Only a mapped value gives access: a person the provider knows but the map
does not is refused (least privilege), and so is one with two different mapped roles, because
choosing one of them would be a decision the configuration did not make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from terugkeer.domain.permissions import Role

#: Roles that work on cases of a team, and so cannot do without one.
NEEDS_TEAM = (Role.CASE_DIRECTOR, Role.TEAM_LEAD)


@dataclass(frozen=True, slots=True)
class ClaimNames:
    name: str
    role: str
    team: str


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    role: Role
    team: str | None


@dataclass(frozen=True, slots=True)
class Unmapped:
    """Why the claims give no access: `no_name`, `no_role`, `two_roles` or `no_team`."""

    reason: str


def _values(claim: object) -> list[str]:
    """A claim as a list of strings: providers send one role as a string, several as a list."""
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [item for item in claim if isinstance(item, str)]
    return []


def identity_of(
    claims: Mapping[str, object], names: ClaimNames, role_map: Mapping[str, Role]
) -> Identity | Unmapped:
    name = claims.get(names.name)
    if not isinstance(name, str) or not name:
        return Unmapped("no_name")
    roles = {role_map[value] for value in _values(claims.get(names.role)) if value in role_map}
    if not roles:
        return Unmapped("no_role")
    if len(roles) > 1:
        return Unmapped("two_roles")
    role = roles.pop()
    team = claims.get(names.team)
    team = team if isinstance(team, str) and team else None
    if role in NEEDS_TEAM and team is None:
        return Unmapped("no_team")
    return Identity(name, role, team if role in NEEDS_TEAM else None)
