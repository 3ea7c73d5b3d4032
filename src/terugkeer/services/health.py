"""Whether this process can serve (readiness), and what the store says for the metrics.

A probe asks every few seconds, so each check is a statement that reads an index or one row:
`SELECT 1`, the Alembic revision's one row, and ranges of the outbox's (state, event_seq)
index. What a check says is safe to show anyone — which check failed and the error's kind, no
address, SQL or password: the reason itself goes to the log (one line, as store/errors.py
words it).
The webhook backlog is reported, never a reason to be unready: a partner's endpoint being
down is no reason to take the workplace out of the load balancer (alert on its age instead).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from terugkeer.bootstrap import System
from terugkeer.monitoring.metrics import StoreSnapshot
from terugkeer.services.known import reflected
from terugkeer.store.errors import StoreUnavailableError, reason
from terugkeer.store.schema import HEAD_REVISION, current_revision
from terugkeer.store.webhooks import backlog

_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
log = logging.getLogger("terugkeer.health")


@dataclass(frozen=True, slots=True)
class Readiness:
    #: check name -> what it found (JSON-ready); `failed` names the checks that failed.
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.failed


def readiness(system: System) -> Readiness:
    """The database answers, its schema is at this code's head; the webhook backlog."""
    found = Readiness()
    try:
        with system.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        found.checks["database"] = {"ok": True}
    except (SQLAlchemyError, StoreUnavailableError) as error:
        log.warning("not ready: the database did not answer: %s", _why(error))
        found.checks["database"] = {"ok": False, "error": type(error).__name__}
        found.failed.append("database")
        return found  # nothing else can be read
    revision: str | None = None
    problem: str | None = None
    try:
        revision = current_revision(system.engine)
    except StoreUnavailableError as error:
        problem = str(error)
    at_head = revision == HEAD_REVISION
    found.checks["migrations"] = {"ok": at_head, "revision": revision, "head": HEAD_REVISION}
    if problem is not None:
        log.warning("not ready: the schema revision could not be read: %s", problem)
    if not at_head:
        log.warning("not ready: the store is at revision %s, this code at %s", revision,
                    HEAD_REVISION)  # fmt: skip
        found.failed.append("migrations")
        return found  # an older schema may lack the outbox's columns
    snapshot = store_snapshot(system)
    if not snapshot.reachable:  # the database went away between two statements
        found.checks["webhook_backlog"] = {"error": "unreadable"}
        return found
    found.checks["webhook_backlog"] = {
        "pending": snapshot.pending,
        "oldest_pending_age_seconds": round(snapshot.oldest_pending_seconds, 3),
        "given_up": snapshot.given_up,
    }
    return found


def store_snapshot(system: System) -> StoreSnapshot:
    """The webhook backlog and how far the projections are behind now, or `reachable=False`
    when the store does not answer."""
    try:
        with system.engine.connect() as connection:
            found = backlog(connection)
            behind = reflected(connection).behind
    except (SQLAlchemyError, StoreUnavailableError):
        return StoreSnapshot(reachable=False)
    age = 0.0
    if found.oldest_pending_at is not None:
        since = datetime.strptime(found.oldest_pending_at, _STAMP).replace(tzinfo=UTC)
        age = max(0.0, (system.clock() - since).total_seconds())
    return StoreSnapshot(True, found.pending, age, found.given_up, behind)


def _why(error: Exception) -> str:
    """One line without SQL or row values (store/errors.py), or only the error's kind."""
    if isinstance(error, DBAPIError):
        return reason(error)
    if isinstance(error, StoreUnavailableError):
        return str(error)
    return f"the database driver reported {type(error).__name__}"
