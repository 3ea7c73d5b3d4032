"""Pausing Python's cyclic garbage collector while events are taken in.

Intake keeps hundreds of thousands of events in memory (the person histories, the projection
rows last written, the folded case states: store/event_store.py). Each full collection of the
cyclic collector walks all of them, and intake allocates so many objects that it ran one every
few thousand events: a third of a year's import went to it (measured: 9.8 s of 27.7 s for the
first 200,000 lines of a simulated year, with `gc.callbacks`). What intake allocates is freed
by reference counting (it makes no cycles), so the collector has nothing to find there.

A pause that holds a large cache ends by moving what is left into the collector's permanent
generation (`gc.freeze`) instead of turning the collector on over it, which scanned the cache
young, then middle-aged, then old: the API server spent 1.5 s of 13.8 s of `bench api` so
(`gc.callbacks`), 0.34 s after. Frozen objects are still freed by reference counting; only a
reference cycle among them would wait, so one full collection runs over all of it when the
frozen heap has doubled since the last, but at most every 30 seconds (the collector's own rule
for its oldest generation is a growth of 25%; collecting at every doubling still took 6.6% of
the API server's time, py-spy). It runs as the next pause begins, not as one ends: a command
that imports a file and exits never pays for it (1.2 s after 200,000 lines). A small cache (a
test's store, a page's action) leaves the collector as it was.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Pauses overlap between threads (the server parses a request while another appends): one
# count of open pauses, so that the first turns the collector off and the last turns it on
# again. Reading gc.isenabled() per pause instead raced: a pause starting while another ended
# could find it off, and then no one turned it on again.
_guard = threading.RLock()  # re-entrant: a finalizer the full collection runs may pause too
_open = 0
_was_enabled = False
_keep = False  # an open pause holds a large cache: freeze at the end
#: Objects left by the last full collection, and those frozen since (the doubling rule), the
#: latter from the collector's allocation count, which freezing resets (gc.get_freeze_count()
#: walks the whole frozen heap on every call).
_settled = 0
_grown = 0
#: Below this many objects a full collection is cheap: no need to wait for a doubling.
_SMALL = 100_000
#: Seconds at least between two full collections, and when the last one ran.
INTERVAL = 30.0
_collected = 0.0
_collecting = threading.Lock()  # one full collection at a time


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside; when the last open pause ends, the collector is as the
    first one found it. `keep`: the pause leaves a large, long-lived cache (frozen at the end
    instead of collected)."""
    global _open, _was_enabled, _keep
    _collect_if_due()
    with _guard:
        if _open == 0:
            _was_enabled, _keep = gc.isenabled(), False
            gc.disable()
        _open += 1
        _keep = _keep or keep
    try:
        yield
    finally:
        with _guard:
            _open -= 1
            if _open == 0 and _was_enabled:
                if _keep:
                    _freeze()
                gc.enable()


def _freeze() -> None:
    global _grown
    _grown += gc.get_count()[0]
    gc.freeze()


def _collect_if_due() -> None:
    """One full collection over the frozen heap, when it has doubled and is due. Outside
    `_guard`, so that pauses in other threads do not wait the second it takes; one thread at
    a time, and not when someone else turned the collector off."""
    global _settled, _grown, _collected
    if _grown <= max(_settled, _SMALL) or time.monotonic() - _collected < INTERVAL:
        return
    if (_open == 0 and not gc.isenabled()) or not _collecting.acquire(blocking=False):
        return
    try:
        # First: a pause that a finalizer of this collection opens finds nothing due.
        _grown, _collected = 0, time.monotonic()
        gc.unfreeze()
        gc.collect()
        _settled = len(gc.get_objects())
        gc.freeze()
    finally:
        _collecting.release()
