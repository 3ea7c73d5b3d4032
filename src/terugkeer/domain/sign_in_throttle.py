"""Slowing password guessing down without handing a stranger the power to lock a user out.

The old rule (five wrong passwords from anyone lock the account for 15 minutes, the right
password included) let anyone who knew a colleague's user name keep them out of their work
all day. The design here, per NIST SP 800-63B §5.2.2 (rate limiting):

- Failures are counted per (name tried, origin) — the *pair* — and per origin. After
  `free_tries` failures of a pair, that origin waits before its next try for that name is even
  judged: 1 minute, then 2, 4, ... up to `longest_wait`. A guesser at one origin is slowed to
  a trickle, while the real user at another origin (their own workstation) is not affected
  and signs in with the right password.
- The per-origin count (all names together) catches one origin spraying many names with a
  few passwords each. Its threshold is high (`origin_free_tries`): many users may share one
  origin (an office behind a NAT), and their ordinary typos must not slow each other.
- Failures per name across all origins are counted too. Only after `hard_lock_after` of them
  within `window` (NIST's ceiling: 100) is the *account* locked, a "hard lock": many origins
  have guessed, which is an attack worth an admin's attention. It is an account state, lifted
  by an admin (page or CLI), and both its start and its lifting are logged.
- Everything is keyed by the name as typed, known or not: an unknown name is throttled exactly
  like a known one, so the answers do not tell which names exist.
- A count starts afresh `window` after its first failure. A success clears its pair only:
  it says nothing about the other origins' guesses.

Pure arithmetic on counters; the store keeps them (several server processes share one
database), the service applies them (services/sign_in.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_tries: int = 5  # failures of one (name, origin) before waiting
    origin_free_tries: int = 100  # failures of one origin, all names, before waiting
    hard_lock_after: int = 100  # failures of one name, all origins: the account is locked
    first_wait: timedelta = timedelta(minutes=1)
    longest_wait: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Counter:
    """Failures since `since` (the window's first failure), and no try judged before
    `blocked_until`."""

    failures: int = 0
    since: datetime | None = None
    blocked_until: datetime | None = None


def wait_left(counter: Counter, now: datetime) -> timedelta | None:
    """How long before the next try is judged; None: now."""
    if counter.blocked_until is None or counter.blocked_until <= now:
        return None
    return counter.blocked_until - now


def after_failure(
    counter: Counter, now: datetime, free_tries: int | None, policy: ThrottlePolicy
) -> Counter:
    """The counter after one more failure: each failure past `free_tries` doubles the wait
    (`free_tries` None: counted only, never a wait — a name's count across origins)."""
    fresh = counter.since is None or now - counter.since >= policy.window
    failures = 1 if fresh else counter.failures + 1
    since = now if fresh else counter.since
    past = -1 if free_tries is None else failures - free_tries
    if past < 0:
        return Counter(failures, since, None)
    wait = min(policy.first_wait * (2 ** min(past, 30)), policy.longest_wait)
    return Counter(failures, since, now + wait)


def reaches_hard_lock(counter: Counter, policy: ThrottlePolicy) -> bool:
    """True once the name's failures across origins reach the threshold (the service locks
    an account that is not locked yet: one lock, one log row)."""
    return counter.failures >= policy.hard_lock_after


def minutes_to_wait(wait: timedelta) -> int:
    """The wait as the page says it: whole minutes, rounded up, at least one."""
    return max(1, math.ceil(wait.total_seconds() / 60))
