"""Pausing Python's cyclic garbage collector while events are taken in.

Intake keeps hundreds of thousands of events in memory (the person histories, the projection
rows last written, the folded case states: store/event_store.py). Each full collection of the
cyclic collector walks all of them, and intake allocates so many objects that it ran one every
few thousand events: a third of a year's import went to it (measured: 9.8 s of 27.7 s for the
first 200,000 lines of a simulated year, with `gc.callbacks`). What intake allocates is freed
by reference counting (it makes no cycles), so the collector has nothing to find there; it runs
again as soon as the pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Pauses overlap between threads (the server parses a request while another appends): one
# count of open pauses, so that the first turns the collector off and the last turns it on
# again. Reading gc.isenabled() per pause instead raced: a pause starting while another ended
# could find it off, and then no one turned it on again.
_guard = threading.Lock()
_open = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; when the last open pause ends, the collector is as the
    first one found it."""
    global _open, _was_enabled
    with _guard:
        if _open == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _guard:
            _open -= 1
            if _open == 0 and _was_enabled:
                gc.enable()
