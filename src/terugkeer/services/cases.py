"""A person's case file: their cases, the state of each, removal readiness and Dublin deadlines
on a date — as known from the events that occurred by the end of that day (Europe/Amsterdam).

Every call is recorded in the access log first: reading a case is itself a fact to account for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import AMSTERDAM, end_of_day_micros
from terugkeer.domain.dublin import DublinDeadline, dublin_deadlines
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.removal import Readiness, removal_readiness
from terugkeer.domain.state import CaseState, case_state
from terugkeer.services.errors import UnknownPersonError
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.queries import person_history

__all__ = ["Access", "CaseFile", "CaseView", "DublinView", "case_file"]


@dataclass(frozen=True, slots=True)
class CaseView:
    key: int  # the receipt seq of the case's intake: its stable identifier
    state: CaseState  # at the end of the asked day


@dataclass(frozen=True, slots=True)
class DublinView:
    deadline: DublinDeadline
    days_left: int | None  # from the asked day to the deadline; None while suspended
    source: str  # the regime's legal source (rules table)


@dataclass(frozen=True, slots=True)
class CaseFile:
    v_number: str
    on: date
    cases: tuple[CaseView, ...]  # opened by the end of `on`, oldest first
    judged: int | None  # the key of the case readiness was judged on
    readiness: Readiness
    #: Why the person is not ready although no condition says so (no open case), else None.
    no_open_case: str | None
    dublin: tuple[DublinView, ...]

    @property
    def ready(self) -> bool:
        return self.no_open_case is None and self.readiness.ready


def case_file(system: System, *, v_number: str, on: date, reader: Access) -> CaseFile:
    """The case file of `v_number` on `on`; raises UnknownPersonError when nothing is stored."""
    with writing(system.engine) as connection:
        record(connection, reader, system.clock())
        history = person_history(connection, v_number)
    if history is None:
        # The sentence does not repeat the V-number: error output ends up in logs (BIO).
        raise UnknownPersonError("no events are stored for this V-number")
    bound = end_of_day_micros(on)
    last_instant = datetime.fromtimestamp(0, UTC) + timedelta(microseconds=bound - 1)
    at = last_instant.astimezone(AMSTERDAM)  # D's last instant, shown in Dutch time
    opened = [case for case in history.cases if case.intake.micros < bound]
    views = tuple(CaseView(case.key, case_state(case.events, at)) for case in opened)
    judged = opened[-1] if opened else None
    return CaseFile(
        v_number=v_number,
        on=on,
        cases=views,
        judged=judged.key if judged else None,
        readiness=_readiness(system, history, judged, on),
        no_open_case=_no_open_case(judged, on, bound),
        dublin=_dublin(system, judged, on, bound),
    )


def _readiness(system: System, history: PersonHistory, case: Case | None, on: date) -> Readiness:
    case_events = case.events if case else []
    return removal_readiness(case_events, on, system.rules, person_events=history.events())


def _no_open_case(case: Case | None, on: date, bound: int) -> str | None:
    if case is None:
        return f"the person had no case open on {on}"
    if case.closing is not None and case.closing.micros < bound:
        closed = case.closing.local_date
        return f"the person had no case open on {on}: the last closed on {closed}"
    return None


def _dublin(system: System, case: Case | None, on: date, bound: int) -> tuple[DublinView, ...]:
    if case is None:
        return ()
    known = [e for e in case.events if e.micros < bound]
    views = []
    for deadline in dublin_deadlines(known, system.rules):
        regime = next((r for r in system.rules.dublin if r.name == deadline.regime), None)
        days = (deadline.deadline - on).days if deadline.deadline else None
        views.append(DublinView(deadline, days, regime.source if regime else ""))
    return tuple(views)
