"""Benchmarks as use cases: each measures against a baseline taken in the same run."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from terugkeer.bench.report import ReportBench, bench_report, fill
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
from terugkeer.bootstrap import System, bootstrap
from terugkeer.settings import Settings

__all__ = [
    "POSTGRES_URL_VARIABLE",
    "WINDOW",
    "BackendBench",
    "BenchInputError",
    "ImportBench",
    "ReportBench",
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


def report_benchmark(store: Path, *, events: int, repeats: int) -> tuple[ReportBench, System]:
    """Time the key figures over a SQLite file of synthetic events only, filled if short."""
    system = bootstrap(Settings(database_url=f"sqlite:///{store}"))
    stored = fill(system.engine, system.rules, events)
    return bench_report(system.engine, stored, repeats), system
