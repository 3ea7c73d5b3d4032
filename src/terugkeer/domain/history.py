"""A person's case history: events in `occurred_at` order, grouped into cases.

Receipt order decides validity (EVENTS.md): each new event is judged against the events accepted
before it and either placed in a case or rejected with a named error. Stored events never move
to another case, because a new event can only open a case after the last one closed, or land
inside an existing case; so a case is identified by the receipt seq of its intake.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from terugkeer.domain import errors
from terugkeer.domain.events import REFERRING_TYPES, Event, EventType
from terugkeer.domain.messages import Code, say


@dataclass(slots=True)
class Case:
    """One departure procedure (vertrekprocedure): intake → closing event, if any."""

    intake: Event
    events: list[Event] = field(default_factory=list)  # history order, intake first
    closing: Event | None = None

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


class PersonHistory:
    """Every accepted event of one person (by `v_number`), across all of their cases."""

    def __init__(self, v_number: str, events: Iterable[Event] = ()) -> None:
        self.v_number = v_number
        self.cases: list[Case] = []
        self._references: set[tuple[str, str]] = set()
        self._pending: dict[str, Event] = {}  # procedure reference → its start, not yet decided
        for event in sorted(events, key=lambda e: e.seq):
            # Stored events were judged when received; a rule added since must not make a
            # stored history unreadable.
            self.accept(event, stored=True)

    def accept(self, event: Event, *, stored: bool = False) -> Case:
        """Place `event` (received after all events already here) or raise `EventRejectedError`."""
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
        return [e for case in self.cases for e in case.events]

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
