"""The state of a case at any moment: the one fold of its events (`evolve`, one handler per type).

`case_state(events, at)` starts from the intake and folds `evolve` over the events that occurred
by `at`, in history order. Procedures are paired as `domain/procedures.py` pairs them (a decision
decides the latest start of its reference received before it), over all the events given: so a
start dated later can tell which procedure an earlier-dated decision decided.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime

from terugkeer.domain.calendar import to_micros
from terugkeer.domain.case_facts import (
    CaseState,
    DocumentRequest,
    Flight,
    Pairs,
    PendingProcedure,
    changed,
    initial,
)
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.evolve import evolve, fold
from terugkeer.domain.procedures import decision_pairs

__all__ = [
    "CaseState",
    "DocumentRequest",
    "Flight",
    "PendingProcedure",
    "case_state",
    "evolve",
    "extended",
    "fold",
    "initial",
]

_DECIDED: str = EventType.PROCEDURE_DECIDED.value
_PROCEDURES = frozenset({EventType.PROCEDURE_STARTED.value, _DECIDED})


def case_state(case_events: Sequence[Event], at: datetime | None = None) -> CaseState:
    """Fold the events of one case (history order, intake first) that occurred by `at`; all of
    them when `at` is None (the state then describes the instant of the latest event)."""
    intake = case_events[0]
    if at is None:
        at, cutoff = case_events[-1].occurred_at, case_events[-1].micros
    else:
        cutoff = to_micros(at)
    if cutoff < intake.micros:
        raise ValueError(f"the case was opened at {intake.occurred_at.isoformat()}, after {at}")
    decided = any(e.type == _DECIDED for e in case_events)  # else every start is pending
    pairs: Pairs = (
        decision_pairs(e for e in case_events if e.type in _PROCEDURES) if decided else {}
    )
    end = bisect_right(case_events, cutoff, key=_micros)  # history order: micros ascending
    return fold(initial(intake, at), case_events[1:end], pairs)


def extended(state: CaseState, event: Event) -> CaseState | None:
    """`case_state` of a case's events, from `state` (the case_state of all of them but
    `event`) when `event` is the newest of them — the last in history order and the last
    received: one `evolve` instead of the whole fold. None for a decision, which pairs by
    looking at every event of the case: fold the case again. (A start received last cannot
    have been decided yet, so it is pending, as `evolve` without pairs makes it.)"""
    if event.type == _DECIDED:
        return None
    return changed(evolve(state, event), at=event.occurred_at)


def _micros(event: Event) -> int:
    return event.micros
