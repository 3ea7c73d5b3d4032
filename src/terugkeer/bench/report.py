"""`terugkeer bench report`: the key figures of a year, a month's publication and the dashboard
over a store of simulated years, against the same key-figure aggregation in DuckDB over the same
tables in the same run (bench/duck.py).

The store is built once from a simulated feed (or a given one) and kept; its events are
received "just after" the simulated years, as in the replications, so nothing is in the future.
"""

from __future__ import annotations

import statistics
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, func, select

from terugkeer.bench.duck import copied, duck_from_events, duck_key_figures
from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.labels import figure_rows
from terugkeer.reports.model import KeyFigures
from terugkeer.reports.period import Period
from terugkeer.store.event_store import EventStore
from terugkeer.store.tables import events

T = TypeVar("T")


@dataclass(frozen=True)
class ReportBench:
    stored_events: int
    period: Period
    #: Milliseconds per run: ours, the DuckDB baseline, a month's publication, the dashboard.
    key_figures_ms: list[float]
    duck_ms: list[float]
    publication_ms: list[float]
    dashboard_ms: list[float]
    copy_seconds: float  # copying the tables into DuckDB (not part of its time)
    #: Figures where DuckDB and the report disagree (name: (ours, DuckDB)); empty when equal.
    differences: dict[str, tuple[object, object]]
    #: "As known on" the moment the middle event was recorded (None: every event was recorded
    #: at one moment, e.g. a store kept from before the import's clock advanced): the key
    #: figures, the month's publication, `publish verify` of that publication.
    as_of: str | None = None
    key_figures_as_of_ms: list[float] = field(default_factory=list)
    publication_as_of_ms: list[float] = field(default_factory=list)
    verify_ms: list[float] = field(default_factory=list)
    #: The as-of key figures equal those of a replay of the prefix? (None: not compared.)
    as_of_reproduced: bool | None = None

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)

    @property
    def ratio(self) -> float:
        """How many times the DuckDB aggregation's time the report takes (medians)."""
        return self.median(self.key_figures_ms) / self.median(self.duck_ms)


def received_after(last_day: date) -> datetime:
    """The import's "now" for a simulated feed: noon UTC of the day after its last day."""
    return datetime.combine(last_day + timedelta(days=1), time(12), UTC)


def fill(
    engine: Engine, rules: RulesTable, feed: Path, now: datetime, batch_size: int = 50_000
) -> int:
    """Import `feed` into the store unless it holds events already; the number it holds. Each
    commit is recorded a second after the one before, ending before `now`: a moment between
    two commits is then a question "as known on" (timed by the bench)."""
    with engine.connect() as connection:
        held = int(connection.execute(select(func.count()).select_from(events)).scalar_one())
    if held == 0:
        moments = (now - timedelta(hours=1) + timedelta(seconds=n) for n in count())
        with feed.open("rb") as lines:
            store = EventStore(engine, rules)
            import_lines(lines, store, clock=lambda: next(moments), batch_size=batch_size)
        with engine.connect() as connection:
            held = int(connection.execute(select(func.count()).select_from(events)).scalar_one())
    return held


def timed(repeats: int, run: Callable[[], T]) -> tuple[list[float], T]:
    """Milliseconds of each of `repeats` runs, and the last run's result."""
    times, result = [], None
    for _ in range(repeats):
        began = clock.perf_counter()
        result = run()
        times.append((clock.perf_counter() - began) * 1000)
    assert result is not None
    return times, result


def key_figures_against_duckdb(
    engine: Engine, period: Period, today: date, repeats: int
) -> tuple[list[float], list[float], float, dict[str, tuple[object, object]]]:
    """Our key figures and DuckDB's of `period`, each timed `repeats` times on a fresh
    connection; the copy's seconds; the figures where they differ."""

    def ours() -> KeyFigures:
        with engine.connect() as connection:
            return key_figures(connection, period, today=today)

    ours_ms, figures = timed(repeats, ours)
    began = clock.perf_counter()
    with engine.connect() as connection:
        duck = copied(connection)
    copy_seconds = clock.perf_counter() - began
    duck_ms, theirs = timed(repeats, lambda: duck_key_figures(duck, period, today))
    from_events = duck_from_events(duck, period)
    duck.close()
    own_place = frozenset({"period", "top_nationalities"})
    mine: dict[str, object] = {name: value for name, _, value in figure_rows(figures, own_place)}
    mine["top_nationalities"] = figures.model_dump(mode="json")["top_nationalities"]
    differences = {
        name: (mine.get(name), theirs.get(name))
        for name in mine.keys() | theirs.keys()
        if mine.get(name) != theirs.get(name)
    }
    # The projections those figures read, checked against the events they come from.
    differences |= {
        f"{name} (from the events)": (mine.get(name), value)
        for name, value in from_events.items()
        if mine.get(name) != value
    }
    return ours_ms, duck_ms, copy_seconds, differences


def middle_moment(engine: Engine) -> str | None:
    """When the store's middle event was recorded, if events were recorded after it too."""
    with engine.connect() as connection:
        head = connection.execute(select(func.max(events.c.seq))).scalar() or 0
        stamps = [
            connection.execute(select(events.c.recorded_at).where(events.c.seq == seq)).scalar()
            for seq in (head // 2, head)
        ]
    middle, last = stamps
    return middle if middle is not None and last is not None and middle < last else None
