"""The store as it was known at a moment (issue 11, "as known on"; issue 30, without a replay).

The store accepts events in `seq` order and `recorded_at` never runs backwards against it, so
the events recorded by a moment are a prefix of the chain, up to the *cut*. Reports read the
store as it was then through an engine of its own whose connection shadows the tables they read
with temporary views of that prefix (a temporary object is found before the schema's own, on
SQLite and PostgreSQL alike, so the reports' queries need no change):
- `events` up to the cut; `chain_head` at the cut; `completeness` as set by the moment;
- each versioned projection (store/versions.py) as it stood at the last commit up to the cut,
  with the persons of the events between that commit and the cut derived anew from their
  events up to the cut (a simulated import records each event at its own arrival time, so a
  moment may fall inside a commit).

A moment before the versions begin (`chain_head.versions_from`: a store that had events before
they existed, or after a rebuild under other rules) is answered as before: a scratch copy of the
prefix with its projections derived anew.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    select,
)

from terugkeer.domain.history import PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.store.bulk import insert_rows, one_of
from terugkeer.store.codec import event_from_body
from terugkeer.store.engine import single_connection
from terugkeer.store.hashchain import GENESIS
from terugkeer.store.projections import person_rows
from terugkeer.store.rebuild import rebuild_projections
from terugkeer.store.tables import chain_head, completeness, events, metadata, projection_marks
from terugkeer.store.versions import VERSIONED

_CHUNK = 5000
#: The form of `recorded_at` (and of a moment given for it): written into a view's text.
_STAMP = re.compile(r"[0-9T:.Z+-]{10,40}")


@contextmanager
def known_at(engine: Engine, recorded_by: str, rules: RulesTable) -> Iterator[Engine]:
    """An engine, for reading only, on the store as known at `recorded_by` (UTC, the form of
    `recorded_at`): the events recorded at or before it and the projections they give."""
    if not _STAMP.fullmatch(recorded_by):
        raise ValueError(f"not a moment in the form of recorded_at: {recorded_by!r}")
    with engine.connect() as connection:
        cut = cut_seq(connection, recorded_by)
        versions_from = connection.execute(select(chain_head.c.versions_from)).scalar() or 0
    if cut < versions_from or _in_memory(engine):
        with replayed(engine, recorded_by, rules) as scratch:
            yield scratch
        return
    with _versioned(engine, recorded_by, cut, rules) as viewed:
        yield viewed


def cut_seq(connection: Connection, recorded_by: str) -> int:
    """The last seq recorded at or before `recorded_by` (0: none). `recorded_at` never runs
    backwards against seq, so a binary search over seq finds it with a few key lookups
    instead of a scan of the events (recorded_at has no index of its own)."""
    head = connection.execute(select(chain_head.c.last_seq)).scalar() or 0
    low, high = 0, head  # the answer lies in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        found = connection.execute(
            select(events.c.recorded_at).where(events.c.seq == middle)
        ).scalar()
        if found is not None and found <= recorded_by:
            low = middle
        else:
            high = middle - 1
    return low


def _in_memory(engine: Engine) -> bool:
    """An in-memory SQLite store: a second engine would open another, empty database."""
    database = engine.url.database or ""
    return engine.dialect.name == "sqlite" and (
        database in ("", ":memory:") or engine.url.query.get("mode") == "memory"
    )


@contextmanager
def _versioned(engine: Engine, recorded_by: str, cut: int, rules: RulesTable) -> Iterator[Engine]:
    with engine.connect() as connection:
        mark = (
            connection.execute(
                select(func.max(projection_marks.c.seq)).where(projection_marks.c.seq <= cut)
            ).scalar()
            or 0
        )
        derived = _derived(connection, mark, cut, rules)
        last_hash = (
            connection.execute(select(events.c.hash).where(events.c.seq == cut)).scalar() or GENESIS
        )
    single = single_connection(engine)
    try:
        with single.connect() as setup:
            _shadow(setup, recorded_by, cut, last_hash, mark, derived)
            setup.commit()
        yield single
    finally:
        single.dispose()


def _derived(
    connection: Connection, mark: int, cut: int, rules: RulesTable
) -> dict[str, dict[Table, list[list[Any]]]]:
    """The versioned rows of every person with events after `mark` up to `cut`, derived from
    their events up to the cut, by V-number."""
    if mark >= cut:
        return {}
    persons = [
        v for (v,) in connection.execute(
            select(events.c.v_number).where(events.c.seq > mark, events.c.seq <= cut).distinct()
        )
    ]  # fmt: skip
    found: dict[str, list[Any]] = {v: [] for v in persons}
    query = (
        select(events.c.seq, events.c.v_number, events.c.body)
        .where(one_of(connection, events.c.v_number, "vs"), events.c.seq <= cut)
        .order_by(events.c.seq)
    )
    for row in connection.execute(query, {"vs": persons}):
        found[row.v_number].append(event_from_body(row.seq, row.body))
    derived: dict[str, dict[Table, list[list[Any]]]] = {}
    for v_number, person in found.items():
        rows = person_rows(PersonHistory(v_number, person), rules)
        derived[v_number] = {table: rows[table] for table in VERSIONED}
    return derived


def _shadow(
    connection: Connection,
    recorded_by: str,
    cut: int,
    last_hash: str,
    mark: int,
    derived: dict[str, dict[Table, list[list[Any]]]],
) -> None:
    """Temporary views named like the tables the reports read, on this connection only."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        main, temp = f'"{schema}".', "pg_temp."
    else:
        main, temp = "main.", "temp."
    run = connection.exec_driver_sql
    run(f"CREATE TEMP VIEW events AS SELECT * FROM {main}events WHERE seq <= {int(cut)}")
    if not re.fullmatch(r"[0-9a-f]*", last_hash):
        raise ValueError("a chain hash is hexadecimal")
    head = [c.name for c in chain_head.columns if c.name not in ("last_seq", "last_hash")]
    run(
        f"CREATE TEMP VIEW chain_head AS SELECT {int(cut)} AS last_seq, "
        f"'{last_hash}' AS last_hash, {', '.join(head)} FROM {main}chain_head"
    )
    run(
        f"CREATE TEMP VIEW completeness AS SELECT * FROM {main}completeness "
        f"WHERE set_at <= '{recorded_by}'"
    )
    if derived:
        run("CREATE TEMP TABLE as_of_persons (v_number VARCHAR(32) PRIMARY KEY)")
        connection.execute(insert(_persons), [{"v_number": v} for v in derived])
    for table, versions in VERSIONED.items():
        names = ", ".join(column.name for column in table.columns)
        current = (
            f"SELECT {names} FROM {main}{versions.name} "
            f"WHERE from_seq <= {int(mark)} AND to_seq > {int(mark)}"
        )
        if derived:
            overlay = f"as_of_{table.name}"
            if postgres:
                run(f"CREATE TEMP TABLE {overlay} (LIKE {main}{table.name})")
            else:
                run(f"CREATE TEMP TABLE {overlay} AS SELECT * FROM {main}{table.name} WHERE 0")
            rows = [row for person in derived.values() for row in person[table]]
            insert_rows(connection, _overlay_table(table), rows)
            current = (
                f"{current} AND v_number NOT IN (SELECT v_number FROM {temp}as_of_persons) "
                f"UNION ALL SELECT {names} FROM {temp}{overlay}"
            )
        run(f"CREATE TEMP VIEW {table.name} AS {current}")
    # Read only from here on: a view of PostgreSQL could otherwise write through to the table.
    if postgres:
        run("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    else:
        run("PRAGMA query_only = ON")


_persons = Table("as_of_persons", MetaData(), Column("v_number"))


def _overlay_table(table: Table) -> Table:
    return Table(
        f"as_of_{table.name}", MetaData(), *(Column(c.name, c.type) for c in table.columns)
    )


@contextmanager
def replayed(engine: Engine, recorded_by: str, rules: RulesTable) -> Iterator[Engine]:
    """An engine on a scratch SQLite store with the events recorded at or before
    `recorded_by` and their projections derived anew; removed after."""
    with tempfile.TemporaryDirectory(prefix="terugkeer-as-of-") as folder:
        scratch = create_engine(f"sqlite:///{Path(folder) / 'as-of.db'}")
        try:
            metadata.create_all(scratch)
            last_seq, last_hash = 0, GENESIS
            query = select(events).where(events.c.recorded_at <= recorded_by).order_by(events.c.seq)
            with engine.connect() as source, scratch.begin() as target:
                chunk: list[dict[str, object]] = []
                for row in source.execution_options(yield_per=_CHUNK).execute(query):
                    chunk.append(dict(row._mapping))
                    last_seq, last_hash = row.seq, row.hash
                    if len(chunk) >= _CHUNK:
                        target.execute(insert(events), chunk)
                        chunk = []
                if chunk:
                    target.execute(insert(events), chunk)
                scheme = source.execute(select(chain_head.c.scheme)).scalar_one()
                head = {"id": 1, "last_seq": last_seq, "last_hash": last_hash, "scheme": scheme}
                target.execute(insert(chain_head).values(**head))
                # What was known then includes from when the store was held whole.
                known = select(completeness).where(completeness.c.set_at <= recorded_by)
                settings = [dict(row._mapping) for row in source.execute(known)]
                if settings:
                    target.execute(insert(completeness), settings)
            rebuild_projections(scratch, rules)
            yield scratch
        finally:
            scratch.dispose()
