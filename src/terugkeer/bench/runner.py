"""`terugkeer bench import`: import speed against a raw sqlite3 baseline from the same run."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.domain.rules import RulesTable
from terugkeer.importing.service import import_lines
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema


@dataclass(frozen=True)
class ImportBench:
    events: int
    accepted: int
    import_seconds: float
    baseline_seconds: float

    @property
    def import_rate(self) -> float:
        return self.events / self.import_seconds

    @property
    def baseline_rate(self) -> float:
        return self.events / self.baseline_seconds

    @property
    def ratio(self) -> float:
        return self.baseline_rate / self.import_rate


def bench_import(count: int, rules: RulesTable, *, seed: int = 1) -> ImportBench:
    lines = list(synthetic_lines(count, seed=seed))
    with tempfile.TemporaryDirectory(prefix="terugkeer-bench-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'store.db'}")
        ensure_schema(engine)
        store = EventStore(engine, rules)
        began = time.perf_counter()
        summary = import_lines(lines, store)
        import_seconds = time.perf_counter() - began
        engine.dispose()
        baseline_seconds = _raw_executemany(Path(folder) / "store.db", Path(folder) / "raw.db")
    return ImportBench(count, summary.accepted, import_seconds, baseline_seconds)


def _raw_executemany(store: Path, raw: Path) -> float:
    """The floor: the same rows the import stored (every column, hash included) inserted by
    plain sqlite3 executemany into a bare table without indexes, in one transaction, with the
    same durability setting as the store (WAL, synchronous=FULL)."""
    with sqlite3.connect(store) as source:
        rows = source.execute("SELECT * FROM events ORDER BY seq").fetchall()
        columns = [d[0] for d in source.execute("SELECT * FROM events LIMIT 0").description]
    connection = sqlite3.connect(raw, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"CREATE TABLE events ({', '.join(columns)})")
    insert = f"INSERT INTO events VALUES ({', '.join('?' for _ in columns)})"
    began = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(insert, rows)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - began
    connection.close()
    return seconds
