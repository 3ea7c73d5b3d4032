"""Sign-in that cannot be turned against users (issue 31): guessing is slowed per name and
origin (an IPv6 host by its /64), parallel guesses cannot slip past a wait, a stranger from
any number of origins cannot keep the real user out of their own browser (its device cookie),
every name is answered alike, an admin lifts the waits; each step is one access-log row, never
with a password; expired sessions are swept at every sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from terugkeer.bootstrap import System, bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services import device_cookies
from terugkeer.services.accounts import accounts, unlock_account
from terugkeer.services.sign_in import LoginRefused, log_in, log_out
from terugkeer.services.users import User, add_user, disable_user, session_of
from terugkeer.settings import Settings
from terugkeer.store import users as rows
from terugkeer.store.engine import writing
from terugkeer.store.tables import access_log

PASSWORD = "the real user's own passphrase"
STRANGER, OFFICE = "203.0.113.9", "10.1.2.3"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, tzinfo=UTC))


@pytest.fixture
def system(database_url: str, clock: Clock) -> Iterator[System]:
    # Untrusted attempts for a name wait after 12 failures instead of 100: the same rule, in
    # fewer steps.
    built = bootstrap(Settings(database_url=database_url, sign_in_untrusted_limit=12))
    built.clock = clock
    add_user(built, "anna", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    yield built
    built.close()


def _refusal(
    system: System, name: str, password: str, origin: str, device: str | None = None
) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        log_in(system, name, password, origin, device=device)
    return refused.value


def _log(system: System) -> list[tuple[str, str, str, str | None]]:
    with system.engine.connect() as connection:
        found = connection.execute(
            select(access_log.c.actor, access_log.c.action, access_log.c.origin,
                   access_log.c.detail).order_by(access_log.c.id)
        )  # fmt: skip
        return [tuple(row) for row in found]  # type: ignore[misc]


def test_a_strangers_guessing_does_not_keep_the_real_user_out(system: System, clock: Clock) -> None:
    # The stranger guesses all morning, waiting out every throttle.
    for _ in range(10):
        refused = _refusal(system, "anna", "a guess at her password", STRANGER)
        clock.advance(hours=1, minutes=1)
    assert refused.wait is None  # each of them judged, and wrong
    # Meanwhile anna, at her own desk, signs in with her password.
    token, session = log_in(system, "anna", PASSWORD, OFFICE)
    assert session.user.name == "anna" and token
    assert not next(a for a in accounts(system) if a.name == "anna").locked


def test_guessing_from_one_origin_is_slowed_down_more_and_more(
    system: System, clock: Clock
) -> None:
    for _ in range(5):
        assert _refusal(system, "anna", "guess", STRANGER).wait is None
    # Now even the right password is not judged from there: wait a minute.
    assert _refusal(system, "anna", PASSWORD, STRANGER).wait == timedelta(minutes=1)
    clock.advance(seconds=30)
    assert _refusal(system, "anna", PASSWORD, STRANGER).minutes == 1  # half a minute, said whole
    clock.advance(seconds=31)
    assert _refusal(system, "anna", "guess", STRANGER).wait is None  # judged: wrong
    assert _refusal(system, "anna", "guess", STRANGER).wait == timedelta(minutes=2)  # doubled
    clock.advance(minutes=2)
    _refusal(system, "anna", "guess", STRANGER)
    assert _refusal(system, "anna", "guess", STRANGER).wait == timedelta(minutes=4)
    clock.advance(minutes=4)
    log_in(system, "anna", PASSWORD, STRANGER)  # once the wait is over, the password counts


def test_every_name_is_answered_alike(system: System) -> None:
    add_user(system, "bert", Role.ANALYST, None, PASSWORD)
    disable_user(system, "bert")
    with writing(system.engine) as connection:
        rows.add_user(connection, "cor", Role.ANALYST.value, None, rows.NO_PASSWORD, "2026")
    names = ("anna", "nobody", "bert", "cor")
    for name in names:  # a wrong password, or no account to use: one answer
        for _ in range(5):
            assert _refusal(system, name, "a wrong password", STRANGER).wait is None
    waits = {_refusal(system, name, PASSWORD, STRANGER).wait for name in names}
    assert waits == {timedelta(minutes=1)}  # an unknown name is throttled like a known one


def _botnet(system: System, names: tuple[str, ...]) -> None:
    """A stranger guesses each name 200 times: from 100 IPv4 addresses and from 100 IPv6
    networks (a new /64 each), so no origin ever reaches its own free tries."""
    origins = [f"198.51.100.{i}" for i in range(100)] + [f"2001:db8:{i:x}::1" for i in range(100)]
    for origin in origins:
        for name in names:
            _refusal(system, name, "a guess", origin)  # every one refused


def test_a_stranger_from_many_origins_cannot_keep_the_user_out_of_her_browser(
    system: System, clock: Clock
) -> None:
    own_browser = device_cookies.issue(system.settings, "anna")  # she signed in here before
    _botnet(system, ("anna", "nobody"))
    # Her own browser: the right password signs in at once, however long the attack went on.
    token, _ = log_in(system, "anna", PASSWORD, OFFICE, device=own_browser)
    assert token
    # A new browser waits, even with the right password: and an unknown name waits alike.
    new_browser = _refusal(system, "anna", PASSWORD, OFFICE)
    assert new_browser.wait is not None
    assert new_browser.wait == _refusal(system, "nobody", PASSWORD, OFFICE).wait
    assert next(a for a in accounts(system) if a.name == "anna").locked  # the admin sees it
    # The attack's rows: the limit reached once, for the account only (never for "nobody").
    limits = [row for row in _log(system) if row[1] == "user.untrusted_limit"]
    assert [(actor, action) for actor, action, _, _ in limits] == [("anna", "user.untrusted_limit")]
    # An admin's unlock lifts the waits: her new browser signs in.
    unlock_account(system, User("root", Role.ADMIN, None), "anna", "10.0.0.1")
    log_in(system, "anna", PASSWORD, OFFICE)
    assert ("root", "user.unlock") in [(actor, action) for actor, action, _, _ in _log(system)]


def test_a_forged_or_borrowed_device_cookie_counts_as_none(system: System) -> None:
    _botnet(system, ("anna",))
    genuine = device_cookies.issue(system.settings, "anna")
    name, nonce, mac = genuine.split(".")
    other_key = Settings(database_url="sqlite://", pseudonym_key="another key, 16 bytes+")
    for cookie in (
        device_cookies.issue(system.settings, "bert"),  # another name's
        f"{name}.{nonce}.{'0' * len(mac)}",  # a made-up MAC
        f"{name}.{nonce}x.{mac}",  # another nonce
        device_cookies.issue(other_key, "anna"),  # another installation's key
        "garbage",
    ):
        assert _refusal(system, "anna", PASSWORD, OFFICE, device=cookie).wait is not None
    log_in(system, "anna", PASSWORD, OFFICE, device=genuine)


def test_guessing_from_a_known_browser_slows_that_browser_only(
    system: System, clock: Clock
) -> None:
    stolen_laptop = device_cookies.issue(system.settings, "anna")
    for _ in range(5):
        assert _refusal(system, "anna", "guess", OFFICE, device=stolen_laptop).wait is None
    assert _refusal(system, "anna", PASSWORD, OFFICE, device=stolen_laptop).wait == timedelta(
        minutes=1
    )
    log_in(system, "anna", PASSWORD, OFFICE, device=device_cookies.issue(system.settings, "anna"))
    log_in(system, "anna", PASSWORD, OFFICE)  # and untrusted from the same origin


def test_an_ipv6_host_is_throttled_by_its_64_network(system: System) -> None:
    for host in range(1, 6):  # five addresses of one /64: one origin
        assert _refusal(system, "anna", "guess", f"2001:db8:1:2::{host}").wait is None
    assert _refusal(system, "anna", PASSWORD, "2001:db8:1:2:ffff::99").wait is not None
    log_in(system, "anna", PASSWORD, "2001:db8:1:3::1")  # the next /64 is another origin


def test_parallel_guesses_are_judged_no_more_than_the_free_tries(system: System) -> None:
    """Sixteen guesses from one origin at once: each is reserved before its password is
    verified, so five are judged and eleven wait."""
    from concurrent.futures import ThreadPoolExecutor

    def guess(i: int) -> timedelta | None:
        return _refusal(system, "anna", f"guess {i}", STRANGER).wait

    with ThreadPoolExecutor(max_workers=16) as pool:
        waits = list(pool.map(guess, range(16)))
    assert sum(wait is None for wait in waits) == 5
    actions = [action for _, action, _, _ in _log(system)]
    assert actions.count("session.sign_in.refused") == 5
    assert actions.count("session.throttled") == 11


def test_expired_sessions_are_swept_at_every_sign_in(system: System, clock: Clock) -> None:
    from sqlalchemy import update

    from terugkeer.services.users import token_hash
    from terugkeer.store.tables import sessions

    def kept() -> set[str]:
        with system.engine.connect() as connection:
            return {row[0] for row in connection.execute(select(sessions.c.token_hash))}

    idle_one, _ = log_in(system, "anna", PASSWORD, OFFICE)
    clock.advance(minutes=20)
    busy_one, _ = log_in(system, "anna", PASSWORD, OFFICE)
    old_one, _ = log_in(system, "anna", PASSWORD, OFFICE)
    with writing(system.engine) as connection:  # used a minute ago, signed in 13 hours ago
        connection.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash(old_one))
            .values(created_at=rows.utc_text(clock.now - timedelta(hours=13)))
        )
    clock.advance(minutes=15)  # the first idle for 35 minutes, the second for 15
    new_one, _ = log_in(system, "anna", PASSWORD, OFFICE)
    assert kept() == {token_hash(busy_one), token_hash(new_one)}
    assert token_hash(idle_one) not in kept()


def test_each_attempt_is_one_log_row_without_a_password(system: System) -> None:
    token, session = log_in(system, "anna", PASSWORD, OFFICE)
    log_out(system, session, OFFICE)
    _refusal(system, "anna", "a wrong one", OFFICE)
    _refusal(system, "s3cret-typed-as-name", "x", OFFICE)
    _refusal(system, "<script>", "x", OFFICE)
    for _ in range(5):
        _refusal(system, "anna", "a wrong one", STRANGER)
    _refusal(system, "anna", PASSWORD, STRANGER)
    _refusal(system, "anna", PASSWORD, STRANGER)
    assert _log(system)[-4:] == [
        ("anna", "session.sign_in.refused", STRANGER, "wrong_password"),
        ("anna", "session.sign_in.refused", STRANGER, "wrong_password"),
        ("anna", "session.throttled", STRANGER, "wait 1 min"),
        ("anna", "session.throttled", STRANGER, "wait 1 min"),
    ]
    assert _log(system)[:5] == [
        ("anna", "session.sign_in", OFFICE, "ok"),
        ("anna", "session.sign_out", OFFICE, None),
        ("anna", "session.sign_in.refused", OFFICE, "wrong_password"),
        # A name that is no account may be a password typed in the wrong field: never kept.
        ("-", "session.sign_in.refused", OFFICE, "unknown_name"),
        ("-", "session.sign_in.refused", OFFICE, "unknown_name"),
    ]
    said = str(_log(system))
    assert PASSWORD not in said and "a wrong one" not in said and "s3cret" not in said
    assert session_of(system, token, timedelta(minutes=30)) is None  # signed out


def test_a_busy_session_still_ends_at_its_absolute_limit(system: System, clock: Clock) -> None:
    token, _ = log_in(system, "anna", PASSWORD, OFFICE)
    idle, absolute = timedelta(minutes=30), timedelta(hours=12)
    for _ in range(35):  # used every twenty minutes, all day
        clock.advance(minutes=20)
        assert session_of(system, token, idle, absolute) is not None
    clock.advance(minutes=21)  # twelve hours after signing in, and a minute
    assert session_of(system, token, idle, absolute) is None
    assert session_of(system, token, idle) is None  # ended, not just refused once


def test_the_counters_keep_recent_failures_only(system: System, clock: Clock) -> None:
    from terugkeer.store.tables import sign_in_throttle

    def kept() -> int:
        with system.engine.connect() as connection:
            return len(connection.execute(select(sign_in_throttle)).all())

    for name in ("anna", "nobody", "someone"):
        _refusal(system, name, "guess", STRANGER)
    assert kept() == 7  # three pairs, three names, one origin
    clock.advance(hours=25)
    _refusal(system, "anna", "guess", OFFICE)
    assert kept() == 3  # yesterday's gone; today's pair, name and origin


def test_concurrent_failures_are_each_counted(system: System) -> None:
    """Several server processes share the counters: failures at the same moment count one
    each (the row is taken for update), none is lost to a race."""
    from concurrent.futures import ThreadPoolExecutor

    from terugkeer.store import sign_in_throttle as counters

    def guess(i: int) -> None:
        _refusal(system, "anna", f"guess {i}", f"198.51.100.{i % 3}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(guess, range(8)))
    with system.engine.connect() as connection:
        found = counters.counters(connection, [(counters.name_key("anna"), counters.ANY)])
    assert [counter.failures for counter in found.values()] == [8]
