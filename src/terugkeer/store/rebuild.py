"""Re-deriving every projection from the events, e.g. after the rules table changed.

A Dublin deadline depends on the regime in force (another `TERUGKEER_AMMR_FROM` moves it), so
the stored projections are only as current as the rules they were built under. The rebuild runs
in one transaction under the writer lock: readers see the old projections or the new, never a
mix, and no import can append in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, delete, select

from terugkeer.domain.rules import RulesTable
from terugkeer.store.bulk import insert_rows
from terugkeer.store.engine import WRITER
from terugkeer.store.projections import PROJECTIONS, Rows, person_rows
from terugkeer.store.projector import lock_projections
from terugkeer.store.queries import all_histories
from terugkeer.store.tables import cases, chain_head, dublin_claims, worklist_items
from terugkeer.store.versions import restart_versions

BATCH = 5000  # persons per insert


@dataclass(frozen=True, slots=True)
class Rebuilt:
    persons: int
    cases: int
    dublin_claims: int
    worklist_items: int = 0


def rebuild_projections(engine: Engine, rules: RulesTable) -> Rebuilt:
    with engine.connect() as plain:
        connection = plain.execution_options(**{WRITER: True})
        with connection.begin():
            return rebuild_within(connection, rules)


def rebuild_within(connection: Connection, rules: RulesTable) -> Rebuilt:
    """The rebuild inside the caller's transaction (a migration's, so that a store is never
    at the new revision without the projections it added)."""
    # The lock the event store takes: imports wait until the rebuild has committed.
    connection.execute(select(chain_head.c.last_seq).with_for_update()).all()
    lock_projections(connection)  # and a projector's: it finds the mark moved, and reads on
    for table in PROJECTIONS:
        connection.execute(delete(table))
    rebuilt = _derive(connection, rules)
    # Versions derived under the former rules would answer "as known on" differently from a
    # replay under these: they start again here, and earlier moments are replayed.
    restart_versions(connection)
    return rebuilt


def _derive(connection: Connection, rules: RulesTable) -> Rebuilt:
    persons = 0
    counts = dict.fromkeys(PROJECTIONS, 0)
    pending: Rows = {table: [] for table in PROJECTIONS}
    # The events are streamed while rows go into other tables on the same connection.
    for history in all_histories(connection):
        for table, rows in person_rows(history, rules).items():
            pending[table] += rows
        persons += 1
        if persons % BATCH == 0 or len(pending[cases]) >= BATCH:
            _flush(connection, pending, counts)
    _flush(connection, pending, counts)
    return Rebuilt(persons, counts[cases], counts[dublin_claims], counts[worklist_items])


def _flush(connection: Connection, pending: Rows, counts: dict[Table, int]) -> None:
    for table, rows in pending.items():
        insert_rows(connection, table, rows)
        counts[table] += len(rows)
        rows.clear()
