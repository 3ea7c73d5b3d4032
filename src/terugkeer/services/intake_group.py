"""Partner batches posted at the same time, appended in one transaction.

The event store groups appends that queue while another is written (store/group_commit.py),
but partners' requests that arrive together reach the store one by one as each is parsed: the
first to finish parsing was written alone while the others still parsed, and a round of 8
batches took two or three transactions, each deriving its persons' projections again. Here a
request says it is coming as soon as its body is read (`coming`), and the one about to write
waits for the others to be parsed (at most group_commit.PATIENCE_SECONDS), then appends them
all in one `store.append`. Each request still gets its own outcomes by position, and its
access-log rows are written in that transaction in its own context (their request id).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from weakref import WeakKeyDictionary

from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.chain_events import ParsedLine
from terugkeer.store.event_store import Also, Appended, EventStore
from terugkeer.store.group_commit import Coming, GroupCommit, Waiting

#: A request's `also`, and the context it runs in wherever the group is written.
Extra = tuple[Also, contextvars.Context]
Group = GroupCommit[ParsedLine, Extra, Appended]

_groups: WeakKeyDictionary[EventStore, Group] = WeakKeyDictionary()
_making = threading.Lock()


def _group_of(store: EventStore) -> Group:
    with _making:
        found = _groups.get(store)
        if found is None:
            found = _groups[store] = GroupCommit()
        return found


def coming(system: System) -> AbstractContextManager[Coming]:
    """Within the block a batch is prepared (read, parsed) for `append_together` with the
    token: a request about to write waits for it."""
    return _group_of(system.store).expecting()


def not_coming(system: System, token: Coming) -> None:
    """The batch of `token` will not be appended (refused, nothing to store): a request about
    to write stops waiting for it now, before this one writes its log rows on its own."""
    _group_of(system.store).not_coming(token)


def append_together(
    store: EventStore, batch: Sequence[ParsedLine], also: Also, token: Coming | None
) -> list[Appended]:
    """`store.append(batch, also=also)`, in one transaction with the batches of other requests
    that are queued or coming meanwhile."""
    extra = (also, contextvars.copy_context())
    return _group_of(store).run(batch, extra, lambda group: _write(store, group), coming=token)


def _write(store: EventStore, group: list[Waiting[ParsedLine, Extra, Appended]]) -> None:
    def each(connection: Connection, results: list[Appended]) -> None:
        start = 0
        for waiting in group:
            end = start + len(waiting.batch)
            waiting.results, start = results[start:end], end
            also, context = waiting.extra
            context.run(also, connection, waiting.results)

    store.append([line for waiting in group for line in waiting.batch], also=each)
