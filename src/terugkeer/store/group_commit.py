"""Group commit: appends that arrive while another is being written go together into the next
transaction.

The web server appends from many threads at once (one per partner request), one at a time in
this process. Each transaction has a fixed cost (the writer lock, the id and history look-ups,
the projection statements, the commit's fsync), so partners posting side by side each paid it
for a few hundred events. Instead, the thread that gets the lock writes every batch waiting by
then in one transaction, in the order they arrived; each caller still gets the outcomes of its
own batch by position, and its `also` is written in that same transaction. The events are
judged exactly as if the batches had been appended one after the other in that order.

A caller may say ahead that a batch is coming (`expecting`, while it still parses it): the
caller about to write waits for it, up to `patience` seconds, instead of writing without it.
Requests that arrive together are then written together: with 8 partner connections posting
at once, most of their batches had been written alone or in pairs, because the first to finish
parsing wrote while the others were still parsing (docs/architecture.md, group commit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Extra = TypeVar("Extra")

#: How long a writer waits at most for batches said to be coming (`expecting`). They are being
#: parsed in this process, so they come unless a request fails; the bound only keeps a stuck
#: one from holding everyone back.
PATIENCE_SECONDS = 0.5


@dataclass(eq=False)
class Waiting(Generic[Item, Extra, Result]):
    """One caller's batch, and what became of it."""

    batch: Sequence[Item]
    extra: Extra
    results: list[Result] | None = None
    error: BaseException | None = None
    done: bool = False  # written (or failed) by whichever caller led its group


class Coming:
    """A batch said to be on its way to `GroupCommit.run` (`expecting`)."""

    __slots__ = ("counted",)

    def __init__(self) -> None:
        self.counted = True  # in `_coming` until queued or given up


class GroupCommit(Generic[Item, Extra, Result]):
    def __init__(self, *, patience: float = PATIENCE_SECONDS) -> None:
        #: Held while a transaction is written; callers outside the grouping take it too.
        self.lock = threading.Lock()
        self.patience = patience
        # Guards the queue, `_leading`, `_coming` and each `done` and `counted`.
        self._changed = threading.Condition()
        self._queue: list[Waiting[Item, Extra, Result]] = []
        self._leading = False  # a caller is writing a group (or about to)
        self._coming = 0  # batches said to be coming (`expecting`) and not yet queued

    @contextmanager
    def expecting(self) -> Iterator[Coming]:
        """A batch will be `run` with the token within the block (it is still being read or
        parsed, in any thread): a caller about to write waits for it until it is queued or the
        block ends."""
        coming = Coming()
        with self._changed:
            self._coming += 1
        try:
            yield coming
        finally:  # left without running a batch (refused, empty, failed)
            self.not_coming(coming)

    def not_coming(self, coming: Coming) -> None:
        """The batch of `coming` will not be run after all: nobody waits for it any more."""
        with self._changed:
            self._arrived(coming)

    def _arrived(self, coming: Coming) -> None:
        """The expected batch is queued, or will not come (under `_changed`)."""
        if coming.counted:
            coming.counted = False
            self._coming -= 1
            self._changed.notify_all()

    def run(
        self,
        batch: Sequence[Item],
        extra: Extra,
        write: Callable[[list[Waiting[Item, Extra, Result]]], None],
        *,
        coming: Coming | None = None,
    ) -> list[Result]:
        """Write `batch` with every other batch waiting when the write can start; `write` sets
        each waiting one's `results` (or raises, and every one of them fails). A caller whose
        batch another wrote returns as soon as that write ends, not when it next gets the lock
        (a later transaction may be waiting on another process's lock meanwhile). `coming`:
        the token `expecting` gave for this batch."""
        mine: Waiting[Item, Extra, Result] = Waiting(batch, extra)
        with self._changed:
            self._queue.append(mine)
            if coming is not None:
                self._arrived(coming)
            while self._leading and not mine.done:
                self._changed.wait()
            if not mine.done:
                self._leading = True
                self._await_coming()
                group, self._queue = self._queue, []
        if not mine.done:
            try:
                with self.lock:
                    write(group)
            except BaseException as error:
                for waiting in group:
                    waiting.results, waiting.error = None, error
                raise
            finally:
                with self._changed:
                    for waiting in group:
                        waiting.done = True
                    self._leading = False
                    self._changed.notify_all()
        if mine.error is not None:
            raise mine.error
        assert mine.results is not None
        return mine.results

    def _await_coming(self) -> None:
        """Wait (under `_changed`, which the wait releases) until no batch said to be coming
        is still on its way, or `patience` has passed."""
        deadline = time.monotonic() + self.patience
        while self._coming > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._changed.wait(left)
