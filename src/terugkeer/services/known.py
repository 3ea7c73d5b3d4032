"""Any report "as known on" a moment (issue 11): the system itself, or a view of it on a
scratch copy of the events it had recorded by then (store/as_of.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from terugkeer.bootstrap import System
from terugkeer.store.as_of import known_at


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
