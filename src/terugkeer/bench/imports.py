"""Benchmarks as use cases: each measures against a baseline taken in the same run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from terugkeer.bench.report import (
    ReportBench,
    fill,
    key_figures_against_duckdb,
    middle_moment,
    received_after,
    timed,
)
from terugkeer.bench.runner import (
    WINDOW,
    BackendBench,
    BenchInputError,
    ImportBench,
    Window,
    bench_import,
    feed_source,
    synthetic_source,
)
from terugkeer.bootstrap import System, bootstrap, rules_of
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.model import KeyFigures
from terugkeer.reports.period import Period
from terugkeer.services.dashboard import dashboard
from terugkeer.services.demo import inputs_digest
from terugkeer.services.publication import publish, verify
from terugkeer.services.simulation import first_possible_start
from terugkeer.settings import Settings
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.as_of import known_at, replayed
from terugkeer.store.tables import events

__all__ = [
    "POSTGRES_URL_VARIABLE",
    "WINDOW",
    "BackendBench",
    "BenchInputError",
    "ImportBench",
    "ReportBench",
    "ReportBenchInputError",
    "Window",
    "import_benchmark",
    "report_benchmark",
]

#: Where the PostgreSQL admin URL comes from when none is given (the tests' cluster).
POSTGRES_URL_VARIABLE = "TERUGKEER_TEST_POSTGRES_URL"


def import_benchmark(
    settings: Settings,
    *,
    events: int | None = None,
    seed: int = 1,
    feed: Path | None = None,
    postgres_url: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> ImportBench:
    """Import `events` synthetic events, or the lines of `feed`, into temporary stores on
    SQLite and, with an admin URL (else $TERUGKEER_TEST_POSTGRES_URL), PostgreSQL; each against
    its raw baseline into the same schema. Never the configured store: synthetic people must
    not mix with real histories (the settings give the rules and the maximum event size)."""
    if feed is not None and events is not None:
        raise BenchInputError("give synthetic events (-n) or a feed (--feed), not both")
    if feed is not None:
        source = feed_source(feed, settings.max_event_bytes)
    else:
        source = synthetic_source(200_000 if events is None else events, seed=seed)
    skipped = f"no --postgres-url given and ${POSTGRES_URL_VARIABLE} is not set"
    url = postgres_url or os.environ.get(POSTGRES_URL_VARIABLE) or None
    return bench_import(source, settings, postgres_url=url, skipped=skipped, progress=progress)


class ReportBenchInputError(ValueError):
    """The report bench cannot run as asked (an empty feed, a feed that does not import)."""


def report_benchmark(
    folder: Path,
    *,
    years: int = 10,
    seed: int = 1,
    feed: Path | None = None,
    repeats: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> ReportBench:
    """Time the key figures of the store's last year, the publication of its last month and
    the dashboard of that year, over a SQLite store of `years` simulated years (or the lines of
    `feed`), against DuckDB over the same tables. The feed and its store are kept in `folder`
    and reused while the simulator's inputs are the same; never the configured store."""
    folder.mkdir(parents=True, exist_ok=True)
    # A simulated feed is received just after its years (nothing is in the future); a given
    # feed now.
    now = datetime.now(UTC)
    if feed is None:
        feed, last = _simulated_feed(folder, years, seed, progress)
        now = received_after(last)
    store = folder / f"{feed.stem}.db"
    system = bootstrap(Settings(database_url=f"sqlite:///{store}"), clock=lambda: now)
    try:
        progress(f"importing {feed.name} into {store.name} (once)")
        batch = system.settings.import_batch_lines  # as `terugkeer import` commits
        stored = fill(system.engine, system.rules, feed, now, batch)
        with system.engine.connect() as connection:
            last_day = connection.execute(select(func.max(events.c.local_date))).scalar()
        if not stored or last_day is None:
            raise ReportBenchInputError(f"{feed} holds no event that imports")
        year = Period(date(last_day.year, 1, 1), last_day)
        today = system.today()
        progress(f"timing the key figures of {year.start.year} and DuckDB's")
        ours_ms, duck_ms, copy_seconds, differences = key_figures_against_duckdb(
            system.engine, year, today, repeats
        )
        month = last_day.replace(day=1)
        with tempfile.TemporaryDirectory(prefix="terugkeer-bench-") as out:
            progress(f"timing the publication of {month:%Y-%m}")
            publication_ms, _ = timed(repeats, lambda: publish(system, month, Path(out) / "m"))
        progress(f"timing the dashboard of {year.start.year}")
        dashboard_ms, _ = timed(repeats, lambda: dashboard(system, year))
        result = ReportBench(stored, year, ours_ms, duck_ms, publication_ms, dashboard_ms,
                             copy_seconds, differences)  # fmt: skip
        moment = middle_moment(system.engine)
        if moment is not None:
            progress(f"timing the same as known at {moment} (the middle event's recording)")
            result = _as_of(system, year, month, today, moment, repeats, result)
    finally:
        system.close()
    return result


def _as_of(system: System, year: Period, month: date, today: date, moment: str, repeats: int,
           result: ReportBench) -> ReportBench:  # fmt: skip
    """The key figures, the month's publication and `publish verify` as known at `moment`;
    the key figures once more by a replay of the prefix, to compare."""

    def figures() -> KeyFigures:
        with known_at(system.engine, moment, system.rules) as viewed, viewed.connect() as c:
            return key_figures(c, year, today=today)

    as_of_ms, seen = timed(repeats, figures)
    with replayed(system.engine, moment, system.rules) as scratch, scratch.connect() as c:
        reproduced = key_figures(c, year, today=today) == seen
    with tempfile.TemporaryDirectory(prefix="terugkeer-bench-") as out:
        folder = Path(out) / "m"
        publication_ms, _ = timed(repeats, lambda: publish(system, month, folder, known_by=moment))
        verify_ms, checked = timed(repeats, lambda: verify(system, folder))
    return replace(result, as_of=moment, key_figures_as_of_ms=as_of_ms,
                   publication_as_of_ms=publication_ms, verify_ms=verify_ms,
                   as_of_reproduced=reproduced and not checked.not_reproduced)  # fmt: skip


def _simulated_feed(
    folder: Path, years: int, seed: int, progress: Callable[[str], None]
) -> tuple[Path, date]:
    """`years` simulated years from the first the rules table allows, kept in `folder`."""
    params = load_parameters()
    rules = rules_of(Settings())
    first = first_possible_start(params, rules)
    last = date(first.year + years - 1, 12, 31)
    feed = folder / f"simulated-{first.year}-{last.year}-seed-{seed}-{inputs_digest()[:12]}.jsonl"
    if not feed.exists():
        progress(f"simulating {first.year} to {last.year} with its warm-up (seed {seed})")
        partial = feed.with_suffix(".partial")
        simulate(params, first, last, seed, partial, rules=rules)
        partial.rename(feed)
    return feed, last
