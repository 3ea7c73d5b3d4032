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


class GroupCommit(Generic[Item, Extra, Result]):
    def __init__(self) -> None:
        #: Held while a transaction is written; callers outside the grouping take it too.
        self.lock = threading.Lock()
        self._guard = threading.Lock()  # for the queue
        self._queue: list[Waiting[Item, Extra, Result]] = []

    def run(
        self,
        batch: Sequence[Item],
        extra: Extra,
        write: Callable[[list[Waiting[Item, Extra, Result]]], None],
    ) -> list[Result]:
        """Write `batch` with every other batch waiting when the lock comes free; `write`
        sets each waiting one's `results` (or raises, and every one of them fails)."""
        mine: Waiting[Item, Extra, Result] = Waiting(batch, extra)
        with self._guard:
            self._queue.append(mine)
        with self.lock:
            if mine.results is None and mine.error is None:  # nobody wrote it meanwhile
                with self._guard:
                    group, self._queue = self._queue, []
                try:
                    write(group)
                except BaseException as error:
                    for waiting in group:
                        waiting.results, waiting.error = None, error
                    raise
        if mine.error is not None:
            raise mine.error
        assert mine.results is not None
        return mine.results
