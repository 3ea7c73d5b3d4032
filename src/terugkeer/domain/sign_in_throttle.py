"""Slowing password guessing down without handing a stranger the power to lock a user out.

A hard lock (many failures for a name from anywhere lock the account, the right password
included) lets anyone who knows a colleague's user name keep them out of their work: with IPv6
every address is an origin, so "many origins" is one laptop. The design here follows NIST
SP 800-63B §5.2.2 and OWASP's "Slow Down Online Guessing Attacks with Device Cookies":

- A browser the user signed in with before carries a device cookie for that name
  (services/device_cookies.py). Its attempts are judged on that device's own counter only:
  `free_tries` failures, then waits of 1 minute, 2, 4, ... up to `longest_wait`. Nothing a
  stranger does elsewhere slows the real user's own browser down.
- Every other attempt is untrusted. Untrusted failures are counted per (name tried, origin) —
  the *pair* — per origin, and per name across all origins:
  - after `free_tries` failures of a pair, that origin waits before its next try for that name;
  - after `origin_free_tries` failures of an origin (all names: many users may share an
    office's NAT, so it is high) the origin waits;
  - after `untrusted_limit` failures of a name (NIST: at most 100) every untrusted attempt for
    that name waits, growing up to an hour. The real user on a new browser waits too; with
    their device cookie they do not. An admin's unlock lifts the waits.
- An origin is an IPv4 address or an IPv6 /64 network (`origin_group`): one host commonly
  holds a whole /64, and would otherwise be a new origin at every address.
- Everything is keyed by the name as typed, known or not: an unknown name is throttled exactly
  like a known one, so the answers do not tell which names exist.
- A count starts afresh `window` after its first failure. An attempt is counted as a failure
  *before* its password is verified (so parallel guesses cannot slip past the wait); a success
  takes that back: its pair or device counter is cleared, and the origin's and name's counts
  lose the one failure reserved.

Pure arithmetic on counters; the store keeps them (several server processes share one
database), the service applies them (services/sign_in.py).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_tries: int = 5  # failures of one (name, origin) or one device before waiting
    origin_free_tries: int = 100  # failures of one origin, all names, before waiting
    untrusted_limit: int = 100  # untrusted failures of one name, all origins, before waiting
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
    counter: Counter, now: datetime, free_tries: int, policy: ThrottlePolicy
) -> Counter:
    """The counter after one more failure: each failure past `free_tries` doubles the wait."""
    fresh = counter.since is None or now - counter.since >= policy.window
    failures = 1 if fresh else counter.failures + 1
    since = now if fresh else counter.since
    past = failures - free_tries
    if past < 0:
        return Counter(failures, since, None)
    wait = min(policy.first_wait * (2 ** min(past, 30)), policy.longest_wait)
    return Counter(failures, since, now + wait)


def taken_back(counter: Counter, free_tries: int) -> Counter:
    """The counter without one reserved failure (the attempt signed in). A wait that other
    failures earned stays; one that only this attempt would have started goes."""
    failures = max(0, counter.failures - 1)
    blocked = counter.blocked_until if failures >= free_tries else None
    return replace(counter, failures=failures, blocked_until=blocked)


def reaches_untrusted_limit(counter: Counter, policy: ThrottlePolicy) -> bool:
    """True for the failure that brings a name's untrusted count to the limit: from here on
    untrusted attempts for that name wait (logged once, as `user.untrusted_limit`)."""
    return counter.failures == policy.untrusted_limit


def origin_group(origin: str) -> str:
    """What the throttle counts as one origin: an IPv4 address, an IPv6 address's /64 network
    (an IPv4-mapped one as its IPv4 address), anything else (a test client's name) as given."""
    try:
        address = ipaddress.ip_address(origin)
    except ValueError:
        return origin[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network((int(address) >> 64 << 64, 64))
        return str(network)
    return str(address)


def minutes_to_wait(wait: timedelta) -> int:
    """The wait as the page says it: whole minutes, rounded up, at least one."""
    return max(1, math.ceil(wait.total_seconds() / 60))
