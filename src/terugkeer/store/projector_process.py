"""A projector on the other core while a bulk import appends (issue 30, point 2).

The import appends with `store.project = False` and a projector process follows the chain
(store/projector.py); when the import has appended its last batch, it waits until the
projections reach the head, so `terugkeer import` still ends with everything readable. The
projector is only worth its start-up for an import of more than one batch, and a store in
memory cannot be shared with another process: those project inline as before.

Whatever happens to the projector (an error, a SIGKILL), nothing is lost: the projections
are only ever behind, and the importer, the next inline append, or `terugkeer db project`
brings them up (tests/integration/store/test_projector_process.py).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event as StopSignal

from sqlalchemy import Engine

from terugkeer.domain.rules import RulesTable
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projector import Projector

#: Seconds the projector sleeps when it has reached the head and the import goes on.
_IDLE = 0.05


def shareable(engine: Engine) -> bool:
    """Whether another process can open the same store (not a SQLite database in memory)."""
    if engine.dialect.name != "sqlite":
        return True
    database = engine.url.database or ""
    return database not in ("", ":memory:") and engine.url.query.get("mode") != "memory"


@contextmanager
def projector_beside(store: EventStore) -> Iterator[None]:
    """Within: `store` appends without projecting, a projector process projects. On leaving
    (however): the projections are brought up to the head before `store` projects again."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    stop = context.Event()
    url = store.engine.url.render_as_string(hide_password=False)
    process = context.Process(
        target=_follow, args=(url, store.rules, stop), name="terugkeer-projector", daemon=False
    )
    process.start()
    store.project = False
    try:
        yield
    finally:
        stop.set()
        _wait(process, store)
        store.project = True


def _wait(process: multiprocessing.process.BaseProcess, store: EventStore) -> None:
    """Until the projector has caught up and ended; if it died, catch up here instead."""
    process.join()
    if process.exitcode != 0:  # an error or a kill: the projections are behind, never wrong
        Projector(store.engine, store.rules).catch_up()


def _follow(url: str, rules: RulesTable, stop: StopSignal) -> None:
    """The projector process: step while events come; once told to stop (or once the
    importer is gone), catch up with the head and end. It gives way to every other process
    (nice 10): the projections may lag while the writer, pages or the demo's simulator want
    the cores, and it catches up in larger steps, which cost less per event, once one is free."""
    os.nice(10)
    engine = make_engine(url)
    projector = Projector(engine, rules)
    parent = multiprocessing.parent_process()
    try:
        while True:
            ending = stop.is_set() or (parent is not None and not parent.is_alive())
            step = projector.step()
            if step.reached >= step.head:
                if ending:
                    return
                time.sleep(_IDLE)
    except BaseException as error:  # no message: a database error may quote personal data
        print(f"terugkeer projector stopped: {type(error).__name__}", file=sys.stderr)
        sys.exit(1)
    finally:
        engine.dispose()
