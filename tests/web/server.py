"""A real server on loopback for page tests: uvicorn in a thread, on a store with three
people (two directors' cases and one family), users of every role."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import uvicorn

from terugkeer.bootstrap import System, bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.users import User, add_user
from terugkeer.services.workplace import assign_cases
from terugkeer.settings import Settings
from terugkeer.store.workplace import open_cases
from terugkeer.web.app import create_app
from terugkeer.web.serve import uvicorn_config
from tests.integration.lines import intake, line

PASSWORD = "correct horse battery"
MINE, THEIRS, UNASSIGNED = "1000000001", "1000000002", "1000000003"
CHILD = "1000000004"  # MINE's family member, also anna's
FAMILY = "fam-7"
WORK_DATE = date(2023, 3, 10)
USERS = (
    ("anna", Role.CASE_DIRECTOR, "Noord"),
    ("bram", Role.CASE_DIRECTOR, "Zuid"),
    ("lead", Role.TEAM_LEAD, "Noord"),
    ("ana", Role.ANALYST, None),
    ("audi", Role.AUDITOR, None),
    ("root", Role.ADMIN, None),
    ("fg", Role.PRIVACY_OFFICER, None),
)


def caseload() -> list[str]:
    return [
        line("w-1", "intake", MINE, "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum", "family": FAMILY}),
        line("w-8", "intake", CHILD, "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum", "family": FAMILY}),
        line("w-2", "return_decision", MINE, "2023-02-01T10:00:00+01:00",
             {"departure_term_days": 28}),
        line("w-3", "location_changed", MINE, "2023-03-02T10:00:00+01:00", {"kind": "detention"}),
        line("w-4", "detention_started", MINE, "2023-03-02T10:00:00+01:00", {"ground": "vw59"}),
        line("w-5", "document_requested", MINE, "2023-01-03T10:00:00+01:00",
             {"reference": "lp-1", "kind": "laissez_passer", "country": "MAR"}),
        intake("w-6", THEIRS, "2023-01-05T10:00:00+01:00", nationality="DZA"),
        intake("w-7", UNASSIGNED, "2023-01-06T10:00:00+01:00"),
    ]  # fmt: skip


@dataclass
class Site:
    url: str
    system: System
    users: dict[str, User]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_site(
    database_url: str,
    *,
    cookie_secure: bool,
    lines: list[str] | None = None,
    port: int | None = None,
    **more: Any,
) -> Iterator[Site]:
    """`lines`: the store's events instead of `caseload()` (a synthetic store, say); `port`:
    a port chosen beforehand (an identity provider must know the callback's address)."""
    system, users = prepared(database_url, cookie_secure=cookie_secure, lines=lines, **more)
    try:
        with serving(system, port) as url:
            yield Site(url, system, users)
    finally:
        system.close()


def prepared(
    database_url: str, *, cookie_secure: bool, lines: list[str] | None = None, **more: Any
) -> tuple[System, dict[str, User]]:
    """The store of the test site (its events, users and assignments), not yet served."""
    settings = Settings(database_url=database_url, work_date=WORK_DATE,
                        cookie_secure=cookie_secure, **more)  # fmt: skip
    return prepared_store(settings, lines)


def prepared_store(
    settings: Settings, lines: list[str] | None = None
) -> tuple[System, dict[str, User]]:
    """The store of `settings` with the caseload (or `lines`), the users and the directors'
    cases assigned; its system, on the real clock from then on."""
    system = bootstrap(settings)
    system.clock = lambda: datetime(2023, 3, 10, 9, 0, tzinfo=UTC)
    summary = ingest_lines(system, caseload() if lines is None else lines)
    assert not summary.rejected, summary.rejected
    users = {name: add_user(system, name, role, team, PASSWORD) for name, role, team in USERS}
    with system.engine.connect() as connection:
        seq_of = {v: seq for seq, v, _ in open_cases(connection)}
    mine = [(seq_of[MINE], MINE), (seq_of[CHILD], CHILD)]
    assign_cases(system, users["lead"], users["anna"], mine)
    assign_cases(system, users["lead"], users["bram"], [(seq_of[THEIRS], THEIRS)])
    system.clock = lambda: datetime.now(UTC)  # sessions expire by the real clock
    return system, users


@contextmanager
def serving(system: System, port: int | None = None) -> Iterator[str]:
    """The app on `system` served on a free loopback port (its lifespan, and so the webhook
    deliverer, runs as in production); its URL."""
    with serving_app(create_app(system), port) as url:
        yield url


class _QuickStop(uvicorn.Server):
    """uvicorn, noticing `should_exit` within 10 ms instead of 100: its loop looks once per
    tenth of a second, and the suite starts and stops some thousand servers. The rest of the
    shutdown (connections, the lifespan and so the webhook deliverer) is uvicorn's own."""

    async def main_loop(self) -> None:
        ticks = 0
        # on_tick refreshes the Date header when given 0: once a second, as uvicorn's loop does.
        while not await self.on_tick(0 if ticks % 100 == 0 else 1):
            await asyncio.sleep(0.01)
            ticks += 1


@contextmanager
def serving_app(app: Any, port: int | None = None) -> Iterator[str]:
    """Any ASGI app served on a free loopback port; its URL."""
    port = port or _free_port()
    server = _QuickStop(uvicorn_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
