"""Projection rows (current case state, Dublin claims) derived from a person's history."""

from __future__ import annotations

from typing import Any

from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.events import EventType
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.rules import RulesTable


def case_row(case: Case) -> dict[str, Any]:
    intake, closing = case.intake.data, case.closing
    stance = location = None
    for event in case.events:
        if event.type == EventType.INTERVIEW:
            stance = event.data["stance"]
        elif event.type == EventType.LOCATION_CHANGED:
            location = event.data["kind"]
    return {
        "case_seq": case.key,
        "v_number": case.intake.v_number,
        "nationality": intake["nationality"],
        "track": intake["track"],
        "unaccompanied_minor": bool(intake.get("unaccompanied_minor", False)),
        "opened_us": case.intake.micros,
        "closed_us": closing.micros if closing else None,
        "closed_date": closing.local_date if closing else None,
        "closing_type": closing.type if closing else None,
        "closing_category": closing.category if closing else None,
        "dublin_transfer": bool(closing and closing.data.get("dublin_transfer", False)),
        "destination": closing.data.get("destination") if closing else None,
        "stance": stance,
        "location_kind": location,
    }


def dublin_rows(case: Case, rules: RulesTable) -> list[dict[str, Any]]:
    seq_of = {e.id: e.seq for e in case.events}
    return [
        {
            "accepted_seq": seq_of[claim.accepted_event_id],
            "case_seq": case.key,
            "v_number": case.intake.v_number,
            "member_state": claim.member_state,
            "regime": claim.regime,
            "base_date": claim.base_date,
            "deadline": claim.deadline,
            "transferred": claim.transferred,
            "expired": claim.expired,
        }
        for claim in dublin_deadlines(case.events, rules)
    ]


def person_rows(
    history: PersonHistory, rules: RulesTable
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    case_rows = [case_row(case) for case in history.cases]
    claims = [row for case in history.cases for row in dublin_rows(case, rules)]
    return case_rows, claims
