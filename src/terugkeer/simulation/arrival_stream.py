"""The demo's feed in arrival order while the simulator still runs: the lines and order that
`persons_of_the_year` and then `in_arrival_order` give over the finished feed, handed out as
soon as nothing the simulator can still write could arrive before them.

Two facts make this possible:
- The simulator writes in time order (model.py), so once its clock is at t, no line it writes
  later occurred — nor, so, arrived — before t.
- Who counts from the first full year (`persons_of_the_year`) is known once the clock passes
  the day before that year, for all but a few: whoever has a line from then on counts, and so
  does whoever's case is still open then; someone whose case closed before it counts only when
  they come back later, which the model decides when they leave (`World.returning`).

The prediction is checked when the feed ends (`finish`): `exact` False means the handed-out
lines are not those of the finished feed, and the caller builds from the whole feed instead.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from terugkeer.domain.events import CLOSING_TYPES
from terugkeer.simulation.arrival import Delays, source_of
from terugkeer.simulation.params import Reporting
from terugkeer.simulation.replications import head_of

#: A line handed out: when it arrived (UTC seconds since the epoch) and the line itself.
Arrived = tuple[float, bytes]


class ArrivalStream:
    """Takes the simulator's lines in its order (`add`), learns who will come back once its
    clock has passed the day before `first` (`decide`), and hands out what has arrived
    (`release`, `finish`). `cutoff`: the moment of the build; what arrives later is left out."""

    def __init__(self, reporting: Reporting, seed: int, first: date, *, cutoff: float) -> None:
        self._since = (first - timedelta(days=1)).isoformat()  # as persons_of_the_year
        self._delays = Delays(reporting, seed)  # drawn over the kept lines in feed order
        self._cutoff = cutoff
        self._last: dict[str, tuple[str, str]] = {}  # every person: (latest occurred_at, type)
        self._waiting: list[tuple[bytes, str, str]] | None = []  # before `decide`
        self._kept: set[str] = set()
        self._dropped: set[str] = set()
        self._latest: dict[str, float] = {}  # per V-number: when its previous line arrived
        self._pending: list[tuple[float, int, bytes]] = []  # a heap: (arrival, kept index, line)
        self._index = 0
        self._released = float("-inf")
        self.exact = True

    @property
    def decided(self) -> bool:
        return self._waiting is None

    def add(self, lines: Iterable[bytes]) -> None:
        """Lines as the simulator wrote them, in its order."""
        since, last = self._since, self._last
        for line in lines:
            kind, v_number, occurred_at = head_of(line)
            last[v_number] = (occurred_at, kind)
            if self._waiting is not None:
                self._waiting.append((line, v_number, occurred_at))
            elif v_number in self._dropped or occurred_at[:10] < since:
                self.exact = False  # someone left out came back, or the clock ran backwards
            else:  # from the day before the first year on: this person counts
                self._kept.add(v_number)
                self._push(line, v_number, occurred_at)

    def decide(self, returning: Iterable[str]) -> None:
        """Once the clock has passed the start of the day before `first`: who counts, given
        the V-numbers that the model will bring back (`returning`)."""
        if self._waiting is None:
            raise RuntimeError("decided once only")
        coming = set(returning)
        since = self._since
        self._kept = {
            v for v, (at, kind) in self._last.items()
            if at[:10] >= since or kind not in CLOSING_TYPES or v in coming
        }  # fmt: skip
        self._dropped = self._last.keys() - self._kept
        waiting, self._waiting = self._waiting, None
        for line, v_number, occurred_at in waiting:
            if v_number in self._kept:
                self._push(line, v_number, occurred_at)

    def release(self, until: float) -> list[Arrived]:
        """The lines that arrived by `until` (and by the cutoff), in arrival order: the caller
        promises that no line added later arrives before `until`."""
        if self._waiting is not None:
            return []
        limit = min(until, self._cutoff)
        pending, out = self._pending, []
        while pending and pending[0][0] <= limit:
            arrives, _, line = heapq.heappop(pending)
            out.append((arrives, line))
        if out:
            self._released = out[-1][0]
        return out

    def finish(self) -> list[Arrived]:
        """The rest that arrived by the cutoff, once the simulator has written its last line;
        checks that who was kept is who `persons_of_the_year` keeps over the whole feed."""
        if self._waiting is not None:
            self.decide(())
        out = self.release(self._cutoff)
        since = self._since
        counted = {v for v, (at, kind) in self._last.items()
                   if at[:10] >= since or kind not in CLOSING_TYPES}  # fmt: skip
        if counted != self._kept:
            self.exact = False
        return out

    def _push(self, line: bytes, v_number: str, occurred_at: str) -> None:
        """As `arrival.arrivals` does for a line of the kept feed."""
        occurred = datetime.fromisoformat(occurred_at).timestamp()
        arrives = max(occurred + self._delays.seconds(source_of(line)),
                      self._latest.get(v_number, 0.0))  # fmt: skip
        self._latest[v_number] = arrives
        if arrives < self._released:
            self.exact = False  # it would have been handed out before lines already out
        heapq.heappush(self._pending, (arrives, self._index, line))
        self._index += 1
