"""Replications: simulate → import → report key figures, one seed each, in parallel over cores.

Each replication takes the partner path on purpose (a JSONL file, `import` into a fresh SQLite
store, `report key-figures`), so what calibration and scenarios compare is exactly what the
published report would show.
"""

from __future__ import annotations

import multiprocessing
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine

from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema

Figures = dict[str, Any]
T = TypeVar("T")


def replication(params_json: str, seed: int, year: int) -> Figures:
    """One replication of one calendar year; parameters as JSON so that they cross processes."""
    params = Parameters.model_validate_json(params_json)
    first, last = date(year, 1, 1), date(year, 12, 31)
    with tempfile.TemporaryDirectory(prefix="terugkeer-replication-") as folder:
        feed = Path(folder) / "events.jsonl"
        simulate(params, first, last, seed, feed)
        # The simulated year lies in the past of a "now" just after it: nothing is in the future.
        engine = import_feed(feed, Path(folder), received=datetime(year + 1, 1, 1, 12, tzinfo=UTC))
        with engine.connect() as connection:
            figures = key_figures(connection, Period(first, last), today=date(year + 1, 1, 1))
        engine.dispose()
    return figures


def import_feed(feed: Path, folder: Path, *, received: datetime) -> Engine:
    """A fresh SQLite store in `folder` holding every line of `feed`, received at `received`
    (a fixed "now" after the simulated period, so that no simulated event is in the future)."""
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    ensure_schema(engine)
    with feed.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, load_rules()), clock=lambda: received)
    if summary.rejected:  # the model writes only valid lines; a rejection is a bug to see
        first = summary.rejected[0]
        raise RuntimeError(
            f"{len(summary.rejected)} simulated lines rejected; {feed}:{first.line}: {first.error}"
        )
    return engine


def replicate(
    params: Parameters,
    seeds: Iterable[int],
    year: int,
    *,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[Figures]:
    """Key figures of `year` for each seed, in seed order."""
    payload = params.model_dump_json()
    calls = [(payload, seed, year) for seed in seeds]
    return in_parallel(replication, calls, workers=workers, progress=progress)


def in_parallel(
    function: Callable[..., T],
    calls: list[tuple[Any, ...]],
    *,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[T]:
    """`function(*call)` for each call, in spawned processes over `workers` cores (one process
    when there is one call or one worker); results in call order, `progress(done)` after each."""
    results: list[T] = []
    if workers <= 1 or len(calls) == 1:
        for call in calls:
            results.append(function(*call))
            if progress:
                progress(len(results))
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(function, *call) for call in calls]
        for future in futures:
            results.append(future.result())
            if progress:
                progress(len(results))
    return results
