"""`terugkeer bench import`: import speed on SQLite and PostgreSQL, each against a raw baseline
of the same rows into the same schema, measured in the same run.

The import goes through the product's own path (`importing.service.import_lines` into the
event store of a fresh temporary store). The baseline then inserts the rows that import stored
(read back from it, every column, hash included) into a second fresh store with the project's
own schema (the same migrations, so the same tables and indexes): with plain sqlite3
`executemany` on SQLite, with `COPY ... FROM STDIN` on PostgreSQL. The baseline is one
transaction; only the inserting and the commit are timed, not reading the rows back, and the
rows go in chunks so that a year's feed never has to sit in memory at once. Both stores are
then read back and digested, so the figures say whether they hold the same rows.

Never the configured store: synthetic people must not mix with real histories, and an
append-only store cannot be cleaned afterwards.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.bootstrap import bootstrap
from terugkeer.importing.parsing import Line
from terugkeer.importing.service import import_lines, split_lines
from terugkeer.settings import Settings
from terugkeer.store.engine import make_engine
from terugkeer.store.errors import guarded
from terugkeer.store.projector import head_seq, projected_seq
from terugkeer.store.schema import ensure_schema
from terugkeer.store.stopwatch import STAGES, Stopwatch

#: The first and the last this many lines of an import are timed apart (a feed only).
WINDOW = 200_000
#: Rows read back and inserted by the baseline at a time (bounded memory for a year's feed).
CHUNK = 50_000
#: What the bench names its PostgreSQL databases (created and dropped by each run).
DATABASE_PREFIX = "terugkeer_bench_"
#: Says what the bench is doing (a run over a year's feed takes minutes).
Progress = Callable[[str], None]


class BenchInputError(ValueError):
    """The input cannot be measured (no events stored, not a PostgreSQL URL, ...)."""


@dataclass(frozen=True)
class Source:
    """The lines to import, once per backend: each call of `lines` starts them afresh."""

    kind: str  # "synthetic" or "feed"
    name: str  # how the output names it
    lines: Callable[[], Iterable[Line]]
    windows: bool  # print the first-vs-last speed


def synthetic_source(count: int, *, seed: int) -> Source:
    """`count` synthetic events, generated before any timing starts."""
    lines = list(synthetic_lines(count, seed=seed))
    return Source("synthetic", f"synthetic, seed {seed}", lambda: lines, windows=False)


def feed_source(path: Path, max_line_bytes: int) -> Source:
    """A JSONL file, read while importing (as `terugkeer import FILE` does)."""

    def lines() -> Iterator[Line]:
        with path.open("rb") as stream:
            yield from split_lines(stream, max_line_bytes)

    return Source("feed", str(path), lines, windows=True)


@dataclass(frozen=True)
class Window:
    """Lines handled over a stretch of the import, from the progress callback's timestamps."""

    lines: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.lines / self.seconds


#: The import's time outside every stage (reading the file, outcomes, progress, collector).
OTHER = "other"


@dataclass(frozen=True)
class Stage:
    """Seconds of one stage of the import: over all of it, and over its first and last
    windows (the same lines as `first` and `last`)."""

    name: str
    seconds: float
    first_seconds: float
    last_seconds: float


@dataclass(frozen=True)
class BackendBench:
    backend: str  # "sqlite" or "postgresql"
    server: str  # its version (and, for PostgreSQL, whether fsync is on)
    baseline: str  # what the baseline does
    lines: int
    events: int  # rows the import stored (what the baseline inserts again)
    import_seconds: float
    baseline_seconds: float
    first: Window
    last: Window
    stored_digest: str  # SHA-256 over every row of `events` in seq order, per store
    baseline_digest: str
    baseline_events: int
    stages: list[Stage]
    #: Until the last batch was appended; `import_seconds` runs on until the projections
    #: reached it too (a bulk import's projector, store/projector.py).
    appended_seconds: float = 0.0
    #: Events appended but not yet projected, after each batch.
    behind: tuple[int, ...] = ()

    @property
    def import_rate(self) -> float:
        return self.events / self.import_seconds

    @property
    def appended_rate(self) -> float:
        return self.events / self.appended_seconds if self.appended_seconds else 0.0

    @property
    def baseline_rate(self) -> float:
        return self.events / self.baseline_seconds

    @property
    def ratio(self) -> float:
        """Import time over baseline time: how many times the floor the import takes."""
        return self.import_seconds / self.baseline_seconds

    @property
    def speed_kept(self) -> float:
        """Lines/s of the last window over the first: below 1, the import slows as it grows."""
        return self.last.rate / self.first.rate

    @property
    def rows_identical(self) -> bool:
        return self.baseline_events == self.events and self.baseline_digest == self.stored_digest

    def as_json(self, *, windows: bool) -> dict[str, object]:
        """`figures` holds numbers only (all positive); the rest says what was measured."""
        figures: dict[str, float] = {
            "lines": self.lines,
            "events": self.events,
            "import_events_per_s": round(self.import_rate, 1),
            "import_seconds": round(self.import_seconds, 4),
            "baseline_events_per_s": round(self.baseline_rate, 1),
            "baseline_seconds": round(self.baseline_seconds, 4),
            "ratio": round(self.ratio, 3),
            "appended_events_per_s": round(self.appended_rate, 1),
            "appended_ratio": round(self.appended_seconds / self.baseline_seconds, 3),
            "projector_catch_up_seconds": round(self.import_seconds - self.appended_seconds, 4),
            "projector_behind_max_events": max(self.behind, default=0),
            "projector_behind_median_events": sorted(self.behind)[len(self.behind) // 2]
            if self.behind
            else 0,
        }
        if windows:
            for name, window in (("first", self.first), ("last", self.last)):
                figures[f"{name}_window_lines"] = window.lines
                figures[f"{name}_lines_per_s"] = round(window.rate, 1)
                figures[f"{name}_seconds"] = round(window.seconds, 4)
            figures["last_over_first"] = round(self.speed_kept, 3)
        stages: dict[str, dict[str, float]] = {}
        for stage in self.stages:
            stages[stage.name] = {
                "seconds": round(stage.seconds, 4),
                "us_per_event": round(stage.seconds / self.events * 1e6, 2),
            }
            if windows:
                stages[stage.name]["first_us_per_line"] = round(
                    stage.first_seconds / self.first.lines * 1e6, 2
                )
                stages[stage.name]["last_us_per_line"] = round(
                    stage.last_seconds / self.last.lines * 1e6, 2
                )
        return {
            "server": self.server,
            "baseline": self.baseline,
            "not_stored_lines": self.lines - self.events,
            "rows_identical": self.rows_identical,
            "stored_rows": {"count": self.events, "sha256": self.stored_digest},
            "baseline_rows": {"count": self.baseline_events, "sha256": self.baseline_digest},
            "figures": figures,
            "stages": stages,
        }


@dataclass(frozen=True)
class ImportBench:
    source: Source
    lines: int
    sqlite: BackendBench
    postgresql: BackendBench | None
    postgresql_skipped: str | None  # why there are no PostgreSQL figures

    def as_json(self) -> dict[str, object]:
        windows = self.source.windows
        return {
            "input": {"kind": self.source.kind, "name": self.source.name, "lines": self.lines},
            "window_lines": WINDOW if windows else None,
            "sqlite": self.sqlite.as_json(windows=windows),
            "postgresql": None
            if self.postgresql is None
            else self.postgresql.as_json(windows=windows),
            "postgresql_skipped": self.postgresql_skipped,
        }


def bench_import(
    source: Source,
    settings: Settings,
    *,
    postgres_url: str | None,
    skipped: str = "no PostgreSQL URL given",
    progress: Progress = lambda _: None,
) -> ImportBench:
    """Measure `source` on SQLite and, given an admin URL, on PostgreSQL (in databases of its
    own, dropped afterwards). Settings give the rules table and the maximum event size."""
    if postgres_url is not None:
        _check_postgres(postgres_url)  # fail now, not after minutes of SQLite
    sqlite = _bench_sqlite(source, settings, progress)
    postgresql = None
    if postgres_url is not None:
        postgresql = _bench_postgres(source, settings, postgres_url, progress)
    return ImportBench(
        source, sqlite.lines, sqlite, postgresql, None if postgresql is not None else skipped
    )


def _bench_sqlite(source: Source, settings: Settings, progress: Progress) -> BackendBench:
    with tempfile.TemporaryDirectory(prefix="terugkeer-bench-") as folder:
        stored_url = f"sqlite:///{Path(folder) / 'store.db'}"
        baseline_url = f"sqlite:///{Path(folder) / 'baseline.db'}"
        progress("sqlite: importing")
        measured = _import(source, settings, stored_url)
        progress("sqlite: baseline (sqlite3 executemany)")
        return _baseline(
            "sqlite",
            f"SQLite {sqlite3.sqlite_version}",
            "sqlite3 executemany",
            measured,
            stored_url,
            baseline_url,
            _executemany,
        )


def _bench_postgres(
    source: Source, settings: Settings, admin_url: str, progress: Progress
) -> BackendBench:
    with _database(admin_url, "store") as stored_url, _database(admin_url, "base") as base_url:
        progress("postgresql: importing")
        measured = _import(source, settings, stored_url)
        progress("postgresql: baseline (COPY)")
        return _baseline(
            "postgresql",
            _postgres_server(admin_url),
            "COPY",
            measured,
            stored_url,
            base_url,
            _copy,
        )


@dataclass(frozen=True)
class _Imported:
    lines: int
    events: int
    seconds: float
    marks: list[tuple[int, float]]  # (lines done, seconds since the start), from (0, 0.0)
    laps: list[dict[str, float]]  # each stage's seconds so far, at each mark
    appended_seconds: float  # until the last batch was appended (`seconds`: also projected)
    behind: list[int]  # events not yet projected after each batch (store/projector.py)

    def stages(self) -> list[Stage]:
        """Every stage, and the rest of the time as OTHER, whole and per window."""
        first, last, end = _first_mark(self.marks), _last_mark(self.marks), len(self.marks) - 1

        def spent(index: int, stage: str) -> float:
            laps = self.laps[index]
            if stage == OTHER:
                return self.marks[index][1] - sum(laps.values())
            return laps.get(stage, 0.0)

        return [
            Stage(name, spent(end, name), spent(first, name), spent(end, name) - spent(last, name))
            for name in (*STAGES, OTHER)
        ]


def _import(source: Source, settings: Settings, url: str) -> _Imported:
    """Import into a fresh store at `url` through the composition root, as `terugkeer import`
    does (same rules, clock and maximum event size); only the import itself is timed."""
    system = bootstrap(settings.model_copy(update={"database_url": url}))
    try:
        marks: list[tuple[int, float]] = [(0, 0.0)]
        stopwatch = system.store.stopwatch = Stopwatch()
        laps: list[dict[str, float]] = [{}]
        behind: list[int] = []
        lines = source.lines()
        began = time.perf_counter()

        def progress(done: int) -> None:
            marks.append((done, time.perf_counter() - began))
            laps.append(dict(stopwatch.seconds))
            with system.engine.connect() as connection:  # how far the projector is behind
                behind.append(head_seq(connection) - projected_seq(connection))

        summary = import_lines(
            lines,
            system.store,
            clock=system.clock,
            progress=progress,
            max_line_bytes=system.settings.max_event_bytes,
            batch_size=system.settings.import_batch_lines,
            projector_after=system.settings.import_projector_after,  # as `terugkeer import`
        )
        seconds = time.perf_counter() - began
    finally:
        system.close()
    if summary.accepted == 0:
        raise BenchInputError(f"{source.name}: no event was stored, so there is nothing to time")
    appended = marks[-1][1]  # the last batch's commit (the projector may still be behind)
    marks.append((summary.lines, seconds))  # the end, the projections up to the head
    laps.append(dict(stopwatch.seconds))
    return _Imported(summary.lines, summary.accepted, seconds, marks, laps, appended, behind)


def first_window(marks: Sequence[tuple[int, float]], window: int = WINDOW) -> Window:
    """From the start to the first progress mark at `window` lines or more (or the end)."""
    done, at = marks[_first_mark(marks, window)]
    return Window(done, at)


def last_window(marks: Sequence[tuple[int, float]], window: int = WINDOW) -> Window:
    """From the last progress mark at least `window` lines before the end, to the end."""
    total, end = marks[-1]
    done, at = marks[_last_mark(marks, window)]
    return Window(total - done, end - at)


def _first_mark(marks: Sequence[tuple[int, float]], window: int = WINDOW) -> int:
    return next((i for i, (done, _) in enumerate(marks) if done >= window), len(marks) - 1)


def _last_mark(marks: Sequence[tuple[int, float]], window: int = WINDOW) -> int:
    total = marks[-1][0]
    return next((i for i in reversed(range(len(marks))) if marks[i][0] <= total - window), 0)


#: How a baseline inserts: (driver connection, column names) -> (write a chunk, commit).
Writer = tuple[Callable[[list[Any]], None], Callable[[], None]]
Inserter = Callable[[Any, list[str]], Writer]


def _baseline(
    backend: str,
    server: str,
    baseline: str,
    measured: _Imported,
    stored_url: str,
    baseline_url: str,
    insert: Inserter,
) -> BackendBench:
    """Insert the stored rows into a fresh store of the same schema with `insert`; timed are
    the inserts and the commit only. Both stores are digested (untimed) to compare them."""
    stored, target = make_engine(stored_url), make_engine(baseline_url)
    try:
        ensure_schema(target)
        digest, seconds = _RowDigest(), 0.0
        with _driver(stored) as source, _driver(target) as destination:
            rows = _read_rows(source, backend)
            names = next(rows)
            write, commit = insert(destination, names)
            for chunk in rows:
                digest.update(chunk)
                began = time.perf_counter()
                write(chunk)
                seconds += time.perf_counter() - began
            began = time.perf_counter()
            commit()
            seconds += time.perf_counter() - began
        with _driver(target) as copied:
            again = _RowDigest()
            rows = _read_rows(copied, backend)
            next(rows)
            for chunk in rows:
                again.update(chunk)
    finally:
        stored.dispose()
        target.dispose()
    return BackendBench(
        backend=backend,
        server=server,
        baseline=baseline,
        lines=measured.lines,
        events=measured.events,
        import_seconds=measured.seconds,
        baseline_seconds=seconds,
        first=first_window(measured.marks),
        last=last_window(measured.marks),
        stored_digest=digest.hexdigest(),
        baseline_digest=again.hexdigest(),
        baseline_events=again.count,
        stages=measured.stages(),
        appended_seconds=measured.appended_seconds,
        behind=tuple(measured.behind),
    )


def _executemany(connection: sqlite3.Connection, names: list[str]) -> Writer:
    """Plain sqlite3 on a connection set up as the store's are (WAL, synchronous=FULL, the same
    cache): BEGIN, executemany per chunk, COMMIT."""
    insert = f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    begun = False

    def write(chunk: list[Any]) -> None:
        nonlocal begun
        if not begun:
            connection.execute("BEGIN")
            begun = True
        connection.executemany(insert, chunk)

    def commit() -> None:
        connection.execute("COMMIT")

    return write, commit


def _copy(connection: Any, names: list[str]) -> Writer:
    """psycopg 3 `COPY events (...) FROM STDIN`, one COPY per chunk in one transaction; each
    COPY is timed until the server has taken every row of it."""
    statement = f"COPY events ({', '.join(names)}) FROM STDIN"

    def write(chunk: list[Any]) -> None:
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in chunk:
                copy.write_row(row)

    return write, connection.commit


def _read_rows(connection: Any, backend: str) -> Iterator[Any]:
    """The column names, then the rows of `events` in seq order, a chunk at a time (on
    PostgreSQL through a server-side cursor, so the rows never sit in memory all at once)."""
    if backend == "postgresql":
        cursor = connection.cursor(name=f"{DATABASE_PREFIX}rows")
    else:
        cursor = connection.cursor()
    try:
        cursor.execute("SELECT * FROM events ORDER BY seq")
        yield [column[0] for column in cursor.description]
        while chunk := cursor.fetchmany(CHUNK):
            yield chunk
    finally:
        cursor.close()
        if backend == "postgresql":
            connection.rollback()


class _RowDigest:
    """SHA-256 over rows, each value as text (None distinct from any text): two stores of one
    backend hold the same rows exactly when count and digest agree."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def update(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            values = ("\x00" if value is None else str(value) for value in row)
            self._hash.update(("\x1f".join(values) + "\x1e").encode())
            self.count += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@contextmanager
def _driver(engine: Engine) -> Iterator[Any]:
    """The driver's own connection (sqlite3 or psycopg), set up as the engine sets up the
    store's connections (on SQLite: WAL, synchronous=FULL, cache size, autocommit mode)."""
    with guarded(engine.url, "opened"):
        pooled = engine.raw_connection()
    try:
        with guarded(engine.url, "written"):
            yield pooled.driver_connection
    finally:
        pooled.close()


def _check_postgres(admin_url: str) -> None:
    if make_url(admin_url).get_backend_name() != "postgresql":
        raise BenchInputError(
            "the PostgreSQL URL is not one (e.g. postgresql+psycopg://USER@HOST/postgres)"
        )
    _postgres_server(admin_url)


def _postgres_server(admin_url: str) -> str:
    admin = make_engine(admin_url)
    try:
        with guarded(admin.url, "opened"), admin.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
            fsync = connection.execute(text("SHOW fsync")).scalar_one()
    finally:
        admin.dispose()
    return f"PostgreSQL {version.split()[0]} (fsync {fsync})"


@contextmanager
def _database(admin_url: str, role: str) -> Iterator[str]:
    """A fresh database of the bench's own on the server of `admin_url`, dropped afterwards."""
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:12]}_{role}"
    engine = make_engine(admin_url)
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with guarded(engine.url, "written"), admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with guarded(engine.url, "written"), admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
