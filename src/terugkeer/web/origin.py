"""Where a request came from, for the access log: the connecting address, or — only when that
is a configured trusted proxy (`trusted_proxies`) — the client the proxy names in
X-Forwarded-For. Without that rule any client could write its own origin into the log.

The standard algorithm: read X-Forwarded-For from the right (the address the nearest proxy
appended) and skip every address that is itself a trusted proxy; the first one that is not is
the client. An entry that is not an IP address stops the walk: what lies left of it was
written by someone untrusted, so the last trusted hop is logged instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(each, strict=False) for each in trusted)


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The origin to log: `peer` is the connecting address, `forwarded_for` every
    X-Forwarded-For header of the request in order."""
    if not is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    last = peer
    for hop in reversed([h for h in hops if h]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return last  # forged or garbled beyond here: the last hop we trust
        if not is_trusted(address, trusted):
            return address
        last = address
    return last


def origin_of(request: Request) -> str:
    """Where a request came from (the one function pages and API share)."""
    peer = request.client.host if request.client else "unknown"
    trusted = networks(tuple(request.app.state.system.settings.trusted_proxies))
    if not trusted:
        return peer
    return client_address(peer, request.headers.getlist("x-forwarded-for"), trusted)
