"""Replications: simulate → import → report key figures, one seed each, in parallel over cores.

Each replication takes the partner path on purpose (a JSONL file, `import` into a fresh SQLite
store, `report key-figures`), so what calibration and scenarios compare is exactly what the
published report would show.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine

from terugkeer.domain.events import CLOSING_TYPES
from terugkeer.domain.rules import RulesTable
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
    rules = load_rules()  # the model and the store apply the same legal terms
    first, last = date(year, 1, 1), date(year, 12, 31)
    with tempfile.TemporaryDirectory(prefix="terugkeer-replication-") as folder:
        feed, kept = Path(folder) / "events.jsonl", Path(folder) / "year.jsonl"
        simulate(params, first, last, seed, feed, rules=rules)
        persons_of_the_year(feed, kept, first)
        # The simulated year lies in the past of a "now" just after it: nothing is in the future.
        received = datetime(year + 1, 1, 1, 12, tzinfo=UTC)
        engine = import_feed(kept, Path(folder), received=received, rules=rules)
        with engine.connect() as connection:
            exact = key_figures(connection, Period(first, last), today=date(year + 1, 1, 1))
            figures = exact.model_dump(mode="json")  # dotted figure names are its JSON keys
        engine.dispose()
    return figures


def persons_of_the_year(feed: Path, out: Path, first: date) -> None:
    """Copy to `out` the lines of the people who can count in a year starting at `first`: those
    with an event from the day before `first` on, or with a case still open at the end. The
    others' cases all closed before the year, so no figure of the year can see them (a flow
    needs an event in the year; a stock, an open case; decisions count only for people in the
    caseload). Dropping them saves most of a long warm-up's import."""
    since = (first - timedelta(days=1)).isoformat()  # a day's margin for the UTC offsets
    last: dict[str, tuple[str, str]] = {}  # v_number: (latest occurred_at, its type)
    owners: list[str] = []  # the V-number of each line, so that each line is parsed once
    with feed.open("rb") as lines:
        for line in lines:
            kind, v_number, occurred_at = head_of(line)
            owners.append(v_number)
            last[v_number] = (occurred_at, kind)
    keep = {v for v, (at, kind) in last.items() if at[:10] >= since or kind not in CLOSING_TYPES}
    with feed.open("rb") as lines, out.open("wb") as kept:
        for line, owner in zip(lines, owners, strict=True):
            if owner in keep:
                kept.write(line)


#: How the simulator begins each line (simulation/emit.py): the three fields read from it,
#: none with an escape in it, are then exactly what parsing the line would give.
_SIMULATED_HEAD = re.compile(
    rb'\{"id":"[^"\\]*","type":"([^"\\]*)","v_number":"([^"\\]*)","occurred_at":"([^"\\]*)"'
)


#: One of those keys again after the head: JSON keeps the last, so such a line is parsed.
_AGAIN = re.compile(rb'"(?:type|v_number|occurred_at)":')


def head_of(line: bytes) -> tuple[str, str, str]:
    """Type, V-number and occurred_at of a feed line: read off the simulator's own lines (a
    year's warm-up is a million of them, and parsing each took most of this step), parsed
    for any other — and for one where a key could be given twice (JSON keeps the last)."""
    match = _SIMULATED_HEAD.match(line)
    if match is not None and _AGAIN.search(line, match.end()) is None:
        kind, v_number, occurred_at = (
            field.decode("utf-8", "surrogatepass") for field in match.groups()
        )
        return kind, v_number, occurred_at
    event = json.loads(line)
    return event["type"], event["v_number"], event["occurred_at"]


def import_feed(
    feed: Path, folder: Path, *, received: datetime, rules: RulesTable | None = None
) -> Engine:
    """A fresh SQLite store in `folder` holding every line of `feed`, received at `received`
    (a fixed "now" after the simulated period, so that no simulated event is in the future),
    judged by `rules` (default: the packaged rules table)."""
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    ensure_schema(engine)
    table = rules if rules is not None else load_rules()
    with feed.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, table), clock=lambda: received)
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
