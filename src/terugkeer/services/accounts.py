"""An admin manages the accounts on the pages: add, disable and enable, unlock after failed
sign-ins, reset a password, change role or team.

Every action, done or refused, is one access-log row (actor, action, target user, result),
written in the transaction that makes the change: a change is never stored without its
author. A password an admin sets is a one-time password, shown once and never stored in
clear: its owner must replace it at the first sign-in (services/users.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Role
from terugkeer.services.users import User, UserError, hash_password, valid_user_name
from terugkeer.store import sign_in_throttle as throttle
from terugkeer.store import sso
from terugkeer.store import users as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.tables import case_directors, cases
from terugkeer.store.users import utc_text

#: Roles that work on cases, and so belong to a team.
TEAM_ROLES = (Role.CASE_DIRECTOR, Role.TEAM_LEAD)


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: Role
    team: str | None
    active: bool
    locked: bool
    must_change: bool
    open_cases: int  # cases of which the account is the current director
    has_password: bool = True  # False: made without one (rows.NO_PASSWORD); reset gives one
    #: Made by single sign-on: password, role and team are the identity provider's.
    external: bool = False


class AccountRefused(UserError):  # noqa: N818 - an outcome, not a fault
    """An account action that cannot be done; `reason` is a key the page words, `field` the
    form field it belongs to."""

    def __init__(self, reason: str, field: str = "name") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def one_time_password() -> str:
    """16 random URL-safe characters (96 bits): read out or typed once, then replaced."""
    return secrets.token_urlsafe(12)


def accounts(system: System) -> list[Account]:
    now = utc_text(system.clock())
    with system.engine.connect() as connection:
        found = rows.all_users(connection)
        load = _open_cases(connection)
        external = sso.external_names(connection)
        waiting = throttle.names_waiting(connection, system.clock())
    return [
        Account(r.name, Role(r.role), r.team, r.active,
                bool(r.locked_until and r.locked_until > now)
                or throttle.name_key(r.name) in waiting, r.must_change_password,
                load.get(r.name, 0), r.password_hash != rows.NO_PASSWORD, r.name in external)
        for r in found
    ]  # fmt: skip


def _open_cases(connection: Connection, name: str | None = None) -> dict[str, int]:
    query = (
        select(case_directors.c.director, func.count())
        .join(cases, cases.c.case_seq == case_directors.c.case_seq)
        .where(cases.c.closed_us.is_(None))
        .group_by(case_directors.c.director)
    )
    if name is not None:
        query = query.where(case_directors.c.director == name)
    return {director: int(n) for director, n in connection.execute(query)}


def _log(connection: Connection, system: System, admin: User, action: str, target: str,
         result: str, origin: str, channel: str = "web") -> None:  # fmt: skip
    detail = f"user={target}; {result}"[:120]
    record(connection, Access(admin.name, channel, f"user.{action}", origin, detail=detail),
           system.clock())  # fmt: skip


def _refuse(system: System, admin: User, action: str, target: str, origin: str,
            refusal: AccountRefused, channel: str = "web") -> AccountRefused:  # fmt: skip
    with writing(system.engine) as connection:
        _log(connection, system, admin, action, target, f"refused: {refusal.reason}", origin,
             channel)  # fmt: skip
    return refusal


def no_such_role(system: System, admin: User, action: str, name: str,
                 origin: str) -> AccountRefused:  # fmt: skip
    """A form that named no role this system knows: logged like every other refusal (the log
    keeps the account's name only when it is a valid user name)."""
    shown = name.strip()[:40] if valid_user_name(name.strip()[:40]) else "-"
    return _refuse(system, admin, action, shown, origin, AccountRefused("role_needed", "role"))


def _team_of(role: Role, team: str) -> str | None:
    chosen = team.strip() or None
    if role in TEAM_ROLES and chosen is None:
        raise AccountRefused("team_needed", "team")
    if chosen is not None and (len(chosen) > 60 or not chosen.isprintable()):
        raise AccountRefused("team_invalid", "team")
    return chosen if role in TEAM_ROLES else None


def add_account(system: System, admin: User, name: str, role: Role, team: str, origin: str) -> str:
    """A new account with a one-time password; the password (to show once)."""
    name = name.strip()
    try:
        if not valid_user_name(name):
            raise AccountRefused("name_invalid")
        chosen_team = _team_of(role, team)
    except AccountRefused as refusal:  # the log keeps what a valid name may hold, no more
        shown = name[:40] if valid_user_name(name[:40]) else "-"
        raise _refuse(system, admin, "add", shown, origin, refusal) from None
    password = one_time_password()
    with writing(system.engine) as connection:
        if rows.find_user(connection, name) is not None:
            refused = AccountRefused("name_taken")
        else:
            refused = None
            rows.add_user(connection, name, role.value, chosen_team, hash_password(password),
                          utc_text(system.clock()), must_change=True)  # fmt: skip
            _log(connection, system, admin, "add", name, f"ok: {role.value}", origin)
    if refused is not None:
        raise _refuse(system, admin, "add", name, origin, refused)
    return password


def _change(system: System, admin: User, action: str, name: str, origin: str,
            values: dict[str, object], *, end_sessions: bool = False,
            channel: str = "web") -> None:  # fmt: skip
    with writing(system.engine) as connection:
        row = rows.find_user(connection, name)
        refused = _check(connection, admin, action, row, values, channel)
        if refused is None:
            rows.set_user(connection, name, **values)
            if end_sessions:
                rows.end_sessions_of(connection, name)
            if "locked_until" in values:  # unlocked: the throttle of the name starts afresh
                throttle.forget_name(connection, name)
            _log(connection, system, admin, action, name, "ok", origin, channel)
    if refused is not None:
        raise _refuse(system, admin, action, name, origin, refused, channel)


def _check(connection: Connection, admin: User, action: str, row: rows.UserRow | None,
           values: dict[str, object], channel: str) -> AccountRefused | None:  # fmt: skip
    if row is None:
        return AccountRefused("unknown")
    # On the CLI the actor is an operating-system user, not an account that could lock itself
    # out: a namesake account is no "self".
    if channel == "web" and row.name == admin.name and action in ("disable", "change"):
        # An admin who disables or demotes themself may leave nobody to manage accounts.
        return AccountRefused("self")
    if action in ("reset", "change") and sso.subject_of(connection, row.name) is not None:
        # The provider's claims set role and team at every sign-in, and a password here would
        # be a way in around the provider (its second factor, its leavers' process).
        return AccountRefused("external")
    if action == "change" and _open_cases(connection, row.name):
        moves = values.get("team") != row.team or values.get("role") != row.role
        if moves and row.role == Role.CASE_DIRECTOR.value:
            return AccountRefused("has_cases", "role")
    return None


def disable_account(
    system: System, admin: User, name: str, origin: str, *, channel: str = "web"
) -> None:
    """No sign-in from now on; the account's open sessions end at once."""
    _change(system, admin, "disable", name, origin, {"active": False}, end_sessions=True,
            channel=channel)  # fmt: skip


def enable_account(
    system: System, admin: User, name: str, origin: str, *, channel: str = "web"
) -> None:
    _change(system, admin, "enable", name, origin, {"active": True}, channel=channel)


def unlock_account(
    system: System, admin: User, name: str, origin: str, *, channel: str = "web"
) -> None:
    """Lift the waits after failed sign-ins for this name (services/sign_in.py): of every
    origin and of browsers without a device cookie."""
    _change(system, admin, "unlock", name, origin, {"failed_logins": 0, "locked_until": None},
            channel=channel)  # fmt: skip


def reset_password(
    system: System, admin: User, name: str, origin: str, *, channel: str = "web"
) -> str:
    """A new one-time password (to show once); the account is unlocked and its sessions end."""
    password = one_time_password()
    values: dict[str, object] = {
        "password_hash": hash_password(password), "must_change_password": True,
        "failed_logins": 0, "locked_until": None,
    }  # fmt: skip
    _change(system, admin, "reset", name, origin, values, end_sessions=True, channel=channel)
    return password


def change_role(
    system: System, admin: User, name: str, role: Role, team: str, origin: str,
    *, channel: str = "web",
) -> None:  # fmt: skip
    """Another role or team. A case director who still directs open cases keeps role and team
    until a team lead has reassigned them: their cases would otherwise stay with a team that
    no longer has them (the page says so)."""
    try:
        chosen_team = _team_of(role, team)
    except AccountRefused as refusal:
        raise _refuse(system, admin, "change", name, origin, refusal, channel) from None
    _change(system, admin, "change", name, origin, {"role": role.value, "team": chosen_team},
            channel=channel)  # fmt: skip
