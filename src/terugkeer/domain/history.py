"""A person's case history: events in `occurred_at` order, grouped into cases.

Receipt order decides validity (EVENTS.md): each new event is judged against the events accepted
before it and either placed in a case or rejected with a named error. Stored events never move
to another case, because a new event can only open a case after the last one closed, or land
inside an existing case; so a case is identified by the receipt seq of its intake.

A `retracted` event (v1.1) takes no place in any case: it withdraws the event it names, which
leaves its case (`domain/withdrawal.py`), so the fold and every rule see the history as if that
event had never been received; `withdrawals` keeps what was withdrawn, and by which retraction.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from terugkeer.domain import errors, withdrawal
from terugkeer.domain.events import REFERRING_TYPES, Event, EventType
from terugkeer.domain.messages import Code, say
from terugkeer.domain.withdrawal import Withdrawal


@dataclass(slots=True)
class Case:
    """One departure procedure (vertrekprocedure): intake → closing event, if any."""

    intake: Event
    events: list[Event] = field(default_factory=list)  # history order, intake first
    closing: Event | None = None
    #: How many events were withdrawn from the case: a state folded before a withdrawal is
    #: no prefix of the case any more (store/projection_cache.py folds it anew).
    withdrawn: int = 0

    @property
    def key(self) -> int:
        return self.intake.seq

    @property
    def is_open(self) -> bool:
        return self.closing is None

    def insert(self, event: Event) -> None:
        # The new event has the highest seq, so it goes after every event at the same instant;
        # most events arrive in time order, so appending is the common case.
        if not self.events or self.events[-1].micros <= event.micros:
            self.events.append(event)
        else:
            at = bisect.bisect_right(self.events, event.sort_key, key=lambda e: e.sort_key)
            self.events.insert(at, event)
        if event.is_closing:
            self.closing = event

    def remove(self, event: Event) -> None:
        """Withdraw `event` from the case: a withdrawn closing event reopens it."""
        self.events = [e for e in self.events if e.seq != event.seq]
        if self.closing is not None and self.closing.seq == event.seq:
            self.closing = None
        self.withdrawn += 1


class PersonHistory:
    """Every accepted event of one person (by `v_number`), across all of their cases."""

    def __init__(self, v_number: str, events: Iterable[Event] = ()) -> None:
        self.v_number = v_number
        self.cases: list[Case] = []
        self._references: set[tuple[str, str]] = set()
        self._pending: dict[str, Event] = {}  # procedure reference → its start, not yet decided
        self.retractions: list[Event] = []  # receipt order
        self.withdrawals: list[Withdrawal] = []  # receipt order of the retractions
        for event in sorted(events, key=lambda e: e.seq):
            # Stored events were judged when received; a rule added since must not make a
            # stored history unreadable.
            self.accept(event, stored=True)

    def accept(self, event: Event, *, stored: bool = False) -> Case:
        """Place `event` (received after all events already here) or raise `EventRejectedError`.
        A retraction returns the case of the event it withdrew (gone from `cases` when that
        event was its intake)."""
        if event.is_retraction:
            return self._withdraw(event, stored=stored)
        case = self._case_for(event)
        self._check_reference(event)
        if not stored:
            self._check_procedure(event)
        if case is None:
            case = Case(intake=event)
            self.cases.append(case)
        case.insert(event)
        if event.reference is not None:
            self._references.add((event.type, event.reference))
            if event.type == EventType.PROCEDURE_STARTED:
                self._pending[event.reference] = event
            elif event.type == EventType.PROCEDURE_DECIDED:
                self._pending.pop(event.reference, None)
        return case

    def events(self) -> list[Event]:
        """Every event not withdrawn, case by case in history order (no retractions)."""
        return [e for case in self.cases for e in case.events]

    def _withdraw(self, retraction: Event, *, stored: bool = False) -> Case:
        """Judge and apply a retraction. A stored one was judged when received: replayed, it
        is applied without the dependants and later-case rules, so that a rule changed since
        never makes a stored history unreadable."""
        target = withdrawal.named(retraction, self.events())
        if target is None:
            again = withdrawal.named(retraction, self.retractions)
            if again is not None:
                raise withdrawal.not_again(retraction, again, None)
            gone = next(
                (w for w in self.withdrawals
                 if withdrawal.named(retraction, [w.event]) is not None),
                None,
            )  # fmt: skip
            if gone is not None:
                raise withdrawal.not_again(retraction, gone.event, gone.retraction)
            raise withdrawal.unknown(retraction)
        case = next(c for c in self.cases if any(e.seq == target.seq for e in c.events))
        relying = [] if stored else withdrawal.dependants(target, self.events(), case.events)
        if relying:
            raise withdrawal.blocked(retraction, target, relying)
        if not stored and target.is_closing and case is not self.cases[-1]:
            later = self.cases[self.cases.index(case) + 1]
            raise withdrawal.later_case(target, later.intake)
        if target.type == EventType.INTAKE:
            self.cases.remove(case)
        case.remove(target)
        self.retractions.append(retraction)
        self.withdrawals.append(Withdrawal(target, retraction, case.key))
        self._reindex()
        return case

    def _reindex(self) -> None:
        """References and pending procedures as if the withdrawn events never came (a
        withdrawal is rare: rebuilt from the live events rather than kept in counts)."""
        self._references.clear()
        self._pending.clear()
        for event in sorted(self.events(), key=lambda e: e.seq):
            if event.reference is None:
                continue
            self._references.add((event.type, event.reference))
            if event.type == EventType.PROCEDURE_STARTED:
                self._pending[event.reference] = event
            elif event.type == EventType.PROCEDURE_DECIDED:
                self._pending.pop(event.reference, None)

    def case_at(self, micros: int) -> Case | None:
        """The case whose intake is the latest at or before `micros`."""
        for case in reversed(self.cases):
            if case.intake.micros <= micros:
                return case
        return None

    def _case_for(self, event: Event) -> Case | None:
        """The case `event` lands in; None for a valid intake (which opens a new case)."""
        case = self.case_at(event.micros)
        if event.type == EventType.INTAKE:
            self._check_intake(event, case)
            return None
        if case is None:
            if not self.cases:
                raise errors.NoOpenCaseError(say(
                    "v_number %(v)s has no open case (no intake received)", v=self.v_number
                ))  # fmt: skip
            raise errors.BeforeIntakeError(say(
                "occurred_at is before the intake of the case (intake at %(at)s)",
                at=_when(self.cases[0].intake),
            ))  # fmt: skip
        closing = case.closing
        if event.is_closing:
            if closing is not None:
                raise errors.CaseAlreadyClosedError(say(
                    "the case is already closed by %(type)s at %(at)s", type=Code(closing.type),
                    at=_when(closing),
                ))  # fmt: skip
            later = [e for e in case.events if e.micros > event.micros]
            if later:
                raise errors.LateClosingError(say(
                    "%(type)s at %(at)s is dated before events of the case already received "
                    "(%(later)s at %(later_at)s)", type=Code(event.type), at=_when(event),
                    later=Code(later[0].type), later_at=_when(later[0]),
                ))  # fmt: skip
        elif closing is not None and closing.micros <= event.micros:
            raise errors.AfterClosingError(say(
                "occurred_at is after the closing event of the case (%(type)s at %(at)s); "
                "no open case then", type=Code(closing.type), at=_when(closing),
            ))  # fmt: skip
        return case

    def _check_intake(self, event: Event, case: Case | None) -> None:
        if not self.cases:
            return
        last = self.cases[-1]
        if case is not last:
            raise errors.CaseAlreadyOpenError(say(
                "intake dated before an existing case of the person (opened at %(at)s) would "
                "leave two cases open at once", at=_when(last.intake),
            ))  # fmt: skip
        if last.closing is None:
            raise errors.CaseAlreadyOpenError(say(
                "the person already has an open case (intake at %(at)s)", at=_when(last.intake)
            ))  # fmt: skip
        if last.closing.micros > event.micros:
            raise errors.CaseAlreadyOpenError(say(
                "the person's case was still open then (closed at %(at)s)",
                at=_when(last.closing),
            ))  # fmt: skip

    def _check_reference(self, event: Event) -> None:
        target = REFERRING_TYPES.get(event.type)
        if target is None:
            return
        reference = event.reference or ""
        if (target, reference) not in self._references:
            raise errors.UnknownReferenceError(say(
                'data.reference "%(reference)s" does not name a %(target)s received earlier '
                "for v_number %(v)s", reference=reference, target=Code(target), v=self.v_number,
            ))  # fmt: skip

    def _check_procedure(self, event: Event) -> None:
        if event.type != EventType.PROCEDURE_STARTED:
            return
        pending = self._pending.get(event.reference or "")
        if pending is not None:
            raise errors.ProcedurePendingError(say(
                'data.reference "%(reference)s" names a procedure of this person that is still '
                "pending (started at %(at)s); it may be started again once decided",
                reference=event.reference or "", at=_when(pending),
            ))  # fmt: skip


def _when(event: Event) -> datetime:
    return event.occurred_at
