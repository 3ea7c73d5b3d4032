"""Signing in and out: the throttle (domain/sign_in_throttle.py, which says why it is built
so), one answer for every name, and each attempt one access-log row.

No account enumeration. A known, unknown, disabled, password-less or hard-locked name gets the
same refusal (LoginRefused with no wait), and each costs one argon2 verification: against the
account's hash, or against a dummy one when there is none to check. The throttle's "wait"
answer is keyed by the name as typed, so it comes alike for names that exist and names that
do not. The password is verified outside any write transaction (it takes tens of
milliseconds, and SQLite has one writer): two concurrent guesses may both be judged before
either is counted, which costs a guesser's throttle one try at most.

The log rows (BIO2, issue 31): `session.sign_in` (detail "ok"), `session.sign_in.refused`
(detail: the reason; the `.refused` ending as `password.change.refused` has it),
`session.throttled` (the wait), `user.lock` (the hard lock) and `session.sign_out`. The
actor is the name tried when it is an account's name, else "-": a name that is no account is
often a password typed into the wrong field, and is never logged. The auditor does see the
reason of a refusal (unknown_name, wrong_password, disabled, no_password, locked): the log is
theirs to read, not the guesser's, and "many unknown names from one origin" is exactly what
they look for. Never a password.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.sign_in_throttle import (
    ThrottlePolicy,
    after_failure,
    minutes_to_wait,
    reaches_hard_lock,
    wait_left,
)
from terugkeer.services.users import (
    Session,
    costs_a_verification,
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
from terugkeer.store.users import HARD_LOCK, utc_text


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
        free_tries=settings.sign_in_free_tries, hard_lock_after=settings.sign_in_hard_lock_after
    )


def log_in(
    system: System, name: str, password: str, origin: str, channel: str = "web"
) -> tuple[str, Session]:
    """A new session token (for the cookie) and its session; raises LoginRefused. A failure
    is counted and logged before the refusal is raised."""
    now, policy = system.clock(), policy_of(system.settings)
    pair = (counters.name_key(name), counters.origin_key(origin))
    everyone = (counters.ANY, pair[1])
    with system.engine.connect() as connection:
        found = counters.counters(connection, [pair, everyone])
        row = rows.find_user(connection, name)
    actor = row.name if row is not None and valid_user_name(row.name) else "-"
    waits = [wait for counter in found.values() if (wait := wait_left(counter, now))]
    if waits:
        refused = LoginRefused(max(waits))
        with writing(system.engine) as connection:
            record(connection, Access(actor, channel, "session.throttled", origin,
                                      detail=f"wait {refused.minutes} min"), now)  # fmt: skip
        raise refused
    reason = _judge(row, password, now)
    with writing(system.engine) as connection:
        fresh = rows.find_user(connection, name) if reason is None else None
        if reason is None:
            reason = _unchanged(row, fresh, now)
        if reason is None and fresh is not None:
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            counters.forget(connection, pair)
            rows.add_session(connection, token_hash(token), fresh.name, csrf, utc_text(now))
            record(connection, Access(actor, channel, "session.sign_in", origin, detail="ok"),
                   now)  # fmt: skip
            return token, Session(user_of(fresh), csrf, token_hash(token))
        _count_failure(connection, policy, name, row, origin, channel, now)
        record(connection, Access(actor, channel, "session.sign_in.refused", origin,
                                  detail=reason), now)  # fmt: skip
    raise LoginRefused()


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


def _count_failure(
    connection: Connection, policy: ThrottlePolicy, name: str,
    row: rows.UserRow | None, origin: str, channel: str, now: datetime,
) -> None:  # fmt: skip
    """Count one failure on the pair, the origin and the name (always in this order, so that
    concurrent failures take the rows' locks alike and cannot deadlock), and hard-lock the
    account when its name reaches the threshold."""
    key, place = counters.name_key(name), counters.origin_key(origin)
    for counted, free in (((key, place), policy.free_tries),
                          ((counters.ANY, place), policy.origin_free_tries)):  # fmt: skip
        counter = after_failure(counters.current(connection, counted, now), now, free, policy)
        counters.store(connection, counted, counter)
    across = after_failure(counters.current(connection, (key, counters.ANY), now), now, None,
                           policy)  # fmt: skip
    counters.store(connection, (key, counters.ANY), across)
    counters.forget_stale(connection, now - policy.window, now)
    if row is None or not reaches_hard_lock(across, policy):
        return
    current = rows.find_user(connection, row.name)  # as it is now, not as it was judged
    if current is None:
        return
    locked = current.locked_until is not None and current.locked_until > utc_text(now)
    if not locked:
        rows.set_user(connection, row.name, locked_until=HARD_LOCK)
        hours = int(policy.window.total_seconds() // 3600)
        detail = f"user={row.name}; ok: {across.failures} failed sign-ins in {hours} h"
        record(connection, Access(row.name, channel, "user.lock", origin, detail=detail), now)


def log_out(system: System, session: Session, origin: str, channel: str = "web") -> None:
    with writing(system.engine) as connection:
        rows.end_session(connection, session.token_hash)
        record(connection, Access(session.user.name, channel, "session.sign_out", origin),
               system.clock())  # fmt: skip
