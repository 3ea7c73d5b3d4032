"""When each simulated event reaches the agency: its sender's usual delay (`[reporting]` in
base.toml), so that a simulated store can be imported in arrival order on a simulated clock.

The draws come from a generator of their own, seeded from the run's seed, over the feed in
its order: the events and every figure computed from when they occurred stay exactly those of
the simulation. A person's messages never overtake one another (each arrives no earlier than
the one before it): a real partner can send out of order, but a simulated history must import
whole, and the store judges a person's events in the order they come.
"""

from __future__ import annotations

import math
import random
from array import array
from datetime import UTC, datetime
from pathlib import Path
from statistics import NormalDist

from terugkeer.simulation.params import Reporting
from terugkeer.simulation.replications import head_of

_NORMAL = NormalDist()
#: A delay within a day stays under it: a day or more late is the `late_share`'s part.
_WITHIN_A_DAY = 23.5 * 3600


class Delays:
    """Draws a delay in seconds for an event of a sender."""

    def __init__(self, reporting: Reporting, seed: int) -> None:
        self._median = {
            source: value.value * 3600 for source, value in reporting.median_hours.items()
        }
        self._other = self._median.get("other", 8 * 3600)
        self._spread = reporting.spread.value
        self._late_share = reporting.late_share.value
        self._late_mean = reporting.late_days_mean.value * 86_400
        self._rng = random.Random(f"{seed}:arrivals")

    def seconds(self, source: str) -> float:
        rng = self._rng
        if rng.random() < self._late_share:
            return 86_400 + rng.expovariate(1 / self._late_mean)
        z = _NORMAL.inv_cdf(min(max(rng.random(), 1e-9), 1 - 1e-9))
        median = self._median.get(source, self._other)
        return min(median * math.exp(self._spread * z), _WITHIN_A_DAY)


def arrivals(feed: Path, reporting: Reporting, seed: int) -> array[float]:
    """The arrival of each line of `feed` (UTC seconds since the epoch), in the feed's order."""
    delays = Delays(reporting, seed)
    latest: dict[str, float] = {}  # per V-number: when its previous message arrived
    found = array("d")
    with feed.open("rb") as lines:
        for line in lines:
            _, v_number, occurred_at = head_of(line)
            occurred = datetime.fromisoformat(occurred_at).timestamp()
            arrives = max(occurred + delays.seconds(source_of(line)), latest.get(v_number, 0.0))
            latest[v_number] = arrives
            found.append(arrives)
    return found


def source_of(line: bytes) -> str:
    """The sender of a simulator line (simulation/emit.py writes `"source":"X"` after the
    head; none of its values holds that text)."""
    start = line.index(b'"source":"') + 10
    return line[start : line.index(b'"', start)].decode("ascii")


def in_arrival_order(
    feed: Path, out: Path, reporting: Reporting, seed: int, *, now: datetime
) -> dict[str, datetime]:
    """Write the lines of `feed` that arrived by `now` to `out`, in the order they arrived
    (a person's in their own order); return each kept event's arrival by its id. What had not
    arrived by `now` is not known yet, so it is left out, as a store would not have it."""
    times = arrivals(feed, reporting, seed)
    cutoff = now.timestamp()
    order = sorted((i for i, t in enumerate(times) if t <= cutoff), key=lambda i: (times[i], i))
    with feed.open("rb") as stream:
        lines = stream.readlines()
    arrived: dict[str, datetime] = {}
    with out.open("wb") as kept:
        for index in order:
            line = lines[index]
            kept.write(line)
            arrived[id_of(line)] = datetime.fromtimestamp(times[index], UTC)
    return arrived


def id_of(line: bytes) -> str:
    start = line.index(b'"id":"') + 6
    return line[start : line.index(b'"', start)].decode("ascii")
