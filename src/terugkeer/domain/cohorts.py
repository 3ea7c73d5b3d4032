"""The caseload as aggregate cohorts: people counted by the state the simulator needs.

A forecast starts from what the store knows, but never from a person: each open case is reduced
to a `Cohort` — its track, nationality, stance, location, procedure and document situation, with
every date coarsened to its calendar month — and only the number of cases per cohort leaves the
store. The cohort has no V-number, no reference, no name and no exact date, so the simulator that
continues the caseload, and everything it prints, works on counts of alike situations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from terugkeer.domain.calendar import local_date
from terugkeer.domain.events import Event
from terugkeer.domain.state import case_state

#: Beyond these the simulator's behaviour no longer changes, so the cohorts stop splitting.
MAX_MONTHS_OPEN = 24
MAX_DECISIONS = 6


class Cohort(BaseModel):
    """A group of open cases in the same situation (no person in it can be told apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    track: str
    nationality: str
    unaccompanied_minor: bool = False
    months_open: int = 0  # whole months since the intake, at most MAX_MONTHS_OPEN
    stance: str | None = None  # of the latest interview; None: not interviewed yet
    location: str | None = None
    decisions: int = 0  # decisions on procedures in this case, at most MAX_DECISIONS
    pending: str | None = None  # kind of the latest procedure still undecided
    pending_suspensive: bool = False
    return_decision_month: date | None = None
    departure_term_days: int | None = None
    document_valid_until_month: date | None = None
    document_requested: bool = False  # a travel-document request was filed in this case
    open_request_month: date | None = None  # filing month of the request still unanswered
    detained_since_month: date | None = None
    released_month: date | None = None  # of the latest detention, when it has ended
    dublin_stage: str | None = None  # claimed / accepted / refused; None: no claim yet
    dublin_member_state: str | None = None
    dublin_accepted_month: date | None = None
    flight_escort: str | None = None  # of the booked flight still to come, if any
    flight_in_weeks: int | None = None  # 0: within 7 days of the caseload's day, 1: 8-14, ...
    #: Persons in one unit: the open cases of a family, when all alike, move as one.
    persons: int = 1


class AwayCohort(BaseModel):
    """People out of the caseload in a new asylum procedure, who may come back to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nationality: str
    decisions: int = 0  # in all their cases, at most MAX_DECISIONS
    months_away: int = 0  # whole months since their case closed, at most MAX_MONTHS_OPEN


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def cohort_of(case_events: Sequence[Event], at: datetime, decisions: int | None = None) -> Cohort:
    """The cohort of one open case at `at` (its events in history order, intake first).
    `decisions`: the person's decisions in all their cases, as the repeated-procedure figures
    count them (EVENTS.md); by default those of this case."""
    state = case_state(case_events, at)
    cutoff = local_date(at)
    pending = state.pending[-1] if state.pending else None  # the latest started
    # A flight dated on or before the caseload's day that did not close the case is past.
    ahead = min(((f.on, f.escort) for f in state.flights if f.on > cutoff), default=None)
    valid_until = state.travel_document_valid_until
    accepted = state.dublin_stage == "accepted"
    return Cohort(
        track=state.track,
        nationality=state.nationality,
        unaccompanied_minor=state.unaccompanied_minor,
        months_open=min(months_between(local_date(state.opened_at), cutoff), MAX_MONTHS_OPEN),
        stance=state.stance,
        location=state.location,
        decisions=min(state.decisions if decisions is None else decisions, MAX_DECISIONS),
        pending=pending.kind if pending else None,
        pending_suspensive=pending.suspensive if pending else False,
        return_decision_month=_month(state.return_decision_on),
        departure_term_days=state.departure_term_days,
        # A document that has run out is no document; one valid on is kept to its month.
        document_valid_until_month=(
            month_of(valid_until) if valid_until and valid_until >= cutoff else None
        ),
        document_requested=state.document_requests > 0,
        open_request_month=_month(max((r.requested_on for r in state.requests), default=None)),
        detained_since_month=_month(state.detained_since),
        released_month=_month(state.released_on),
        dublin_stage=state.dublin_stage,
        dublin_member_state=state.dublin_stage_member_state,
        dublin_accepted_month=_month(state.dublin_stage_on) if accepted else None,
        # Only the week: a day and a route would point at one person's removal.
        flight_escort=ahead[1] if ahead else None,
        flight_in_weeks=((ahead[0] - cutoff).days - 1) // 7 if ahead else None,
    )


def _month(day: date | None) -> date | None:
    return month_of(day) if day else None
