"""Intake pauses the cyclic garbage collector and leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.importing.service import import_lines
from terugkeer.rules.loader import load_rules
from terugkeer.store import collector
from terugkeer.store.collector import collector_paused
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema


def test_the_collector_is_paused_inside_and_as_it_was_afterwards() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested (another thread's append): still paused after
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # someone who turned it off keeps it off
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_import_runs_without_collections_and_leaves_the_collector_on(tmp_path: object) -> None:
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    engine = make_engine(f"sqlite:///{tmp_path}/store.db")
    ensure_schema(engine)
    lines = list(synthetic_lines(3000, seed=1))
    gc.callbacks.append(seen)
    try:
        summary = import_lines(lines, EventStore(engine, load_rules()), batch_size=500)
    finally:
        gc.callbacks.remove(seen)
        engine.dispose()
    assert summary.accepted == 3000
    # Without the pause these 3,000 events set off dozens of collections; with it, at most the
    # one that runs when the collector is on again.
    assert len(collections) <= 1
    assert gc.isenabled()


def test_pauses_overlapping_in_threads_leave_the_collector_on() -> None:
    """Pauses that start and end in other threads at any moment never leave it off."""
    import sys
    import threading

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the race shows at once
    stop = threading.Event()

    def pause_again_and_again() -> None:
        while not stop.is_set():
            with collector_paused():
                pass

    threads = [threading.Thread(target=pause_again_and_again) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        stop.wait(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        sys.setswitchinterval(switch)
    assert gc.isenabled()


def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector's counts as in a new process, whatever the tests before did."""
    for name, value in (("_settled", 0), ("_grown", 0), ("_collected", 0.0)):
        monkeypatch.setattr(collector, name, value)


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_a_pause_over_a_large_cache_freezes_it_and_collects_once_the_heap_doubled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    _fresh(monkeypatch)
    monkeypatch.setattr(collector, "INTERVAL", 0.0)  # no time since the last full collection

    gc.collect()
    before = gc.get_freeze_count()
    try:
        with collector_paused(keep=True):
            kept = [[i] for i in range(1000)]  # the cache: long-lived containers
            cycle = _Node()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(kept)  # frozen, not collected
        dead = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert dead() is not None  # frozen garbage waits for the heap to double ...
        heap = len(gc.get_objects()) + gc.get_freeze_count()
        with collector_paused(keep=True):  # ... which this pause makes it do
            kept += [[i] for i in range(heap + 100_000)]
        assert dead() is not None  # not as that pause ends (a command may be about to exit)
        with collector_paused():
            assert dead() is None  # ... but as the next one begins
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_pause_over_a_small_cache_leaves_the_collector_as_it_was() -> None:
    before = gc.get_freeze_count()
    with collector_paused(), collector_paused():
        pass
    assert gc.get_freeze_count() == before and gc.isenabled()


def test_full_collections_of_the_frozen_heap_are_spaced_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    _fresh(monkeypatch)
    monkeypatch.setattr(collector, "INTERVAL", 1e9)  # the last full collection was just now
    try:
        with collector_paused(keep=True):
            cycle = _Node()
        dead = weakref.ref(cycle)
        del cycle
        heap = len(gc.get_objects()) + gc.get_freeze_count()
        with collector_paused(keep=True):
            kept = [[i] for i in range(heap + 100_000)]
        with collector_paused():
            pass
        assert kept and dead() is not None  # doubled, but too soon: still frozen
    finally:
        gc.unfreeze()
        gc.collect()
