"""Everything held on one person, for their request (AVG art. 15), gathered for the privacy
officer (functionaris gegevensbescherming):

- every event of the person as stored, withdrawn ones included and marked so, each with its
  sender (only a fact's sender withdraws it: a rectification request goes to that sender,
  EVENTS.md v1.1), when it occurred, when it was recorded and by whom;
- the state of each case and its removal readiness at the end of every day on which something
  happened in it — the one fold (domain/state.py) and the four conditions (domain/removal.py)
  as the store judges them now, withdrawn facts left out;
- every access-log row about the person: who read or changed their case, and when;
- every webhook delivery of their events: which partner received what, and when;
- who directed their cases (assignments) and the partners a case director shared them with.

Every look is logged in the access log (who, the person, the request's reference), in the
transaction that reads it, so that no export exists that nobody is logged as having made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from terugkeer.bootstrap import System
from terugkeer.domain.history import Case, PersonHistory
from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.removal import Readiness, last_instant, removal_readiness
from terugkeer.domain.rules import NoRuleInForceError
from terugkeer.domain.state import CaseState, case_state
from terugkeer.domain.subject_request import PROBLEMS, reason_problem
from terugkeer.services.errors import ServiceError, UnknownPersonError
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.partners import all_partners
from terugkeer.store.queries import person_events
from terugkeer.store.reach import ShareRow, shares
from terugkeer.store.subject import (
    DeliveredEvent,
    LoggedAccess,
    accesses_of,
    deliveries_of,
    events_under,
)
from terugkeer.store.workplace import assignments_of, receipts

__all__ = [
    "Assignment", "DayState", "DeliveredEvent", "LoggedAccess", "PseudonymisedPersonError",
    "ReasonError", "Retraction", "ShareRow", "SubjectEvent", "SubjectRecord", "subject_record",
]  # fmt: skip

_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


class ReasonError(ServiceError):
    """The reason given cannot be logged (domain/subject_request.py); `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(PROBLEMS[code])
        self.code = code


class PseudonymisedPersonError(UnknownPersonError):
    """Retention pseudonymised the person: nothing identifying is left to export."""


@dataclass(frozen=True, slots=True)
class Retraction:
    """The `retracted` event that withdrew a fact: by its sender, with a reason code."""

    seq: int
    id: str
    source: str
    reason: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class SubjectEvent:
    seq: int
    id: str
    type: str
    source: str  # the sender: the one who can withdraw or correct it
    occurred_at: datetime
    recorded_at: datetime
    #: A user who recorded it on a page; None for a partner's or a file's event.
    recorded_by: str | None
    data: dict[str, Any]
    case: int | None  # the key (intake seq) of its case; None for a retraction
    withdrawn_by: Retraction | None = None
    #: A retraction: the id of the event it withdrew.
    withdraws: str | None = None


@dataclass(frozen=True, slots=True)
class DayState:
    """A case at the end of a day on which something happened in it."""

    case: int
    on: date
    state: CaseState
    readiness: Readiness | None  # None before the first rule of the rules table


class Assignment(NamedTuple):
    at: str  # UTC, the store's form
    director: str
    assigned_by: str


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    v_number: str
    made_at: datetime
    made_by: str
    reason: str
    events: list[SubjectEvent]  # receipt order
    states: list[DayState]  # case by case, day by day
    accesses: list[LoggedAccess]  # oldest first, before this look
    deliveries: list[DeliveredEvent]  # oldest first
    assignments: list[Assignment]  # oldest first
    shares: list[ShareRow]  # newest first, each with its early end
    #: The partner account that holds each sender's source now (a source is one sender's at a
    #: time, EVENTS.md v1.1): who receives a rectification request. DTENV: the agency itself.
    sender_accounts: dict[str, str]

    @property
    def senders(self) -> list[str]:
        """The senders of the person's facts: where a rectification request goes."""
        return sorted({e.source for e in self.events})

    def by_sender(self, source: str) -> list[SubjectEvent]:
        return [e for e in self.events if e.source == source]


def subject_record(
    system: System, *, v_number: str, by: str, reason: str, reader: Access
) -> SubjectRecord:
    """The record of `v_number`, logged as `reader` (its detail gets the reason). Raises
    ServiceError for a malformed V-number and ReasonError for a reason that cannot be logged
    (nothing is read or logged), UnknownPersonError
    when nothing is stored (the attempt is logged, `….unknown`)."""
    if not is_v_number(v_number):
        # Refused before anything is logged: the log holds a V-number only in its form.
        raise ServiceError("a V-number is 10 digits")
    problem = reason_problem(reason)
    if problem is not None:
        raise ReasonError(problem)
    reason = reason.strip()
    detail = f"{reader.detail}; why={reason}" if reader.detail else f"why={reason}"
    with writing(system.engine) as connection:
        stored = person_events(connection, v_number)
        held, retained = bool(stored), 0
        if held:
            seen = receipts(connection, v_number)
            accesses = accesses_of(connection, v_number)
            deliveries = deliveries_of(connection, v_number)
            assigned = [Assignment(*row) for row in assignments_of(connection, v_number)]
            shared = shares(connection, v_number=v_number)
            holders = {
                p.source: p.name for p in all_partners(connection)
                if p.source and p.kind == "partner" and p.revoked_at is None
            }  # fmt: skip
        else:
            retained = events_under(connection, system.pseudonyms.subject(v_number))
        action = reader.action if held else f"{reader.action}.unknown"
        now = system.clock()
        logged = Access(reader.actor, reader.channel, action, reader.origin, v_number, detail)
        record(connection, logged, now)  # last: it holds the log's lock to the commit
    if not held:
        # The sentences do not repeat the V-number: error output ends up in logs (BIO).
        if retained:
            raise PseudonymisedPersonError(
                f"retention pseudonymised this person ({retained} events): nothing that "
                "identifies them is left to export"
            )
        raise UnknownPersonError("no events are stored for this V-number")
    history = PersonHistory(v_number, stored)
    return SubjectRecord(
        v_number, now, by, reason, _events(stored, history, seen), _states(system, history),
        accesses, deliveries, assigned, shared,
        {source: holders[source] for source in sorted({e.source for e in stored})
         if source in holders},
    )  # fmt: skip


def _time(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def _events(stored: list[Any], history: PersonHistory, seen: dict[int, Any]) -> list[SubjectEvent]:
    case_of = {e.seq: case.key for case in history.cases for e in case.events}
    for withdrawal in history.withdrawals:
        case_of[withdrawal.event.seq] = withdrawal.case_key
    retractions = {w.event.seq: w.retraction for w in history.withdrawals}
    named = {w.retraction.seq: w.event.id for w in history.withdrawals}
    found = []
    for event in stored:
        recorded_at, actor = seen[event.seq]
        by = retractions.get(event.seq)
        withdrawn = None
        if by is not None:
            at, who = seen[by.seq]
            reason = str(by.data.get("reason", ""))
            withdrawn = Retraction(by.seq, by.id, by.source, reason, by.occurred_at, _time(at),
                                   who)  # fmt: skip
        found.append(SubjectEvent(
            event.seq, event.id, event.type, event.source, event.occurred_at,
            _time(recorded_at), actor, dict(event.data), case_of.get(event.seq), withdrawn,
            named.get(event.seq),
        ))  # fmt: skip
    return found


def _states(system: System, history: PersonHistory) -> list[DayState]:
    person = history.events()
    return [state for case in history.cases for state in _days(system, case, person)]


def _days(system: System, case: Case, person: list[Any]) -> list[DayState]:
    """The case at the end of each day one of its (live) events occurred on."""
    found = []
    for day in sorted({e.local_date for e in case.events}):
        state = case_state(case.events, last_instant(day))
        try:
            readiness: Readiness | None = removal_readiness(
                case.events, day, system.rules, person_events=person
            )
        except NoRuleInForceError:
            readiness = None
        found.append(DayState(case.key, day, state, readiness))
    return found
