"""Group commit: appends that arrive while another is being written go together into the next
transaction.

The web server appends from many threads at once (one per partner request), one at a time in
this process. Each transaction has a fixed cost (the writer lock, the id and history look-ups,
the projection statements, the commit's fsync), so partners posting side by side each paid it
for a few hundred events. Instead, the thread that gets the lock writes every batch waiting by
then in one transaction, in the order they arrived; each caller still gets the outcomes of its
own batch by position, and its `also` is written in that same transaction. The events are
judged exactly as if the batches had been appended one after the other in that order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Extra = TypeVar("Extra")


@dataclass(eq=False)
class Waiting(Generic[Item, Extra, Result]):
    """One caller's batch, and what became of it."""

    batch: Sequence[Item]
    extra: Extra
    results: list[Result] | None = None
    error: BaseException | None = None
    done: bool = False  # written (or failed) by whichever caller led its group


class GroupCommit(Generic[Item, Extra, Result]):
    def __init__(self) -> None:
        #: Held while a transaction is written; callers outside the grouping take it too.
        self.lock = threading.Lock()
        self._changed = threading.Condition()  # guards the queue, `_leading` and each `done`
        self._queue: list[Waiting[Item, Extra, Result]] = []
        self._leading = False  # a caller is writing a group (or about to)

    def run(
        self,
        batch: Sequence[Item],
        extra: Extra,
        write: Callable[[list[Waiting[Item, Extra, Result]]], None],
    ) -> list[Result]:
        """Write `batch` with every other batch waiting when the write can start; `write` sets
        each waiting one's `results` (or raises, and every one of them fails). A caller whose
        batch another wrote returns as soon as that write ends, not when it next gets the lock
        (a later transaction may be waiting on another process's lock meanwhile)."""
        mine: Waiting[Item, Extra, Result] = Waiting(batch, extra)
        with self._changed:
            self._queue.append(mine)
            while self._leading and not mine.done:
                self._changed.wait()
            if not mine.done:
                self._leading = True
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
