"""Group commit: batches that wait while one is written go together into the next write, each
caller gets back its own results, and a failed write fails every caller of it."""

from __future__ import annotations

import threading
import time

import pytest

from terugkeer.store.group_commit import GroupCommit, Waiting

Group = list[Waiting[int, str, int]]


def started(target: object, *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args)  # type: ignore[arg-type]
    thread.start()
    return thread


def wait_until_queued(group: GroupCommit[int, str, int], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(group._queue) < count:  # the test waits for the callers to queue
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.001)


def test_batches_waiting_for_a_write_go_together_and_each_gets_its_own_results() -> None:
    group: GroupCommit[int, str, int] = GroupCommit()
    writes: list[list[str]] = []
    first_in = threading.Event()
    release = threading.Event()

    def write(waiting: Group) -> None:
        writes.append([w.extra for w in waiting])
        if len(writes) == 1:
            first_in.set()
            release.wait(10)
        for w in waiting:
            w.results = [item * 10 for item in w.batch]

    results: dict[str, list[int]] = {}

    def call(name: str, batch: list[int]) -> None:
        results[name] = group.run(batch, name, write)

    threads = [started(call, "a", [1, 2])]
    assert first_in.wait(10)
    threads += [started(call, name, [n, n + 1]) for name, n in (("b", 3), ("c", 5), ("d", 7))]
    wait_until_queued(group, 3)
    release.set()
    for thread in threads:
        thread.join(10)
    assert writes[0] == ["a"]
    assert sorted(writes[1]) == ["b", "c", "d"] and len(writes) == 2  # one write for the three
    assert results == {"a": [10, 20], "b": [30, 40], "c": [50, 60], "d": [70, 80]}


def test_a_failed_write_fails_every_batch_in_it_and_the_next_ones_go_on() -> None:
    group: GroupCommit[int, str, int] = GroupCommit()
    first_in = threading.Event()
    release = threading.Event()
    calls = 0

    def write(waiting: Group) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # holds the lock while b and c queue
            first_in.set()
            release.wait(10)
        if calls == 2:  # b and c together
            raise OSError("disk full")
        for w in waiting:
            w.results = list(w.batch)

    outcomes: dict[str, str] = {}

    def call(name: str) -> None:
        try:
            outcomes[name] = str(group.run([1], name, write))
        except OSError as error:
            outcomes[name] = str(error)

    threads = [started(call, "a")]
    assert first_in.wait(10)
    threads += [started(call, "b"), started(call, "c")]
    wait_until_queued(group, 2)
    release.set()
    for thread in threads:
        thread.join(10)
    assert outcomes == {"a": "[1]", "b": "disk full", "c": "disk full"}
    assert group.run([4, 5], "e", write) == [4, 5]  # the lock was given back


@pytest.mark.parametrize("callers", [8])
def test_many_callers_at_once_each_get_results_for_exactly_their_batch(callers: int) -> None:
    group: GroupCommit[int, str, int] = GroupCommit()
    sizes: list[int] = []

    def write(waiting: Group) -> None:
        sizes.append(len(waiting))
        time.sleep(0.002)  # a transaction takes a while: others queue meanwhile
        for w in waiting:
            w.results = [-item for item in w.batch]

    got: dict[int, list[list[int]]] = {i: [] for i in range(callers)}

    def call(index: int) -> None:
        for round_ in range(20):
            batch = [index * 1000 + round_ * 10 + k for k in range(3)]
            assert group.run(batch, str(index), write) == [-item for item in batch]
            got[index].append(batch)

    threads = [started(call, i) for i in range(callers)]
    for thread in threads:
        thread.join(30)
    assert all(len(batches) == 20 for batches in got.values())
    assert sum(sizes) == callers * 20  # every batch written once


def test_a_caller_whose_batch_was_written_returns_while_a_later_write_runs() -> None:
    """W's batch goes with L's; W returns when that write ends, even though M's write (which
    may wait long on another process's lock) has started meanwhile."""
    group: GroupCommit[int, str, int] = GroupCommit()
    order: list[str] = []
    first_in, release_first = threading.Event(), threading.Event()
    later_in, release_later = threading.Event(), threading.Event()
    returned: dict[str, threading.Event] = {"w": threading.Event()}

    def write(waiting: Group) -> None:
        names = sorted(w.extra for w in waiting)
        order.append(",".join(names))
        if names == ["x"]:
            first_in.set()
            release_first.wait(10)
        if names == ["m"]:
            later_in.set()
            release_later.wait(10)  # held until the test has seen W return (or gives up)
        for w in waiting:
            w.results = list(w.batch)

    def call(name: str) -> None:
        group.run([1], name, write)
        if name in returned:
            returned[name].set()

    threads = [started(call, "x")]
    assert first_in.wait(10)
    threads += [started(call, "l"), started(call, "w")]
    wait_until_queued(group, 2)
    release_first.set()  # l and w are written together
    deadline = time.monotonic() + 10
    while "l,w" not in order:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    threads.append(started(call, "m"))
    assert later_in.wait(10) or returned["w"].is_set()
    try:
        assert returned["w"].wait(5), "w waited for m's write although its batch was stored"
    finally:
        release_later.set()
        for thread in threads:
            thread.join(10)


def _leading_alone(group: GroupCommit[int, str, int]) -> None:
    """Wait until a caller leads a group and waits (for a batch said to be coming)."""
    deadline = time.monotonic() + 10
    while not group._leading:  # the test waits for the caller to lead
        assert time.monotonic() < deadline, "no caller led"
        time.sleep(0.001)


def test_a_writer_waits_for_a_batch_said_to_be_coming_and_writes_both_together() -> None:
    """Requests posted together: the one parsed first does not write alone while the other is
    still being parsed."""
    group: GroupCommit[int, str, int] = GroupCommit(patience=60)
    writes: list[list[str]] = []

    def write(waiting: Group) -> None:
        writes.append([w.extra for w in waiting])
        for w in waiting:
            w.results = [item * 10 for item in w.batch]

    results: dict[str, list[int]] = {}
    announced, parsed = threading.Event(), threading.Event()

    def coming() -> None:
        with group.expecting() as token:
            announced.set()
            assert parsed.wait(10)  # "parsing" until the test says it is done
            results["b"] = group.run([2], "b", write, coming=token)

    def call() -> None:
        results["a"] = group.run([1], "a", write)

    threads = [started(coming)]
    assert announced.wait(10)
    threads.append(started(call))
    _leading_alone(group)
    assert writes == []  # a leads, and has not written without b
    parsed.set()
    for thread in threads:
        thread.join(10)
    assert writes == [["a", "b"]]
    assert results == {"a": [10], "b": [20]}


def test_a_batch_said_to_be_coming_that_never_comes_does_not_hold_the_writer() -> None:
    """A request refused after it was announced (403, nothing to store) leaves its block:
    the writer goes on at once, not after its patience."""
    group: GroupCommit[int, str, int] = GroupCommit(patience=600)
    writes: list[list[str]] = []

    def write(waiting: Group) -> None:
        writes.append([w.extra for w in waiting])
        for w in waiting:
            w.results = list(w.batch)

    announced, refused = threading.Event(), threading.Event()

    def coming() -> None:
        with group.expecting():
            announced.set()
            assert refused.wait(10)

    threads = [started(coming)]
    assert announced.wait(10)
    done = threading.Event()
    threads.append(started(lambda: (group.run([1], "a", write), done.set())))
    _leading_alone(group)
    refused.set()
    assert done.wait(10), "the writer kept waiting for a batch that was not coming"
    for thread in threads:
        thread.join(10)
    assert writes == [["a"]]


def test_a_writer_waits_for_a_coming_batch_no_longer_than_its_patience() -> None:
    """One stuck request does not hold everyone back: past the patience, the writer writes
    what it has."""
    group: GroupCommit[int, str, int] = GroupCommit(patience=0.01)
    writes: list[list[str]] = []

    def write(waiting: Group) -> None:
        writes.append([w.extra for w in waiting])
        for w in waiting:
            w.results = list(w.batch)

    with group.expecting():  # never comes while the writer writes
        assert group.run([1], "a", write) == [1]
    assert writes == [["a"]]
    assert group.run([2], "b", write) == [2]  # nothing is said to be coming any more
