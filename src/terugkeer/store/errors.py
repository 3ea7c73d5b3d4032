"""A store that cannot be opened or written, said in one sentence that is safe to print.

SQLAlchemy's own exception text quotes the SQL statement with its parameters, i.e. event
contents and V-numbers, so it never reaches a message: at most the driver's first line does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

#: user:password@ in a URL that SQLAlchemy cannot parse (so cannot hide the password itself).
_PASSWORD = re.compile(r"(://[^/:@]*):[^/@]*@")
#: A run of digits as long as a V-number (ten): the reason is dropped rather than risk one.
_LONG_NUMBER = re.compile(r"\d{8,}")


class StoreUnavailableError(Exception):
    """`str()` is one sentence naming the store (password hidden) and what is wrong."""


#: The errors a request may meet when the database is away; `is_outage` says which of them are.
DATABASE_ERRORS: tuple[type[Exception], ...] = (StoreUnavailableError, DBAPIError, SATimeoutError)


def store_name(url: str | URL) -> str:
    """The URL as the user wrote it, password hidden (unquoted: `file:` URIs stay legible)."""
    if isinstance(url, str):
        written = url
        try:
            url = make_url(written)
        except ArgumentError:
            return _PASSWORD.sub(r"\1:***@", written)
    return unquote(url.render_as_string(hide_password=True))


def unavailable(url: str | URL, problem: str) -> StoreUnavailableError:
    return StoreUnavailableError(f"the store {store_name(url)} {problem}")


@contextmanager
def guarded(url: str | URL, doing: str) -> Iterator[None]:
    """Driver errors inside become "the store URL cannot be {doing}: {reason}"."""
    try:
        yield
    except DBAPIError as error:
        raise unavailable(url, f"cannot be {doing}: {reason(error)}") from error


def reason(error: DBAPIError) -> str:
    """The driver's message, first line only: PostgreSQL's DETAIL lines quote row values. Still
    dropped (for the driver's error class) if it quotes a statement parameter or a long number."""
    lines = str(error.orig).strip().splitlines()
    text = " ".join(lines[0].split()).rstrip(".") if lines else ""
    quoted = [value for value in _values(error.params) if len(value) >= 3 and value in text]
    if not text or quoted or _LONG_NUMBER.search(text):
        return f"the database driver reported {type(error.orig).__name__}"
    return text


def _values(params: Any) -> Iterator[str]:
    if isinstance(params, dict):
        params = list(params.values())
    if isinstance(params, list | tuple):
        for value in params:
            yield from _values(value)
    elif params is not None:
        yield str(params)


#: SQLite's words for another writer holding the file past the busy timeout (engine.py): the
#: store is there, only briefly taken. Any other OperationalError of SQLite ("no such table",
#: a damaged file) is not one a retry cures.
_SQLITE_BUSY = ("locked", "busy")


def is_outage(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database is briefly out of reach — stopped,
    restarting, the connection dropped ("terminating connection due to administrator command",
    refused), no pooled connection free in time, SQLite locked past its timeout —, so that the
    same request may succeed when sent again; not a mistake in the request or the code."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SATimeoutError):  # the pool waited for a connection in vain
            return True
        if isinstance(current, DBAPIError):
            return _is_outage(current)
        current = current.__cause__ or current.__context__
    return False


def _is_outage(error: DBAPIError) -> bool:
    if error.connection_invalidated:  # SQLAlchemy recognised a lost connection
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(word in str(error.orig).lower() for word in _SQLITE_BUSY)
    return True  # PostgreSQL: cannot connect, shutting down, starting up, connection closed
