"""Projection rows derived from a person's history: the current state of each case, its Dublin
claims and its worklist items. Every projection is a pure function of the events (and the rules
table), rebuilt per person by the event store, `db rebuild`, retention, and checked by
`audit verify`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table

from terugkeer.domain.calendar import to_micros
from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import CaseState, case_state
from terugkeer.domain.worklist import work_items
from terugkeer.store.tables import cases, dublin_claims, worklist_items

#: The projection tables, each with a `v_number` column naming whose rows they are.
PROJECTIONS: tuple[Table, ...] = (cases, dublin_claims, worklist_items)

#: Rows per projection table, values in table column order.
Rows = dict[Table, list[list[Any]]]


def case_row(case: Case, state: CaseState) -> list[Any]:
    """The `cases` row of `case`, values in table column order."""
    closed_at = state.closed_at
    return [
        case.key,
        state.v_number,
        state.nationality,
        state.track,
        state.unaccompanied_minor,
        to_micros(state.opened_at),
        to_micros(closed_at) if closed_at else None,
        state.closed_on,
        state.closed_by,
        state.closing_category,
        state.dublin_transfer,
        state.destination,
        state.stance,
        state.location,
        state.family,
    ]


def dublin_rows(case: Case, rules: RulesTable) -> list[list[Any]]:
    """The `dublin_claims` rows of `case`, values in table column order."""
    seq_of = {e.id: e.seq for e in case.events}
    return [
        [
            seq_of[claim.accepted_event_id],
            case.key,
            case.intake.v_number,
            claim.member_state,
            claim.regime,
            claim.base_date,
            claim.deadline,
            claim.transferred,
            claim.expired,
        ]
        for claim in dublin_deadlines(case.events, rules)
    ]


def worklist_rows(case: Case, state: CaseState, rules: RulesTable) -> list[list[Any]]:
    """The `worklist_items` rows of `case`, soonest due first."""
    return [
        [
            case.key, position, state.v_number, item.kind.value, item.due, item.shows_from,
            item.shows_until, item.source, json.dumps(dict(item.details), sort_keys=True),
        ]
        for position, item in enumerate(work_items(case.events, rules, state))
    ]  # fmt: skip


def person_rows(history: PersonHistory, rules: RulesTable) -> Rows:
    rows: Rows = {table: [] for table in PROJECTIONS}
    for case in history.cases:
        state = case_state(case.events)
        rows[cases].append(case_row(case, state))
        rows[dublin_claims] += dublin_rows(case, rules)
        rows[worklist_items] += worklist_rows(case, state, rules)
    return rows
