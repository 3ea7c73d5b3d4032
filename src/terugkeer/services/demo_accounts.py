"""Demo accounts for every role, with fresh one-time passwords on every `terugkeer demo`, and
the demo's open cases spread over its case directors (one team)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Role
from terugkeer.services.users import User, add_user, find_user, set_password
from terugkeer.services.workplace import spread_open_cases
from terugkeer.store.tables import case_directors

TEAM = "Noord"
#: name, role, team
ACCOUNTS = (
    ("regievoerder1", Role.CASE_DIRECTOR, TEAM),
    ("regievoerder2", Role.CASE_DIRECTOR, TEAM),
    ("teamleider", Role.TEAM_LEAD, TEAM),
    ("analist", Role.ANALYST, None),
    ("auditor", Role.AUDITOR, None),
    ("beheerder", Role.ADMIN, None),
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    user: User
    password: str


def demo_accounts(system: System) -> list[DemoAccount]:
    made = []
    for name, role, team in ACCOUNTS:
        password = secrets.token_urlsafe(12)
        user = find_user(system, name)
        if user is None:
            user = add_user(system, name, role, team, password)
        else:
            set_password(system, name, password)
        made.append(DemoAccount(user, password))
    with system.engine.connect() as connection:
        assigned = connection.execute(select(func.count()).select_from(case_directors)).scalar()
    if not assigned:
        lead = next(a.user for a in made if a.user.role is Role.TEAM_LEAD)
        directors = [a.user for a in made if a.user.role is Role.CASE_DIRECTOR]
        spread_open_cases(system, lead, directors)
    return made
