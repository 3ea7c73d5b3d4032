"""Re-deriving every projection from the events, e.g. after the rules table changed.

A Dublin deadline depends on the regime in force (another `TERUGKEER_AMMR_FROM` moves it), so
the stored projections are only as current as the rules they were built under. The rebuild runs
in one transaction under the writer lock: readers see the old projections or the new, never a
mix, and no import can append in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from terugkeer.domain.rules import RulesTable
from terugkeer.store.bulk import insert_rows
from terugkeer.store.engine import WRITER
from terugkeer.store.projections import person_rows
from terugkeer.store.queries import all_histories
from terugkeer.store.tables import cases, chain_head, dublin_claims

BATCH = 5000  # persons per insert


@dataclass(frozen=True, slots=True)
class Rebuilt:
    persons: int
    cases: int
    dublin_claims: int


def rebuild_projections(engine: Engine, rules: RulesTable) -> Rebuilt:
    with engine.connect() as plain:
        connection = plain.execution_options(**{WRITER: True})
        with connection.begin():
            # The lock the event store takes: imports wait until the rebuild has committed.
            connection.execute(select(chain_head.c.last_seq).with_for_update()).all()
            connection.execute(delete(cases))
            connection.execute(delete(dublin_claims))
            return _derive(connection, rules)


def _derive(connection: Connection, rules: RulesTable) -> Rebuilt:
    persons = case_count = claim_count = 0
    case_rows: list[list[Any]] = []
    claim_rows: list[list[Any]] = []
    # The events are streamed while rows go into other tables on the same connection.
    for history in all_histories(connection):
        person_cases, person_claims = person_rows(history, rules)
        case_rows += person_cases
        claim_rows += person_claims
        persons += 1
        if persons % BATCH == 0 or len(case_rows) >= BATCH:
            case_count, claim_count = case_count + len(case_rows), claim_count + len(claim_rows)
            _flush(connection, case_rows, claim_rows)
    case_count, claim_count = case_count + len(case_rows), claim_count + len(claim_rows)
    _flush(connection, case_rows, claim_rows)
    return Rebuilt(persons, case_count, claim_count)


def _flush(connection: Connection, case_rows: list[list[Any]], claim_rows: list[list[Any]]) -> None:
    insert_rows(connection, cases, case_rows)
    insert_rows(connection, dublin_claims, claim_rows)
    case_rows.clear()
    claim_rows.clear()
