"""Benchmarks as use cases: each measures against a baseline taken in the same run."""

from __future__ import annotations

from pathlib import Path

from terugkeer.bench.report import ReportBench, bench_report, fill
from terugkeer.bench.runner import ImportBench, bench_import
from terugkeer.bootstrap import System, bootstrap, rules_of
from terugkeer.settings import Settings

__all__ = ["ImportBench", "ReportBench", "import_benchmark", "report_benchmark"]


def import_benchmark(settings: Settings, *, events: int, seed: int) -> ImportBench:
    """Import `events` synthetic events into a temporary SQLite store (never the configured
    one: synthetic people must not mix with real histories)."""
    return bench_import(events, rules_of(settings), seed=seed)


def report_benchmark(store: Path, *, events: int, repeats: int) -> tuple[ReportBench, System]:
    """Time the key figures over a SQLite file of synthetic events only, filled if short."""
    system = bootstrap(Settings(database_url=f"sqlite:///{store}"))
    stored = fill(system.engine, system.rules, events)
    return bench_report(system.engine, stored, repeats), system
