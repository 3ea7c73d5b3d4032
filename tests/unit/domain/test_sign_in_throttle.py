"""The throttle's arithmetic: free tries, then a wait that doubles up to a ceiling, counted
afresh after the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from terugkeer.domain.sign_in_throttle import (
    Counter,
    ThrottlePolicy,
    after_failure,
    minutes_to_wait,
    reaches_hard_lock,
    wait_left,
)

POLICY = ThrottlePolicy()
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _fail(times: int, free: int | None = POLICY.free_tries, at: datetime = T0) -> Counter:
    counter = Counter()
    for _ in range(times):
        counter = after_failure(counter, at, free, POLICY)
    return counter


def test_free_tries_then_a_doubling_wait_up_to_an_hour() -> None:
    assert wait_left(_fail(4), T0) is None
    waits = [wait_left(_fail(n), T0) for n in range(5, 13)]
    minutes = [1, 2, 4, 8, 16, 32, 60, 60]
    assert waits == [timedelta(minutes=m) for m in minutes]


def test_the_wait_runs_out_and_the_count_starts_afresh_after_the_window() -> None:
    counter = _fail(6)
    assert wait_left(counter, T0 + timedelta(minutes=2)) is None
    later = after_failure(counter, T0 + POLICY.window, POLICY.free_tries, POLICY)
    assert later.failures == 1 and later.blocked_until is None


def test_a_name_across_origins_is_counted_but_never_waits() -> None:
    counter = _fail(POLICY.hard_lock_after, free=None)
    assert counter.blocked_until is None
    assert reaches_hard_lock(counter, POLICY)
    assert not reaches_hard_lock(_fail(POLICY.hard_lock_after - 1, free=None), POLICY)


def test_the_page_says_whole_minutes() -> None:
    assert minutes_to_wait(timedelta(seconds=1)) == 1
    assert minutes_to_wait(timedelta(seconds=61)) == 2
