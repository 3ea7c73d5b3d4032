"""Where an intake's time goes, stage by stage, for `terugkeer bench import`.

A profiler slows the Python parts of an import several times and the C parts (SQLite, JSON,
SHA-256) not at all, so its shares mislead; two clock reads per stage per batch cost nothing
measurable. One thread at a time: laps of threads interleaving would be attributed wrongly, so
only the single-threaded import turns it on.
"""

from __future__ import annotations

from time import perf_counter

#: The stages, in the order an event passes them.
PARSE = "parse and validate"
LOOK_UP = "look up ids and histories"
JUDGE = "judge, pseudonymise, hash"
WRITE_EVENTS = "write events"
DERIVE = "derive projections"
WRITE_PROJECTIONS = "write projections"
COMMIT = "commit"
STAGES = (PARSE, LOOK_UP, JUDGE, WRITE_EVENTS, DERIVE, WRITE_PROJECTIONS, COMMIT)


class Stopwatch:
    """Seconds per stage. `start` marks the beginning of a timed stretch; each `lap` adds the
    time since the previous mark to its stage. Off (the default in a store), both do nothing."""

    def __init__(self, *, on: bool = True) -> None:
        self.on = on
        self.seconds: dict[str, float] = {}
        self._mark = 0.0

    def start(self) -> None:
        if self.on:
            self._mark = perf_counter()

    def lap(self, stage: str) -> None:
        if self.on:
            now = perf_counter()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._mark
            self._mark = now
