"""The request id of the work in hand, for the logs and the access log alike.

A context variable: the web middleware (web/signals.py) sets it for each request, and every
log record and access-log row written while the request is served, also in the worker threads
Starlette runs sync code in (they copy the context), carries it. The CLI and the webhook
deliverer have none.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_REQUEST_ID: ContextVar[str | None] = ContextVar("terugkeer_request_id", default=None)

#: What an incoming X-Request-ID may look like to be kept: a token of the characters proxies
#: use, short enough for the access log's column.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,64}", re.ASCII)
#: Ten digits in a row could be a V-number: such an id is replaced, never logged.
_V_NUMBER_LIKE = re.compile(r"[0-9]{10}", re.ASCII)


def current_request_id() -> str | None:
    return _REQUEST_ID.get()


@contextmanager
def serving(request_id: str) -> Iterator[None]:
    """`request_id` is the id of the work done inside the block."""
    token = _REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)


def new_request_id() -> str:
    """96 random bits as three groups of eight hex digits: never ten digits in a row, so a
    request id never looks like a V-number to a scanner of the logs."""
    digits = secrets.token_hex(12)
    return "-".join(digits[i : i + 8] for i in range(0, 24, 8))


def accepted_request_id(header: str | None) -> str | None:
    """A proxy's X-Request-ID as it may be kept, or None (then a new one is made)."""
    if header is None or not _ACCEPTED.fullmatch(header) or _V_NUMBER_LIKE.search(header):
        return None
    return header
