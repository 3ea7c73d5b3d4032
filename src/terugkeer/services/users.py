"""People and their access: accounts, passwords, and sessions that expire when idle and at an
absolute limit. Signing in and out (with its throttle and log rows): services/sign_in.py.

Passwords are hashed with argon2 (argon2-cffi's defaults, RFC 9106 profile). A session is a
random token in a cookie; the store keeps its SHA-256 and a CSRF token bound to it (the
synchronizer-token pattern: a form post must carry the session's token).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.passwords import MAX_PASSWORD, MIN_PASSWORD, password_problem
from terugkeer.domain.permissions import Role
from terugkeer.passwords import common_passwords
from terugkeer.services.errors import ServiceError
from terugkeer.settings import Settings
from terugkeer.store import sign_in_throttle as throttle
from terugkeer.store import users as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text

#: The product's argon2 parameters: RFC 9106's second recommended profile (argon2-cffi's
#: default), written out so that a test can hold them (the tests hash with cheaper ones).
HASH_PARAMETERS = RFC_9106_LOW_MEMORY
_HASHER = PasswordHasher.from_parameters(HASH_PARAMETERS)
#: Verified against when there is no real hash to check (an unknown, disabled, locked or
#: password-less account), so that every refusal costs as long as a wrong password. Written
#: out, not hashed at import: a hash costs a fifth of a second of both cores, which every
#: command and the demo's start paid; a unit test holds it to HASH_PARAMETERS, so its cost.
PRODUCT_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$AzobhpD5gFyYrnlPTVdsdg"
    "$5y7+NAhdzrb2jnr5+t6QWLShQq2mfCxT2LNqghD3O2k"
)
_DUMMY_HASH = PRODUCT_DUMMY_HASH


class UserError(ServiceError):
    """An account operation that cannot be done (the sentence says why)."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    team: str | None
    active: bool = True
    #: Signed in with a one-time password: nothing but choosing a new one until that is done.
    must_change: bool = False


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    token_hash: str


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


#: A user name: safe in an address (/admin/users/NAME), a log line and a CSV cell.
_USER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,99}")


def valid_user_name(name: str) -> bool:
    return _USER_NAME.fullmatch(name) is not None


def _user(row: rows.UserRow) -> User:
    return User(row.name, Role(row.role), row.team, row.active, row.must_change_password)


def check_password(password: str, name: str) -> None:
    """Raises PasswordRefused when `password` may not be set for `name` (NIST SP 800-63B:
    domain/passwords.py, with the list that ships with the product)."""
    problem = password_problem(password, name, common_passwords())
    if problem is not None:
        raise PasswordRefused(problem)


def add_user(
    system: System,
    name: str,
    role: Role,
    team: str | None,
    password: str,
    *,
    must_change: bool = False,
) -> User:
    """A new account. `must_change`: the password is a one-time password (given by someone
    else: `users add`, an admin, the demo), to be replaced at the first sign-in."""
    if not valid_user_name(name):
        raise UserError("a user name is a letter, then up to 99 letters, digits, '.', '_' or '-'")
    check_password(password, name)
    if role in (Role.CASE_DIRECTOR, Role.TEAM_LEAD) and not team:
        raise UserError(f"a {role.value} belongs to a team: give --team")
    with writing(system.engine) as connection:
        if rows.find_user(connection, name) is not None:
            raise UserError("a user with this name exists already")
        rows.add_user(connection, name, role.value, team, _HASHER.hash(password),
                      utc_text(system.clock()), must_change=must_change)  # fmt: skip
    return User(name, role, team, must_change=must_change)


def set_password(system: System, name: str, password: str, *, must_change: bool = False) -> None:
    """Set a password (and unlock the account); `must_change` as in add_user."""
    check_password(password, name)
    with writing(system.engine) as connection:
        if rows.find_user(connection, name) is None:
            raise UserError("no user with this name")
        rows.set_user(connection, name, password_hash=_HASHER.hash(password), failed_logins=0,
                      locked_until=None, must_change_password=must_change)  # fmt: skip
        throttle.forget_name(connection, name)  # unlocked: the name's throttle starts afresh


#: What the CLI says for each reason a password is refused (the pages word them in templates).
PASSWORD_RULES = {
    "too_short": f"a password has at least {MIN_PASSWORD} characters",
    "too_long": f"a password has at most {MAX_PASSWORD} characters",
    "blank": "a password is more than spaces",
    "is_name": "a password may not be or contain the user name",
    "common": "this password is on the list of common and breached passwords: choose another",
}


class PasswordRefused(UserError):  # noqa: N818 - an outcome, not a fault
    """A new password that may not be chosen; `reason` names the field's problem."""

    def __init__(self, reason: str) -> None:
        super().__init__(PASSWORD_RULES.get(reason, reason))
        # wrong_current | unchanged | mismatch | a reason of domain/passwords.password_problem
        self.reason = reason


def change_own_password(
    system: System, session: Session, current: str, new: str, repeated: str, origin: str
) -> None:
    """The user replaces their password (a one-time one, or any): the current one must be
    right, the new one at least MIN_PASSWORD characters, not the user name and not the
    current one. Raises PasswordRefused, logged with its reason (never a password); on
    success the one-time mark is gone and every other session of the user ends (whoever
    knew the old password is signed out)."""
    user = session.user
    try:
        _change(system, session, current, new, repeated, origin)
    except PasswordRefused as refused:
        with writing(system.engine) as connection:
            record(connection, Access(user.name, "web", "password.change.refused", origin,
                                      detail=refused.reason), system.clock())  # fmt: skip
        raise


def _change(
    system: System, session: Session, current: str, new: str, repeated: str, origin: str
) -> None:
    user = session.user
    with writing(system.engine) as connection:
        row = rows.find_user(connection, user.name)
        if row is None or not row.active:
            raise UserError("no user with this name")
        if not verify_password(row.password_hash, current):
            raise PasswordRefused("wrong_current")
        check_password(new, user.name)
        if new == current:
            raise PasswordRefused("unchanged")
        if new != repeated:
            raise PasswordRefused("mismatch")
        rows.set_user(connection, user.name, password_hash=_HASHER.hash(new),
                      must_change_password=False)  # fmt: skip
        rows.end_sessions_of(connection, user.name, keep=session.token_hash)
        record(connection, Access(user.name, "web", "password.change", origin, detail="ok"),
               system.clock())  # fmt: skip


def list_users(system: System) -> list[User]:
    with system.engine.connect() as connection:
        return [_user(row) for row in rows.all_users(connection)]


def find_user(system: System, name: str) -> User | None:
    with system.engine.connect() as connection:
        row = rows.find_user(connection, name)
    return _user(row) if row else None


def disable_user(system: System, name: str) -> None:
    """No sign-in from now on, and every open session of the user ends at once."""
    with writing(system.engine) as connection:
        if rows.find_user(connection, name) is None:
            raise UserError("no user with this name")
        rows.set_user(connection, name, active=False)
        rows.end_sessions_of(connection, name)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verify_password(hashed: str, password: str) -> bool:
    """Whether `password` is the one of `hashed`; an account without a usable hash (none set:
    rows.NO_PASSWORD) costs one verification all the same (services/sign_in.py)."""
    if hashed == rows.NO_PASSWORD:
        _verify(_DUMMY_HASH, password)
        return False
    return _verify(hashed, password)


def costs_a_verification(password: str) -> None:
    """As long as a verification takes, with no account to verify against."""
    _verify(_DUMMY_HASH, password)


def token_hash(token: str) -> str:
    return _token_hash(token)


def user_of(row: rows.UserRow) -> User:
    return _user(row)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def sweep_sessions(connection: Connection, settings: Settings, now: datetime) -> None:
    """Delete the sessions past either lifetime (session_of refuses them anyway): run at
    every successful sign-in, local or single sign-on, so the table never keeps them."""
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_absolute_hours)
    rows.sweep_sessions(connection, utc_text(now - idle), utc_text(now - absolute))


def session_of(
    system: System, token: str, idle: timedelta, absolute: timedelta | None = None
) -> Session | None:
    """The live session of a cookie token; None when unknown, idle too long, older than
    `absolute` (however busy: a stolen cookie does not live forever) or the user was
    disabled. Every use moves its idle expiry on, never the absolute one."""
    now = system.clock()
    token_hash = _token_hash(token)
    with writing(system.engine) as connection:
        found = rows.find_session(connection, token_hash)
        if found is None:
            return None
        name, csrf, last_seen, created = found
        user = rows.find_user(connection, name)
        too_old = absolute is not None and created < utc_text(now - absolute)
        if user is None or not user.active or last_seen < utc_text(now - idle) or too_old:
            rows.end_session(connection, token_hash)
            return None
        rows.touch_session(connection, token_hash, utc_text(now))
    return Session(_user(user), csrf, token_hash)
