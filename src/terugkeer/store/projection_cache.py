"""Keeping the projections current batch by batch, writing only the rows that changed.

The event store remembers, for each person it holds in memory, the projection rows it last
wrote. A batch re-derives only the cases it touched (and the person's procedures when a
procedure event came: they are the only events those rows depend on), compares them with what
was written, and deletes and inserts only the rows that differ, by each table's primary key.

Partner traffic touches a person once per event, so re-deriving and rewriting every row of
every touched person was one full rebuild per event (docs/architecture.md, "Why the API is
still slower"). A person not remembered — loaded from the store, whose rows may have been derived by
another process or under other rules — gets all of their rows rewritten once, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, delete

from terugkeer.domain.events import Event, EventType
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import CaseState, case_state, extended
from terugkeer.store.bulk import delete_keys, insert_rows, one_of
from terugkeer.store.projections import (
    PROJECTIONS,
    Rows,
    case_projection,
    procedure_rows,
    withdrawal_rows,
)
from terugkeer.store.tables import location_spells, procedures, withdrawals
from terugkeer.store.versions import record_versions

Row = list[Any]


@dataclass(frozen=True, slots=True)
class Folded:
    """A case's state after its first `count` events, the last of which had seq `tail`, when
    `withdrawn` of its events had been withdrawn."""

    count: int
    tail: int
    state: CaseState
    withdrawn: int = 0

    def of(self, case: Case) -> tuple[CaseState, Sequence[Event] | None]:
        """The state after all of `case`'s events, and the events it was evolved by: evolved
        from this one by the events that came since, when each is the newest so far (last in
        history order and received last); folded anew (None) when one was placed before the
        others (a late event dated earlier: `tail` has moved, or the new ones are not in
        receipt order) or a decision came."""
        events = case.events
        if (
            len(events) < self.count
            or events[self.count - 1].seq != self.tail
            or case.withdrawn != self.withdrawn
        ):
            return case_state(events), None
        state: CaseState | None = self.state
        received = self.tail
        added = events[self.count :]
        for event in added:
            if state is None or event.seq < received:
                return case_state(events), None
            state, received = extended(state, event), event.seq
        return (state, added) if state is not None else (case_state(events), None)


@dataclass(slots=True)
class Written:
    """The projection rows of one person as last written, per case and for the procedures,
    and each case's state as folded then (the next batch evolves it instead of refolding)."""

    by_case: dict[int, Rows] = field(default_factory=dict)
    procedures: list[Row] = field(default_factory=list)
    withdrawals: list[Row] = field(default_factory=list)
    folded: dict[int, Folded] = field(default_factory=dict)

    def project(self, case: Case, rules: RulesTable) -> Rows:
        """The rows of `case` now; remembers its state for the next batch. Location spells
        are kept as they were when no location change came and the case did not close: they
        depend on nothing else, and finding them is a walk over all the case's events."""
        known = self.folded.get(case.key)
        state, added = (case_state(case.events), None) if known is None else known.of(case)
        self.folded[case.key] = Folded(len(case.events), case.events[-1].seq, state, case.withdrawn)
        spells = None
        if (
            added is not None
            and known is not None
            and known.state.closed_at == state.closed_at
            and not any(event.type == EventType.LOCATION_CHANGED for event in added)
        ):
            spells = self.by_case.get(case.key, {}).get(location_spells)
        return case_projection(case, rules, state, spells)


@dataclass(slots=True)
class Changes:
    """What one batch writes: rows to delete by key, rows to insert, persons to rewrite."""

    rewrite: list[str] = field(default_factory=list)
    deletes: dict[Table, list[tuple[Any, ...]]] = field(default_factory=dict)
    inserts: dict[Table, list[Row]] = field(default_factory=dict)

    def replace(self, table: Table, old: list[Row], new: list[Row]) -> None:
        if old == new:  # the common case: the event did not change this table's rows
            return
        width = _key_width(table)
        before = {tuple(row[:width]): row for row in old}
        after = {tuple(row[:width]): row for row in new}
        # Deleting every key about to be inserted, too, means no insert can collide with a
        # row this process did not write (another writer's or another rules table's).
        self.deletes.setdefault(table, []).extend(
            key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
        )
        self.inserts.setdefault(table, []).extend(
            row for key, row in after.items() if before.get(key) != row
        )

    def add(self, table: Table, rows: list[Row]) -> None:
        self.inserts.setdefault(table, []).extend(rows)

    def write(self, connection: Connection, seq: int) -> None:
        """Into the store: the rewritten persons' rows deleted whole, then the changed rows
        deleted by key, then every new row inserted; the same into the versions, as of the
        commit whose last event has seq `seq`."""
        record_versions(connection, seq, self.rewrite, self.deletes, self.inserts)
        if self.rewrite:
            for table in PROJECTIONS:
                persons = one_of(connection, table.c.v_number, "vs")
                connection.execute(delete(table).where(persons), {"vs": self.rewrite})
        for table, keys in self.deletes.items():
            delete_keys(connection, table, keys)
        for table, rows in self.inserts.items():
            insert_rows(connection, table, rows)


class ProjectionCache:
    """The rows last written per person; forgotten whenever the event store forgets."""

    def __init__(self, rules: RulesTable) -> None:
        self.rules = rules
        self._written: dict[str, Written] = {}

    def forget(self) -> None:
        self._written.clear()

    def drop(self, v_numbers: list[str]) -> None:
        """Forget these people (their rows are rewritten whole when they come back)."""
        for v_number in v_numbers:
            self._written.pop(v_number, None)

    def new_person(self, v_number: str) -> None:
        """A person with no stored events: nothing of theirs is in any projection yet."""
        self._written[v_number] = Written()

    def derive(
        self,
        histories: dict[str, PersonHistory],
        touched: dict[str, set[int]],
        procedures_touched: set[str],
        withdrawals_touched: set[str],
    ) -> Changes:
        """What brings the projections of the `touched` cases (per person) up to date; a case
        no longer in the history (its intake was withdrawn) loses its rows."""
        changes = Changes()
        for v_number, case_keys in touched.items():
            history = histories[v_number]
            written = self._written.get(v_number)
            if written is None:
                self._written[v_number] = self._everything(history, changes)
                continue
            for case in history.cases:
                if case.key not in case_keys:
                    continue
                new = written.project(case, self.rules)
                old = written.by_case.get(case.key, {})
                for table, rows in new.items():
                    changes.replace(table, old.get(table, []), rows)
                written.by_case[case.key] = new
            if v_number in withdrawals_touched:  # only a withdrawn intake takes a case away
                self._gone(written, case_keys - {case.key for case in history.cases}, changes)
            if v_number in procedures_touched:
                new_procedures = procedure_rows(history)
                changes.replace(procedures, written.procedures, new_procedures)
                written.procedures = new_procedures
            if v_number in withdrawals_touched:
                new_withdrawals = withdrawal_rows(history)
                changes.replace(withdrawals, written.withdrawals, new_withdrawals)
                written.withdrawals = new_withdrawals
        return changes

    @staticmethod
    def _gone(written: Written, case_keys: set[int], changes: Changes) -> None:
        """Cases whose intake was withdrawn: every row they had goes."""
        for key in case_keys:
            for table, rows in written.by_case.pop(key, {}).items():
                changes.replace(table, rows, [])
            written.folded.pop(key, None)

    def _everything(self, history: PersonHistory, changes: Changes) -> Written:
        written = Written()
        for case in history.cases:
            written.by_case[case.key] = written.project(case, self.rules)
            for table, rows in written.by_case[case.key].items():
                changes.add(table, rows)
        written.procedures = procedure_rows(history)
        changes.add(procedures, written.procedures)
        written.withdrawals = withdrawal_rows(history)
        changes.add(withdrawals, written.withdrawals)
        changes.rewrite.append(history.v_number)
        return written


@cache
def _key_width(table: Table) -> int:
    """How many leading columns make the primary key (every projection table starts with it)."""
    names = [column.name for column in table.columns]
    keys = [column.name for column in table.primary_key.columns]
    assert names[: len(keys)] == keys, f"{table.name}: primary key is not its first columns"
    return len(keys)
