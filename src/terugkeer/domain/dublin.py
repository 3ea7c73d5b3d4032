"""Dublin transfer deadlines (overdrachtstermijn) of accepted claims, RULES.md §2 steps 1-4.

`expired` is judged on the history given: "at the end of the deadline day" is taken literally, so
for a deadline still in the future of an open case `expired` says what happens if nothing else
does; a caller asking "as known on date X" passes only events up to X and compares `deadline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from terugkeer.domain.calendar import add_months, end_of_day_micros, start_of_day, to_micros
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.procedures import Procedure, decision_pairs
from terugkeer.domain.rules import DublinRegime, NoRuleInForceError, RulesTable


@dataclass(frozen=True, slots=True)
class DublinDeadline:
    #: The receipt seq of the acceptance: unique, where an id is unique per sender only.
    accepted_seq: int
    member_state: str
    regime: str
    #: Acceptance date, or the date of the last decision on a suspensive procedure after it.
    base_date: date
    #: None while a suspensive procedure started after the acceptance is pending.
    deadline: date | None
    extended_for_imprisonment: bool
    transferred: bool
    expired: bool
    #: Reference of a pending suspensive procedure that holds the deadline (None when running).
    suspended_by: str | None = None


def dublin_deadlines(case_events: Sequence[Event], rules: RulesTable) -> list[DublinDeadline]:
    """One deadline per `dublin_accepted` of the case (events in history order), in order."""
    return [
        _deadline_of(index, case_events, rules)
        for index, event in enumerate(case_events)
        if event.type == EventType.DUBLIN_ACCEPTED
    ]


def _deadline_of(index: int, events: Sequence[Event], rules: RulesTable) -> DublinDeadline:
    accepted = events[index]
    member_state = str(accepted.data["member_state"])
    claims = [
        e
        for e in events[:index]
        if e.type == EventType.DUBLIN_CLAIM and e.data.get("member_state") == member_state
    ]
    try:
        regime = rules.dublin_regime(claims[-1].local_date if claims else accepted.local_date)
    except NoRuleInForceError:
        # A claim older than every row of the rules table: no deadline can be computed, and a
        # valid chain event must never make the import fail.
        return DublinDeadline(
            accepted.seq, member_state, "none", accepted.local_date, None, False, False, False
        )
    base, pending = _base_date(accepted.local_date, events[index + 1 :], events, regime)
    deadline, extended = (None, False) if pending else _deadline(base, events, regime)
    bound = None if deadline is None else end_of_day_micros(deadline)
    transferred = any(
        e.type == EventType.DEPARTED
        and e.data.get("dublin_transfer") is True
        and (bound is None or e.micros < bound)
        for e in events[index + 1 :]
    )
    closed = bound is not None and any(e.is_closing and e.micros < bound for e in events)
    return DublinDeadline(
        accepted_seq=accepted.seq,
        member_state=member_state,
        regime=regime.name,
        base_date=base,
        deadline=deadline,
        extended_for_imprisonment=extended,
        transferred=transferred,
        expired=deadline is not None and not closed and not transferred,
        suspended_by=pending,
    )


def _base_date(
    base: date, later: Sequence[Event], events: Sequence[Event], regime: DublinRegime
) -> tuple[date, str | None]:
    """Step 1, chronologically: suspensive procedures after the acceptance hold the deadline and
    their last decision becomes the base date, unless one starts after the deadline has passed.
    A decision is matched to its start as EVENTS.md says (the latest start of its reference
    received before it); one dated before its start (the format allows it) decides the
    procedure on the start date, the later of the two."""
    pairs = decision_pairs(events)
    pending: dict[int, Procedure] = {}  # by the start's seq
    for e in later:
        if e.type == EventType.PROCEDURE_STARTED and e.data.get("suspensive") is True:
            if not pending and e.local_date > _deadline(base, events, regime)[0]:
                break  # the claim had already expired: nothing later revives it
            procedure = pairs[e.seq]
            if procedure.decision is not None and procedure.decision.sort_key < e.sort_key:
                base = e.local_date if not pending else base
                continue
            pending[e.seq] = procedure
        elif e.type == EventType.PROCEDURE_DECIDED and e.seq in pairs:
            held = pending.pop(pairs[e.seq].start.seq, None)
            if held is not None and not pending:
                base = e.local_date
    return base, next((p.reference for p in pending.values()), None)


def _deadline(base: date, events: Sequence[Event], regime: DublinRegime) -> tuple[date, bool]:
    """Steps 2-3. The prison window ends with the *6-month* deadline day, not the 12-month one:
    imprisonment extends a deadline only while it is still running (art. 29(2): once it has
    passed, responsibility has shifted), and the extension is a fixed maximum, not repeatable,
    so a prison placement after the 6-month deadline changes nothing and there is no cycle."""
    plain = add_months(base, regime.base_months)
    if _in_prison_between(events, to_micros(start_of_day(base)), end_of_day_micros(plain)):
        return add_months(base, regime.imprisonment_months), True
    return plain, False


def _in_prison_between(events: Sequence[Event], start: int, end: int) -> bool:
    """Whether the location kind was `prison` at any instant of [start, end): either the kind
    current at `start` (a placement that began before the window) or a move into prison within."""
    kind_at_start = None
    for e in events:
        if e.type != EventType.LOCATION_CHANGED:
            continue
        if e.micros < start:
            kind_at_start = e.data.get("kind")
        elif e.micros < end and e.data.get("kind") == "prison":
            return True
    return kind_at_start == "prison"
