"""A case file as JSON: the `case show --format json` contract, and what the API answers
(web/api/models.py holds its schema)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from terugkeer.domain.removal import Condition
from terugkeer.domain.transfer import RemovalGround
from terugkeer.services.cases import CaseFile, CaseView, DublinView


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _condition(condition: Condition) -> dict[str, Any]:
    return {
        "holds": condition.holds,
        "reason": condition.reason,
        "source": condition.source,
        "label_nl": condition.label_nl,
        "label_en": condition.label_en,
    }


def _ground(ground: RemovalGround) -> dict[str, Any]:
    """What legally removable is judged by: `dublin_transfer` (to `member_state`, the running
    claim's; null on the dublin track while no claim is accepted) or `return_decision`."""
    claims = [{k: _plain(v) for k, v in dataclasses.asdict(c).items()} for c in ground.claims]
    return {"kind": ground.kind.value, "member_state": ground.member_state, "claims": claims}


def _case(view: CaseView) -> dict[str, Any]:
    state = {k: _plain(v) for k, v in dataclasses.asdict(view.state).items()}
    return {"case": view.key, **state}


def _dublin(view: DublinView) -> dict[str, Any]:
    deadline = {k: _plain(v) for k, v in dataclasses.asdict(view.deadline).items()}
    return {**deadline, "days_left": view.days_left, "source": view.source}


def case_file_json(found: CaseFile) -> dict[str, Any]:
    readiness = found.readiness
    return {
        "v_number": found.v_number,
        "on": found.on.isoformat(),
        "ready": found.ready,
        "reason": found.no_open_case,
        "case": found.judged,
        "ground": _ground(readiness.ground),
        "conditions": {c.key: _condition(c) for c in readiness.conditions},
        "safeguards": list(readiness.safeguards),
        "cases": [_case(view) for view in found.cases],
        "dublin": [_dublin(view) for view in found.dublin],
    }
