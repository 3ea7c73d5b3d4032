"""Projection rows (current case state, Dublin claims) derived from a person's history."""

from __future__ import annotations

from typing import Any

from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.events import EventType
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.rules import RulesTable


def case_row(case: Case) -> list[Any]:
    """The `cases` row of `case`, values in table column order."""
    intake, closing = case.intake.data, case.closing
    stance = location = None
    for event in case.events:
        if event.type == EventType.INTERVIEW:
            stance = event.data["stance"]
        elif event.type == EventType.LOCATION_CHANGED:
            location = event.data["kind"]
    return [
        case.key,
        case.intake.v_number,
        intake["nationality"],
        intake["track"],
        bool(intake.get("unaccompanied_minor", False)),
        case.intake.micros,
        closing.micros if closing else None,
        closing.local_date if closing else None,
        closing.type if closing else None,
        closing.category if closing else None,
        bool(closing and closing.data.get("dublin_transfer", False)),
        closing.data.get("destination") if closing else None,
        stance,
        location,
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
