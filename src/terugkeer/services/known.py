"""Any report "as known on" a moment (issue 11): the system itself, or a view of it on a
scratch copy of the events it had recorded by then (store/as_of.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Connection, select

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import last_instant
from terugkeer.store.as_of import known_at
from terugkeer.store.projector import head_seq, projected_seq
from terugkeer.store.tables import chain_head
from terugkeer.store.users import utc_text


@dataclass(frozen=True, slots=True)
class Known:
    """What a view "as known at a moment" rests on: the moment, the events the store had
    recorded by then, and how many it recorded after it (which the view leaves out)."""

    moment: datetime
    recorded: int
    recorded_later: int


@contextmanager
def as_known(system: System, known_by: str | None) -> Iterator[System]:
    """`system` when `known_by` is None; else the same system on the events recorded at or
    before `known_by` (a `recorded_at` value), for reading only, removed afterwards."""
    if known_by is None:
        yield system
        return
    moment = datetime.fromisoformat(known_by.replace("Z", "+00:00"))
    with known_at(system.engine, known_by, system.rules) as scratch:
        # Its today is the moment's: a Dublin deadline after it had not expired yet then.
        yield replace(system, engine=scratch, clock=lambda: moment, _store=None)


def known_by_end_of(day: date) -> str:
    """The `recorded_at` bound of "as known on `day`": the end of that day in Europe/Amsterdam."""
    return utc_text(last_instant(day))


def known_of(system: System, seen: System, known_by: str) -> Known:
    """The `Known` of `seen`, a view of `system` as known by `known_by`."""
    with seen.engine.connect() as then, system.engine.connect() as now:
        recorded = then.execute(select(chain_head.c.last_seq)).scalar() or 0
        head = now.execute(select(chain_head.c.last_seq)).scalar() or 0
    moment = datetime.fromisoformat(known_by.replace("Z", "+00:00"))
    return Known(moment, recorded, head - recorded)


@dataclass(frozen=True, slots=True)
class Reflected:
    """How far what a page reads reaches: the projections reflect the chain up to seq
    `projected` of `head` (a bulk import's projector may be behind: store/projector.py)."""

    projected: int
    head: int

    @property
    def behind(self) -> int:
        return self.head - self.projected


def reflected(connection: Connection) -> Reflected:
    return Reflected(projected_seq(connection), head_seq(connection))


#: How long a read waits at most for the projections to reach what it reads; then it answers
#: from what they reflect, and says how far behind that is (issue 30: "says so if they cannot
#: within a second").
WAIT_SECONDS = 1.0

#: How often a waiting read looks again.
LOOK = 0.005


def awaited(system: System) -> Reflected:
    """Once the projections reflect every event recorded before the read began: a projector
    beside the server, or a bulk import's, may be behind (store/projector.py). Waits at most
    WAIT_SECONDS; `behind` of the answer is what the projections still lack of those events
    then (0: the read sees every write that came before it). It waits for the whole chain,
    not for one person's last event: how long a read of a person waited must not tell whether
    anyone recorded anything about that person (a partner is told the same about a person it
    may not see as about one nobody knows). `awaiting` and `looked_again` are its two steps,
    for a caller that waits without holding a thread (the API)."""
    found = awaiting(system)
    deadline = time.monotonic() + WAIT_SECONDS
    while found.behind > 0 and time.monotonic() < deadline:
        time.sleep(LOOK)
        found = looked_again(system, found)
    return found


def awaiting(system: System) -> Reflected:
    """How far the projections reach now, of the head a read waits for."""
    with system.engine.connect() as connection:
        return reflected(connection)


def looked_again(system: System, found: Reflected) -> Reflected:
    """`found` with the projections' reach now (the head waited for stays)."""
    with system.engine.connect() as connection:
        return Reflected(projected_seq(connection), found.head)
