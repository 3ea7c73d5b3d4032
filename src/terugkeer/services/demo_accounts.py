"""The demo's organisation: teams like the agency's, each with a team lead and several case
directors whose open cases number in the tens, plus an analyst, an auditor, an admin and a
privacy officer.

Accounts that `terugkeer demo` prints get a fresh one-time password on every run: the user
chooses their own at the first sign-in. In two steps, so that the pages can be served while
the passwords are hashed (services/demo_passwords.py): `demo_staff` takes the last run's
passwords away before the first page, `issue_passwords` stores the new ones, and only then
are they printed. The other case directors exist so that the caseload is spread as in the
agency, and have no password at all (an admin sets one on the users page when someone wants
to sign in as them): hashing a password for each of some three hundred accounts would cost a
minute of argon2 for nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import AMSTERDAM, to_micros
from terugkeer.domain.permissions import Role
from terugkeer.services.demo_passwords import OneTimePasswords
from terugkeer.services.users import User
from terugkeer.store import sign_in_throttle as throttle
from terugkeer.store import users as rows
from terugkeer.store import workplace as reads
from terugkeer.store.engine import writing
from terugkeer.store.users import NO_PASSWORD, utc_text

#: The agency works from regional teams (PROCESS.md); the demo has six.
TEAMS = ("Noord", "Oost", "Zuid", "West", "Midden", "Schiphol")
#: About how many open cases a case director has.
CASES_PER_DIRECTOR = 40
#: Cases opened in the last days before today wait for a team lead on "Nieuwe zaken".
NEW_CASE_DAYS = 3
STAFF = (
    ("analist", Role.ANALYST),
    ("auditor", Role.AUDITOR),
    ("beheerder", Role.ADMIN),
    ("privacy", Role.PRIVACY_OFFICER),
)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoAccount:
    user: User
    password: str


@dataclass(frozen=True, slots=True)
class Organisation:
    printed: list[DemoAccount]  # one director per team, the team leads, analyst, auditor, admin
    directors: list[User]  # every case director


@dataclass(frozen=True, slots=True)
class Staff:
    """The organisation before its printed accounts have their new passwords."""

    printed: list[User]  # the accounts `terugkeer demo` prints, without a password yet
    directors: list[User]


def director_name(team: str, number: int) -> str:
    return f"rv-{team.lower()}-{number:02d}"


def lead_name(team: str) -> str:
    return f"tl-{team.lower()}"


def printed_accounts() -> list[tuple[str, Role, str | None]]:
    """The accounts `terugkeer demo` prints: one director and the team lead of every team, and
    the staff (name, role, team)."""
    accounts = [(director_name(team, 1), Role.CASE_DIRECTOR, team) for team in TEAMS]
    accounts += [(lead_name(team), Role.TEAM_LEAD, team) for team in TEAMS]
    return accounts + [(name, role, None) for name, role in STAFF]


def printed_names() -> list[str]:
    return [name for name, _, _ in printed_accounts()]


def demo_organisation(
    system: System, today: date, progress: Progress, passwords: OneTimePasswords | None = None
) -> Organisation:
    """The teams and their accounts (made once per store), the open cases spread over the
    directors the first time, and fresh passwords for the printed accounts (`passwords`:
    hashed in advance)."""
    staff = demo_staff(system, today, progress)
    fresh = passwords or OneTimePasswords(printed_names())
    return Organisation(issue_passwords(system, fresh), staff.directors)


def demo_staff(system: System, today: date, progress: Progress) -> Staff:
    """The teams and their accounts (made once per store) with the open cases spread over the
    directors the first time; the printed accounts' passwords of the last run are taken away
    (and their sessions end), so that the pages may be served before `issue_passwords` has
    stored the new ones: until then those accounts cannot sign in at all."""
    with system.engine.connect() as connection:
        open_cases = reads.open_cases(connection)
    per_team = max(2, math.ceil(len(open_cases) / CASES_PER_DIRECTOR / len(TEAMS)))
    directors = _directors(system, per_team, progress)
    printed = _without_password(system)
    with system.engine.connect() as connection:
        assigned = connection.execute(reads.assigned_count()).scalar()
    if not assigned:
        progress(f"spreading {len(open_cases):,} open cases over {len(directors)} case "
                 f"directors in {len(TEAMS)} teams ...")  # fmt: skip
        admin = next(user for user in printed if user.role is Role.ADMIN)
        _spread(system, admin, directors, open_cases, today)
    return Staff(printed, directors)


def _directors(system: System, per_team: int, progress: Progress) -> list[User]:
    wanted = [(director_name(team, n), team) for team in TEAMS for n in range(1, per_team + 1)]
    return directors_without_password(system, wanted, progress)


def directors_without_password(
    system: System, wanted: list[tuple[str, str]], progress: Progress
) -> list[User]:
    """Case directors (name, team) that do not exist yet are made without a password (no
    argon2 hash to compute: an admin sets one when someone is to sign in as them)."""
    with system.engine.connect() as connection:
        known = {row.name for row in rows.all_users(connection)}
    missing = [(name, team) for name, team in wanted if name not in known]
    if missing:
        teams = len({team for _, team in missing})
        progress(f"creating {len(missing)} case director accounts in {teams} teams ...")
        at = utc_text(system.clock())
        with writing(system.engine) as connection:
            for name, team in missing:
                rows.add_user(connection, name, Role.CASE_DIRECTOR.value, team, NO_PASSWORD, at)
    return [User(name, Role.CASE_DIRECTOR, team) for name, team in wanted]


def _without_password(system: System) -> list[User]:
    """The printed accounts, made if missing, with no password and no session (as an admin's
    reset ends them: whoever knew the last run's password is signed out), in one transaction;
    an account that exists keeps its role and team."""
    printed = []
    at = utc_text(system.clock())
    with writing(system.engine) as connection:
        for name, role, team in printed_accounts():
            row = rows.find_user(connection, name)
            if row is None:
                rows.add_user(connection, name, role.value, team, NO_PASSWORD, at,
                              must_change=True)  # fmt: skip
                printed.append(User(name, role, team, must_change=True))
            else:
                rows.set_user(connection, name, password_hash=NO_PASSWORD, failed_logins=0,
                              locked_until=None, must_change_password=True)  # fmt: skip
                rows.end_sessions_of(connection, name)
                printed.append(User(row.name, Role(row.role), row.team, row.active,
                                    must_change=True))  # fmt: skip
    return printed


def issue_passwords(system: System, passwords: OneTimePasswords) -> list[DemoAccount]:
    """The printed accounts with their one-time passwords (as `set_password` with
    `must_change`), stored in one transaction: when this returns, every password it gives
    signs in, so they may be shown."""
    printed = []
    with writing(system.engine) as connection:
        for name, _, _ in printed_accounts():
            password, hashed = passwords.of(name)
            row = rows.find_user(connection, name)
            if row is None:  # made by demo_staff; gone means someone removed it meanwhile
                raise RuntimeError(f"the demo account {name} is missing")
            rows.set_user(connection, name, password_hash=hashed, failed_logins=0,
                          locked_until=None, must_change_password=True)  # fmt: skip
            throttle.forget_name(connection, name)  # refusals while it had none are forgotten
            user = User(row.name, Role(row.role), row.team, row.active, must_change=True)
            printed.append(DemoAccount(user, password))
    return printed


def _spread(
    system: System,
    by: User,
    directors: list[User],
    open_cases: list[tuple[int, str, str | None]],
    today: date,
) -> None:
    """Every open case but the newest to a director in turn, a family to one director. The
    cases of the last NEW_CASE_DAYS wait for a team lead ("Nieuwe zaken")."""
    since = to_micros(datetime.combine(today, time.min, AMSTERDAM)) - NEW_CASE_DAYS * 86_400_000_000
    with system.engine.connect() as connection:
        newest = reads.opened_since(connection, since)
    # A family with a new member waits whole: a family always goes to one director.
    waiting = {family for case_seq, _, family in open_cases if family and case_seq in newest}
    batches: dict[str, list[tuple[int, str]]] = {d.name: [] for d in directors}
    turn, previous = -1, None
    for case_seq, v_number, family in open_cases:
        if case_seq in newest or (family is not None and family in waiting):
            continue
        if family is None or family != previous:  # a family stays with one director
            turn = (turn + 1) % len(directors)
        previous = family
        batches[directors[turn].name].append((case_seq, v_number))
    spread = [
        rows.Assignment(case_seq, v_number, director.name, director.team)
        for director in directors
        for case_seq, v_number in batches[director.name]
    ]
    with writing(system.engine) as connection:  # one commit, not one per director
        rows.assign_all(connection, spread, by=by.name, at=utc_text(system.clock()))
