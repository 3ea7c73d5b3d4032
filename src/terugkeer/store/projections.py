"""Projection rows (current case state, Dublin claims) derived from a person's history."""

from __future__ import annotations

from typing import Any

from terugkeer.domain.calendar import to_micros
from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.domain.state import case_state


def case_row(case: Case) -> list[Any]:
    """The `cases` row of `case`, values in table column order."""
    state = case_state(case.events)
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


def person_rows(
    history: PersonHistory, rules: RulesTable
) -> tuple[list[list[Any]], list[list[Any]]]:
    case_rows = [case_row(case) for case in history.cases]
    claims = [row for case in history.cases for row in dublin_rows(case, rules)]
    return case_rows, claims
