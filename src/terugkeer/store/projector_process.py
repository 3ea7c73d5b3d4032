"""A projector on the other core while a bulk import appends (issue 30, point 2).

The import appends with `store.project = False` and a projector process follows the chain
(store/projector.py); when the import has appended its last batch, it waits until the
projections reach the head, so `terugkeer import` still ends with everything readable. The
projector is only worth its start-up for an import of more than one batch, and a store in
memory cannot be shared with another process: those project inline as before.

Whatever happens to the projector (an error, a SIGKILL), nothing is lost: the projections
are only ever behind, and the importer, the next inline append, or `terugkeer db project`
brings them up (tests/integration/store/test_projector_process.py).

The web server runs one beside it too (`projector_serving`, issue 30 point 3): the partner
intake appends without projecting (`EventStore.beside`) and reads wait for the projections to
reach what they read (services/known.py). One that dies is started again; meanwhile the
intake projects inline once the projections are too far behind (event_store.BESIDE_MAX_LAG),
and a page's action always does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event as StopSignal

from sqlalchemy import URL, make_url

from terugkeer.domain.rules import RulesTable
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.projector import Projector

#: Seconds the projector sleeps when it has reached the head and the import goes on.
_IDLE = 0.05

#: Seconds before a server's projector that stopped is started again (not at once: a store
#: that cannot be opened would otherwise be tried in a tight loop).
RESTART_SECONDS = 1.0

#: Seconds a server that stops gives its projector to catch up before it is stopped anyway
#: (the projections are then behind, never wrong: the next write or `db project` catches up).
CATCH_UP_SECONDS = 30.0

_log = logging.getLogger(__name__)


def shareable(url: URL) -> bool:
    """Whether another process can open the store at `url` (not a SQLite database in memory)."""
    if url.get_backend_name() != "sqlite":
        return True
    database = url.database or ""
    return database not in ("", ":memory:") and url.query.get("mode") != "memory"


@contextmanager
def projector_beside(store: EventStore) -> Iterator[None]:
    """Within: `store` appends without projecting, a projector process projects. On leaving
    (however): the projections are brought up to the head before `store` projects again."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    stop = context.Event()
    url = store.engine.url.render_as_string(hide_password=False)
    process = context.Process(
        target=_follow, args=(url, store.rules, stop, 10), name="terugkeer-projector",
        daemon=False,
    )  # fmt: skip
    process.start()
    store.project = False
    try:
        yield
    finally:
        stop.set()
        _wait(process, store)
        store.project = True


@contextmanager
def projector_serving(
    url: str, rules: RulesTable, *, niceness: int = 10
) -> Iterator[_Keeper | None]:
    """Within: a projector process follows the chain beside a web server (its own process, or
    `terugkeer serve --workers`' supervisor), started again whenever it stops; on leaving, it
    catches up and ends (at most CATCH_UP_SECONDS). The caller tells the stores that write
    (`EventStore.beside`). A store in memory cannot be shared: nothing is started."""
    if not shareable(make_url(url)):
        yield None
        return
    keeper = _Keeper(url, rules, niceness)
    keeper.start()
    try:
        yield keeper
    finally:
        keeper.stop()


class _Keeper(threading.Thread):
    """Keeps one projector process running until told to stop. This thread alone waits for
    and signals the process (two waiters on one child could see it reaped, and signal a pid
    already taken by another process)."""

    def __init__(self, url: str, rules: RulesTable, niceness: int) -> None:
        super().__init__(name="terugkeer-projector-keeper", daemon=True)
        self._url, self._rules, self._niceness = url, rules, niceness
        self._context = multiprocessing.get_context("spawn")
        self._stopping = threading.Event()
        self._pid: int | None = None

    @property
    def pid(self) -> int | None:
        return self._pid

    def run(self) -> None:
        while not self._stopping.is_set():
            told = self._context.Event()
            process = self._context.Process(
                target=_follow, args=(self._url, self._rules, told, self._niceness),
                name="terugkeer-projector", daemon=False,
            )  # fmt: skip
            try:
                process.start()
            except Exception as error:  # no message: it may quote the store's URL
                _log.warning("the projector could not be started (%s); tried again in %.0f s",
                             type(error).__name__, RESTART_SECONDS)  # fmt: skip
                self._stopping.wait(RESTART_SECONDS)
                continue
            self._pid = process.pid
            while process.is_alive() and not self._stopping.wait(_IDLE):
                pass
            if self._stopping.is_set():
                self._end(process, told)
                return
            process.join()
            # No message of the process's own: it may quote personal data (see `_follow`).
            _log.warning(
                "the projector stopped (exit code %s); it is started again in %.0f s",
                process.exitcode, RESTART_SECONDS,
            )  # fmt: skip
            self._stopping.wait(RESTART_SECONDS)

    @staticmethod
    def _end(process: multiprocessing.process.BaseProcess, told: StopSignal) -> None:
        """Told to stop: it catches up and ends; after CATCH_UP_SECONDS it is stopped anyway,
        and killed if a SIGTERM does not end it (one held by SIGSTOP, say)."""
        told.set()
        process.join(CATCH_UP_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join(5)
        if process.is_alive():
            process.kill()
            process.join()

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def _wait(process: multiprocessing.process.BaseProcess, store: EventStore) -> None:
    """Until the projector has caught up and ended; if it died, catch up here instead."""
    process.join()
    if process.exitcode != 0:  # an error or a kill: the projections are behind, never wrong
        Projector(store.engine, store.rules).catch_up()


def _follow(url: str, rules: RulesTable, stop: StopSignal, niceness: int) -> None:
    """The projector process: step while events come; once told to stop (or once the
    importer is gone), catch up with the head and end. It gives way to every other process
    (nice 10): the projections may lag while the writer, pages or the demo's simulator want
    the cores, and it catches up in larger steps, which cost less per event, once one is free."""
    os.nice(niceness)
    # Ctrl-C in a terminal reaches the whole process group: the server (or the import) tells
    # this process to stop, so that it catches up first, instead of dying half-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
