"""Signing in and out: the throttle (domain/sign_in_throttle.py, which says why it is built
so), device cookies (services/device_cookies.py), one answer for every name, and each attempt
one access-log row.

An attempt is reserved before its password is verified: one write transaction checks the
waits and counts the attempt as a failure; the password is then verified outside any
transaction (argon2 takes tens of milliseconds, and SQLite has one writer); a second short
transaction takes the failure back on success. So however many guesses arrive at once, only
as many as the free tries are judged and the rest wait.

No account enumeration. A known, unknown, disabled or password-less name gets the same
refusal (LoginRefused with no wait), and each costs one argon2 verification: against the
account's hash, or against a dummy one when there is none to check. Every wait is keyed by
the name as typed (or the device), so it comes alike for names that exist and names that do
not.

The log rows (BIO2, issue 31): `session.sign_in` (detail "ok"), `session.sign_in.refused`
(detail: the reason; the `.refused` ending as `password.change.refused` has it; also a post
refused before it is judged: `local_login_off`, `csrf`), `session.throttled` (the wait),
`user.untrusted_limit` (a name's untrusted failures reached the limit: from then on attempts
without a device cookie wait) and `session.sign_out`. The actor is the name tried when it is
an account's name, else "-": a name that is no account is often a password typed into the
wrong field, and is never logged. The auditor does see the reason of a refusal (unknown_name,
wrong_password, disabled, no_password, locked): the log is theirs to read, not the
guesser's, and "many unknown names from one origin" is exactly what they look for. Never a
password.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.sign_in_throttle import (
    Counter,
    ThrottlePolicy,
    after_failure,
    minutes_to_wait,
    reaches_untrusted_limit,
    taken_back,
    wait_left,
)
from terugkeer.monitoring.metrics import count_sign_in_failure
from terugkeer.services.device_cookies import nonce_of
from terugkeer.services.users import (
    Session,
    costs_a_verification,
    sweep_sessions,
    token_hash,
    user_of,
    valid_user_name,
    verify_password,
)
from terugkeer.settings import Settings
from terugkeer.store import sign_in_throttle as counters
from terugkeer.store import users as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text


class LoginRefused(Exception):  # noqa: N818 - an outcome, not a fault
    """`wait` None: the name or password is not right (or the account cannot sign in: the
    same answer); else the origin must wait this long before its next try is judged."""

    def __init__(self, wait: timedelta | None = None) -> None:
        super().__init__("wait" if wait else "wrong name or password")
        self.wait = wait

    @property
    def minutes(self) -> int:
        return minutes_to_wait(self.wait) if self.wait else 0


def policy_of(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        free_tries=settings.sign_in_free_tries, untrusted_limit=settings.sign_in_untrusted_limit
    )


def _counted(name: str, origin: str, nonce: str | None,
             policy: ThrottlePolicy) -> list[tuple[tuple[str, str], int]]:  # fmt: skip
    """The counters an attempt is judged on, with their free tries, always in this order (so
    that concurrent attempts take the rows' locks alike and cannot deadlock): a device's own,
    or else the pair's, the origin's and the name's."""
    key = counters.name_key(name)
    if nonce is not None:
        return [((key, counters.device_key(nonce)), policy.free_tries)]
    place = counters.origin_key(origin)
    return [((key, place), policy.free_tries),
            ((counters.ANY, place), policy.origin_free_tries),
            ((key, counters.ANY), policy.untrusted_limit)]  # fmt: skip


def log_in(
    system: System, name: str, password: str, origin: str, channel: str = "web",
    device: str | None = None,
) -> tuple[str, Session]:  # fmt: skip
    """A new session token (for the cookie) and its session; raises LoginRefused. `device`
    is the browser's device cookie, if any. A failure is counted and logged before the
    refusal is raised."""
    now, policy = system.clock(), policy_of(system.settings)
    judged_on = _counted(name, origin, nonce_of(system.settings, device, name), policy)
    with writing(system.engine) as connection:
        row = rows.find_user(connection, name)
        actor = _actor_of(row)
        reserved = _reserve(connection, judged_on, now, policy)
        if isinstance(reserved, LoginRefused):
            record(connection, Access(actor, channel, "session.throttled", origin,
                                      detail=f"wait {reserved.minutes} min"), now)  # fmt: skip
    if isinstance(reserved, LoginRefused):
        count_sign_in_failure("throttled")
        raise reserved
    reason = _judge(row, password, now)
    with writing(system.engine) as connection:
        fresh = rows.find_user(connection, name) if reason is None else None
        if reason is None:
            reason = _unchanged(row, fresh, now)
        if reason is None and fresh is not None:
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            _take_back(connection, judged_on, now)
            sweep_sessions(connection, system.settings, now)
            rows.add_session(connection, token_hash(token), fresh.name, csrf, utc_text(now))
            record(connection, Access(actor, channel, "session.sign_in", origin, detail="ok"),
                   now)  # fmt: skip
            return token, Session(user_of(fresh), csrf, token_hash(token))
        record(connection, Access(actor, channel, "session.sign_in.refused", origin,
                                  detail=reason), now)  # fmt: skip
        count_sign_in_failure(reason or "other")
        across = reserved.get((counters.name_key(name), counters.ANY))
        if row is not None and across is not None and reaches_untrusted_limit(across, policy):
            hours = int(policy.window.total_seconds() // 3600)
            detail = (f"user={row.name}; ok: {across.failures} failed sign-ins without a "
                      f"device cookie in {hours} h")  # fmt: skip
            record(connection, Access(row.name, channel, "user.untrusted_limit", origin,
                                      detail=detail), now)  # fmt: skip
    raise LoginRefused()


def _actor_of(row: rows.UserRow | None) -> str:
    """Who a sign-in row names: the account tried, or "-" (what was typed may be a password)."""
    return row.name if row is not None and valid_user_name(row.name) else "-"


def _reserve(
    connection: Connection, judged_on: list[tuple[tuple[str, str], int]], now: datetime,
    policy: ThrottlePolicy,
) -> dict[tuple[str, str], Counter] | LoginRefused:  # fmt: skip
    """The attempt counted as a failure on each of its counters (the counters as they are
    now), or the wait if one of them holds it back (then nothing is counted)."""
    taken = [(key, free, counters.current(connection, key, now)) for key, free in judged_on]
    waits = [wait for _, _, counter in taken if (wait := wait_left(counter, now))]
    if waits:
        return LoginRefused(max(waits))
    counted = {}
    for key, free, counter in taken:
        counted[key] = after_failure(counter, now, free, policy)
        counters.store(connection, key, counted[key])
    counters.forget_stale(connection, now - policy.window, now)
    return counted


def _take_back(
    connection: Connection, judged_on: list[tuple[tuple[str, str], int]], now: datetime
) -> None:
    """A success clears its pair or device counter (the first), and takes the reserved
    failure back from the origin's and the name's: it says nothing about other guesses."""
    (first, _), *others = judged_on
    counters.forget(connection, first)
    for key, free in others:
        counters.store(connection, key, taken_back(counters.current(connection, key, now), free))


def _judge(row: rows.UserRow | None, password: str, now: datetime) -> str | None:
    """None when the password signs in; else why not. One verification, whatever the case."""
    if row is None:
        reason: str | None = "unknown_name"
    elif not row.active:
        reason = "disabled"
    elif row.password_hash == rows.NO_PASSWORD:
        reason = "no_password"
    elif row.locked_until is not None and row.locked_until > utc_text(now):
        reason = "locked"
    else:
        return None if verify_password(row.password_hash, password) else "wrong_password"
    costs_a_verification(password)
    return reason


def _unchanged(row: rows.UserRow | None, again: rows.UserRow | None, now: datetime) -> str | None:
    """None when the account is still as judged; an admin may have disabled it or reset its
    password while the password was being verified."""
    if again is None or row is None:
        return "unknown_name"
    if not again.active or again.password_hash != row.password_hash:
        return "changed"
    if again.locked_until is not None and again.locked_until > utc_text(now):
        return "locked"
    return None


def refuse_unjudged(
    system: System, name: str, reason: str, origin: str, channel: str = "web"
) -> None:
    """One `session.sign_in.refused` row for a post refused before it is judged (local
    sign-in switched off, a stale or missing form token)."""
    with writing(system.engine) as connection:
        row = rows.find_user(connection, name)
        actor = _actor_of(row)
        record(connection, Access(actor, channel, "session.sign_in.refused", origin,
                                  detail=reason), system.clock())  # fmt: skip
    count_sign_in_failure(reason)


def log_out(system: System, session: Session, origin: str, channel: str = "web") -> None:
    with writing(system.engine) as connection:
        rows.end_session(connection, session.token_hash)
        record(connection, Access(session.user.name, channel, "session.sign_out", origin),
               system.clock())  # fmt: skip
