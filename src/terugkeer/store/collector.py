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
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; afterwards the collector is as it was. Threads may nest
    pauses: the outermost one that found it enabled enables it again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
