"""What a case needs from its case director, and by when: the worklist items of one case.

Pure and independent of today: every item has a `due` day and the window in which it shows
(`shows_from` .. `shows_until`), so the store can keep the items of every case as a projection,
rebuilt with the case's events in the same transaction, and a page only filters by today's date.
An item never decides anything: it names the rule (and its legal source) that makes a human
decision or action due — e.g. whether a person whose whereabouts became unknown has absconded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from terugkeer.domain.calendar import add_months, add_period, local_date
from terugkeer.domain.dublin import dublin_deadlines
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.rules import NoRuleInForceError, RulesTable
from terugkeer.domain.state import CaseState, case_state
from terugkeer.domain.transfer import Ground, removal_ground


class ItemKind(StrEnum):
    DUBLIN_TRANSFER_DEADLINE = "dublin_transfer_deadline"
    DUBLIN_REQUEST_DEADLINE = "dublin_request_deadline"
    DUBLIN_REPLY_DEADLINE = "dublin_reply_deadline"
    DETENTION_REVIEW = "detention_review"
    DETENTION_MAXIMUM = "detention_maximum"
    DEPARTURE_TERM_ENDS = "departure_term_ends"
    DOCUMENT_REQUEST_UNANSWERED = "document_request_unanswered"
    TRAVEL_DOCUMENT_EXPIRES_BEFORE_FLIGHT = "travel_document_expires_before_flight"
    NO_INTERVIEW = "no_interview"
    FLIGHT_UPCOMING = "flight_upcoming"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown"

    @property
    def is_legal(self) -> bool:
        """A deadline set by law (or one that decides whether a legal deadline is kept), which
        comes before the agency's own cadence on the worklist: a missed detention review or
        Dublin deadline cannot be made up for, a late interview can."""
        return self not in PRACTICE_KINDS


#: The agency's working practice: an interview every six weeks, and deciding on a document
#: request unanswered for 12 months. Everything else is legal, whereabouts_unknown included:
#: it has no deadline of its own, but the decision it asks for (has the person absconded?)
#: moves legal ones. A Dublin transfer deadline becomes 18 months only when the responsible
#: state is told of the absconding before the 6 months run out (Dublin III art. 29(2)), and a
#: person whose whereabouts are unknown is not available for removal, so a flight or detention
#: plan built on it fails. Left among hundreds of interview reminders, it would be found late.
PRACTICE_KINDS = frozenset({ItemKind.NO_INTERVIEW, ItemKind.DOCUMENT_REQUEST_UNANSWERED})

#: "This week" on the worklist: due after today and within this many days.
WEEK_DAYS = 7


class Urgency(StrEnum):
    """How soon an item is due, seen from one day: the worklist's groups, in their order."""

    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"  # the next WEEK_DAYS days
    LATER = "later"


def urgency(due: date, on: date) -> Urgency:
    if due < on:
        return Urgency.OVERDUE
    if due == on:
        return Urgency.TODAY
    return Urgency.WEEK if due <= on + timedelta(days=WEEK_DAYS) else Urgency.LATER


class WorkItem(NamedTuple):
    """A tuple, not a frozen dataclass: the projections build every item of every touched
    case on every batch, and a frozen dataclass's __init__ sets each field by a call."""

    kind: ItemKind
    due: date
    shows_from: date
    shows_until: date | None  # None: until the case's events make it go
    source: str  # the legal rule (or the agency's working practice) that put it there
    #: Values the item's sentence names (a reference, a member state, a date), no personal data.
    details: Mapping[str, str] = MappingProxyType({})

    def shows_on(self, day: date) -> bool:
        return self.shows_from <= day and (self.shows_until is None or day <= self.shows_until)


def work_items(
    case_events: Sequence[Event], rules: RulesTable, state: CaseState | None = None
) -> list[WorkItem]:
    """The items of one case (its events in history order, intake first), soonest due first;
    `state` is the case's state after all of them, when the caller has folded it already. A
    closed case needs nothing more."""
    state = state or case_state(case_events)
    if not state.is_open:
        return []
    intake = case_events[0].local_date
    try:
        practice = rules.worklist_on(intake)
    except NoRuleInForceError:
        return []
    items = [
        *_dublin(case_events, state, rules, practice.dublin_transfer_window_days),
        *_detention(state, rules, practice.detention_review_window_days,
                    practice.detention_maximum_window_days),
        *_departure_term(case_events, state, rules, practice.departure_term_window_days),
        *_document_requests(state, rules),
        *_flights(state, practice.flight_window_days, practice.flight_source),
        *_interview(case_events, state, practice.interview_interval_days,
                    practice.interview_source),
        *_whereabouts(state, rules),
    ]  # fmt: skip
    return sorted(items, key=lambda item: (item.due, item.kind.value))


def _dublin(
    events: Sequence[Event], state: CaseState, rules: RulesTable, window: int
) -> list[WorkItem]:
    items: list[WorkItem] = []
    if state.dublin_stage is None:  # no claim, acceptance or refusal: nothing to scan for
        return _dublin_request(events, state, rules, items)
    for deadline in dublin_deadlines(events, rules):
        if deadline.deadline is None or deadline.transferred:
            continue
        regime = next(r for r in rules.dublin if r.name == deadline.regime)
        items.append(
            WorkItem(
                ItemKind.DUBLIN_TRANSFER_DEADLINE, deadline.deadline,
                deadline.deadline - timedelta(days=window), deadline.deadline, regime.source,
                {"member_state": deadline.member_state},
            )
        )  # fmt: skip
    claims = [e for e in events if e.type == EventType.DUBLIN_CLAIM]
    answered = {
        str(e.data["member_state"])
        for e in events
        if e.type in (EventType.DUBLIN_ACCEPTED, EventType.DUBLIN_REFUSED)
    }
    for claim in claims:
        member_state = str(claim.data["member_state"])
        if member_state in answered:
            continue
        try:
            regime = rules.dublin_regime(claim.local_date)
        except NoRuleInForceError:
            continue
        reply = (
            regime.take_charge_reply
            if claim.data["kind"] == "take_charge"
            else (regime.take_back_reply)
        )
        due = add_period(claim.local_date, reply)
        kind = str(claim.data["kind"])
        # Once `due` passes unanswered, silence counts as acceptance: the item then names the
        # article that says so (RULES.md §2).
        silence = regime.take_charge_silence if kind == "take_charge" else regime.take_back_silence
        items.append(
            WorkItem(
                ItemKind.DUBLIN_REPLY_DEADLINE, due, claim.local_date, None, regime.source,
                {"member_state": member_state, "kind": kind, "silence": silence},
            )
        )  # fmt: skip
    return items if claims else _dublin_request(events, state, rules, items)


def _dublin_request(
    events: Sequence[Event], state: CaseState, rules: RulesTable, items: list[WorkItem]
) -> list[WorkItem]:
    """`items`, and the deadline for a Dublin claim when a Dublin case has made none yet."""
    if state.track == "dublin":
        opened = events[0].local_date
        try:
            regime = rules.dublin_regime(opened)
        except NoRuleInForceError:
            return items
        due = add_period(opened, regime.request_period)
        items.append(WorkItem(ItemKind.DUBLIN_REQUEST_DEADLINE, due, opened, None, regime.source))
    return items


def _detention(
    state: CaseState, rules: RulesTable, review_window: int, maximum_window: int
) -> list[WorkItem]:
    since = state.detained_since
    if not state.in_detention or since is None:
        return []
    limits = rules.detention_on(since)
    maximum = add_months(since, limits.max_months)
    items = [
        WorkItem(
            ItemKind.DETENTION_MAXIMUM, maximum, maximum - timedelta(days=maximum_window),
            None, limits.source, {"since": since.isoformat()},
        )
    ]  # fmt: skip
    review = since + timedelta(days=limits.review_days)
    while review < maximum:
        items.append(
            WorkItem(
                ItemKind.DETENTION_REVIEW, review, review - timedelta(days=review_window),
                review, limits.source, {"since": since.isoformat()},
            )
        )  # fmt: skip
        review += timedelta(days=limits.review_days)
    return items


def _departure_term(
    events: Sequence[Event], state: CaseState, rules: RulesTable, window: int
) -> list[WorkItem]:
    """The end of the departure term, when from then on the return decision is what makes the
    person removable. Not while a Dublin claim runs on that day, nor on the dublin track while
    no claim is accepted: the transfer is the ground then, and a return decision gives none
    (RULES.md §1); the transfer deadline item says what is due instead."""
    decided = state.return_decision_on
    if decided is None:
        return []
    ends = decided + timedelta(days=state.departure_term_days or 0)
    dublin = state.dublin_stage is not None or state.track == "dublin"
    if dublin and removal_ground(events, ends, rules).kind == Ground.DUBLIN_TRANSFER:
        return []
    term = rules.departure_term_on(decided)
    return [
        WorkItem(
            ItemKind.DEPARTURE_TERM_ENDS, ends, ends - timedelta(days=window), ends, term.source
        )
    ]


def _document_requests(state: CaseState, rules: RulesTable) -> list[WorkItem]:
    items = []
    for request in state.requests:
        rule = rules.document_request_on(request.requested_on)
        due = add_months(request.requested_on, rule.withdrawal_months)
        items.append(
            WorkItem(
                ItemKind.DOCUMENT_REQUEST_UNANSWERED, due, due, None, rule.source,
                {"reference": request.reference, "requested_on": request.requested_on.isoformat()},
            )
        )  # fmt: skip
    return items


def _flights(state: CaseState, window: int, source: str) -> list[WorkItem]:
    items = []
    valid_until = state.travel_document_valid_until
    for flight in state.flights:
        details = {"reference": flight.reference}
        items.append(
            WorkItem(
                ItemKind.FLIGHT_UPCOMING, flight.on, flight.on - timedelta(days=window),
                flight.on, source, details,
            )
        )  # fmt: skip
        if valid_until is None or valid_until < flight.on:
            until = {"valid_until": valid_until.isoformat() if valid_until else ""}
            items.append(
                WorkItem(
                    ItemKind.TRAVEL_DOCUMENT_EXPIRES_BEFORE_FLIGHT, flight.on,
                    local_date(state.opened_at), flight.on, source, {**details, **until},
                )
            )  # fmt: skip
    return items


def _interview(
    events: Sequence[Event], state: CaseState, interval: int, source: str
) -> list[WorkItem]:
    """Due `interval` days after the latest interview (events are in history order, so the
    last in the list), or after the intake when there was none (no scan then)."""
    last = events[0].local_date
    if state.interviews:
        last = next(e.local_date for e in reversed(events) if e.type == EventType.INTERVIEW)
    due = last + timedelta(days=interval)
    return [WorkItem(ItemKind.NO_INTERVIEW, due, due, None, source, {"last": last.isoformat()})]


def _whereabouts(state: CaseState, rules: RulesTable) -> list[WorkItem]:
    since = state.location_since
    if state.location != "unknown" or since is None:
        return []
    source = rules.removal_readiness_on(since).available_source
    return [WorkItem(ItemKind.WHEREABOUTS_UNKNOWN, since, since, None, source)]
