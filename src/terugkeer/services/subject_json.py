"""A subject export as JSON (`terugkeer subject export --format json`, the privacy page's
download): stable keys, documented in docs/operations.md. Times are ISO 8601 in UTC as the
store keeps them; `occurred_at` with the offset its sender wrote."""

from __future__ import annotations

import dataclasses
from typing import Any

from terugkeer.services.case_json import _condition, _plain
from terugkeer.services.subject_access import DayState, SubjectEvent, SubjectRecord

#: The format's name and version: a reader checks it before reading further.
FORMAT = "terugkeer.subject-export/1"


def _event(event: SubjectEvent) -> dict[str, Any]:
    withdrawn = event.withdrawn_by
    return {
        "seq": event.seq,
        "id": event.id,
        "type": event.type,
        "source": event.source,
        "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "recorded_by": event.recorded_by,
        "case": event.case,
        "data": event.data,
        "withdrawn": None if withdrawn is None else {
            "by_event_id": withdrawn.id,
            "source": withdrawn.source,
            "reason": withdrawn.reason,
            "occurred_at": withdrawn.occurred_at.isoformat(),
            "recorded_at": withdrawn.recorded_at.isoformat(),
            "recorded_by": withdrawn.recorded_by,
        },
        "withdraws": event.withdraws,
    }  # fmt: skip


def _state(day: DayState) -> dict[str, Any]:
    state = {k: _plain(v) for k, v in dataclasses.asdict(day.state).items()}
    readiness = day.readiness
    return {
        "case": day.case,
        "on": day.on.isoformat(),
        "state": state,
        "ready": None if readiness is None else readiness.ready,
        "conditions": None if readiness is None else {
            c.key: _condition(c) for c in readiness.conditions
        },
        "safeguards": [] if readiness is None else list(readiness.safeguards),
    }  # fmt: skip


def subject_json(found: SubjectRecord, controller: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "controller": controller,
        "v_number": found.v_number,
        "made_at": found.made_at.isoformat(),
        "made_by": found.made_by,
        "reason": found.reason,
        "senders": found.senders,
        "sender_accounts": found.sender_accounts,
        "events": [_event(e) for e in found.events],
        "states": [_state(d) for d in found.states],
        "access_log": [a._asdict() for a in found.accesses],
        "webhook_deliveries": [d._asdict() for d in found.deliveries],
        "assignments": [a._asdict() for a in found.assignments],
        "shares": [
            {"id": s.id, "partner": s.partner, "until": s.until.isoformat(), "by": s.actor,
             "at": s.at, "ended_by": s.ended_by, "ended_at": s.ended_at}
            for s in found.shares
        ],
    }  # fmt: skip
