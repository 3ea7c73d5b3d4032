"""Projection rows derived from a person's history: the current state of each case, its Dublin
claims, its worklist items, the person's procedures and where they stayed. Every projection is
a pure function of the events (and the rules table), rebuilt per person by the event store,
`db rebuild`, retention, and checked by `audit verify`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table

from terugkeer.domain.calendar import to_micros
from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.events import EventType
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.procedures import decisions_by_start
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import CaseState, case_state
from terugkeer.domain.worklist import work_items
from terugkeer.store.tables import (
    cases,
    dublin_claims,
    location_spells,
    procedures,
    withdrawals,
    worklist_items,
)

#: The projection tables, each with a `v_number` column naming whose rows they are.
PROJECTIONS: tuple[Table, ...] = (
    cases, dublin_claims, procedures, location_spells, worklist_items, withdrawals,
)  # fmt: skip

#: A worklist item's details as stored: `json.dumps(details, sort_keys=True)`, by the C encoder
#: called directly (json.dumps builds an encoder on every call, and items are written for every
#: touched case of every batch). Details are flat str → str: no cycle check is needed.
_DETAILS: Any = getattr(json.encoder, "c_make_encoder", None)
if _DETAILS is not None:
    _DETAILS = _DETAILS(None, None, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                        True, False, True)  # fmt: skip


def details_json(details: dict[str, str]) -> str:
    if _DETAILS is None:
        return json.dumps(details, sort_keys=True)
    return "".join(_DETAILS(details, 0))


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


def dublin_rows(case: Case, rules: RulesTable, state: CaseState) -> list[list[Any]]:
    """The `dublin_claims` rows of `case` (`state`: after its events), in table column order."""
    if state.dublin_member_state is None:  # no claim of the case was ever accepted
        return []
    return [
        [
            claim.accepted_seq,
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
            item.shows_until, item.source, details_json(dict(item.details)),
        ]
        for position, item in enumerate(work_items(case.events, rules, state))
    ]  # fmt: skip


def procedure_rows(history: PersonHistory) -> list[list[Any]]:
    """The `procedures` rows of the person: each start with its earliest-dated decision (the
    procedure is decided from then on, whichever decision was received first), and a row of
    its own for every other decision, which has no start but still counts as a decision
    (EVENTS.md, "repeated procedures")."""
    rows: list[list[Any]] = []
    decided = decisions_by_start(history.events())
    for start in (e for e in history.events() if e.type == EventType.PROCEDURE_STARTED):
        decisions = sorted(decided.get(start.seq, []), key=lambda e: (e.micros, e.seq))
        first = decisions[0].micros if decisions else None
        rows.append([start.seq, history.v_number, str(start.data["kind"]), start.micros, first])
        rows += [[d.seq, history.v_number, None, None, d.micros] for d in decisions[1:]]
    return rows


def withdrawal_rows(history: PersonHistory) -> list[list[Any]]:
    """The `withdrawals` rows of the person: each withdrawn event with its retraction."""
    return [
        [w.event.seq, history.v_number, w.case_key, w.retraction.seq] for w in history.withdrawals
    ]


def location_rows(case: Case, state: CaseState | None = None) -> list[list[Any]]:
    """The `location_spells` rows of `case`: each location change until the next one (the
    case's events are in history order: by occurred_at, ties by receipt order), the last until
    the case's closing (nothing of a case is dated after it). `state`: after its events."""
    if state is not None and state.location is None:  # no location change: nothing to scan
        return []
    changes = [e for e in case.events if e.type == EventType.LOCATION_CHANGED]
    if not changes:
        return []
    closed = case.closing.micros if case.closing is not None else None
    ends = [*(change.micros for change in changes[1:]), closed]
    return [
        [change.seq, case.key, case.intake.v_number, str(change.data["kind"]), change.micros, end]
        for change, end in zip(changes, ends, strict=True)
    ]


def case_projection(
    case: Case,
    rules: RulesTable,
    state: CaseState | None = None,
    spells: list[list[Any]] | None = None,
) -> Rows:
    """The rows of one case in every projection but `procedures` (which is the person's):
    none of them depends on another case, so a batch re-derives only the cases it touched.
    `state`: the case's state after all its events, when the caller has it already;
    `spells`: its location spells, when the caller knows they did not change."""
    state = state or case_state(case.events)
    return {
        cases: [case_row(case, state)],
        dublin_claims: dublin_rows(case, rules, state),
        location_spells: location_rows(case, state) if spells is None else spells,
        worklist_items: worklist_rows(case, state, rules),
    }


def person_rows(history: PersonHistory, rules: RulesTable) -> Rows:
    rows: Rows = {table: [] for table in PROJECTIONS}
    for case in history.cases:
        for table, case_rows in case_projection(case, rules).items():
            rows[table] += case_rows
    rows[procedures] = procedure_rows(history)
    rows[withdrawals] = withdrawal_rows(history)
    return rows
