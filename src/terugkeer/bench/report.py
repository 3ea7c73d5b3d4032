"""`terugkeer bench report`: time the key figures of a year over a large store."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select, text

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.store.event_store import EventStore
from terugkeer.store.tables import events

YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


@dataclass(frozen=True)
class ReportBench:
    stored_events: int
    report_ms: list[float]
    scan_ms: list[float]

    @staticmethod
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[-1]


def fill(engine: Engine, rules: RulesTable, count: int, *, seed: int = 1) -> int:
    """Import synthetic events until the store holds at least `count`; returns the number held."""
    with engine.connect() as connection:
        held = int(connection.execute(select(func.count()).select_from(events)).scalar_one())
    if held < count:
        import_lines(synthetic_lines(count, seed=seed), EventStore(engine, rules))
        held = count
    return held


def bench_report(engine: Engine, stored: int, repeats: int) -> ReportBench:
    """Each run on a fresh connection; the baseline is one full scan of the events table
    (`SELECT count(*), sum(length(body))`) in the same run."""
    report_ms, scan_ms = [], []
    for _ in range(repeats):
        with engine.connect() as connection:
            began = time.perf_counter()
            key_figures(connection, YEAR)
            report_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            connection.execute(text("SELECT count(*), sum(length(body)) FROM events")).one()
            scan_ms.append((time.perf_counter() - began) * 1000)
    return ReportBench(stored, report_ms, scan_ms)
