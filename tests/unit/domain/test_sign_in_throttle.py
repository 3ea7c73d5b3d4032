"""The throttle's arithmetic: free tries, then a wait that doubles up to a ceiling, counted
afresh after the window; a success takes its reserved failure back; an IPv6 host is its /64."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from terugkeer.domain.sign_in_throttle import (
    Counter,
    ThrottlePolicy,
    after_failure,
    minutes_to_wait,
    origin_group,
    reaches_untrusted_limit,
    taken_back,
    wait_left,
)

POLICY = ThrottlePolicy()
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _fail(times: int, free: int = POLICY.free_tries, at: datetime = T0) -> Counter:
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


def test_a_name_waits_for_untrusted_attempts_once_at_the_limit() -> None:
    limit = POLICY.untrusted_limit
    assert _fail(limit - 1, free=limit).blocked_until is None
    assert not reaches_untrusted_limit(_fail(limit - 1, free=limit), POLICY)
    at_limit = _fail(limit, free=limit)
    assert reaches_untrusted_limit(at_limit, POLICY)  # said once: at the limit, not past it
    assert wait_left(at_limit, T0) == timedelta(minutes=1)
    assert not reaches_untrusted_limit(_fail(limit + 1, free=limit), POLICY)
    assert wait_left(_fail(limit + 20, free=limit), T0) == timedelta(hours=1)  # at most


def test_a_success_takes_back_only_its_own_reserved_failure() -> None:
    # The fifth attempt was reserved (starting a wait), and signed in: no wait after all.
    assert taken_back(_fail(5), POLICY.free_tries) == Counter(4, T0, None)
    # Others' failures earned the wait: it stays.
    assert taken_back(_fail(7), POLICY.free_tries).blocked_until == _fail(7).blocked_until


def test_an_ipv6_host_is_one_origin_by_its_64_network() -> None:
    assert origin_group("2001:db8:1:2:aaaa::1") == origin_group("2001:db8:1:2:ffff::9")
    assert origin_group("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert origin_group("2001:db8:1:3::1") != origin_group("2001:db8:1:2::1")
    assert origin_group("203.0.113.9") != origin_group("203.0.113.10")  # IPv4: each address
    assert origin_group("::ffff:203.0.113.9") == "203.0.113.9"
    assert origin_group("testclient") == "testclient"


def test_the_page_says_whole_minutes() -> None:
    assert minutes_to_wait(timedelta(seconds=1)) == 1
    assert minutes_to_wait(timedelta(seconds=61)) == 2
