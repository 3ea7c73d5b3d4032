"""Removal by Dublin transfer (RULES.md §1, "A Dublin transfer is not a return"): the Dublin
claims of a case on a date, and the ground they leave for "legally removable" — a transfer to
the member state of a running claim, or the return decision of the return rule.

Judged from the case's events dated on or before D (Europe/Amsterdam), as the rest of
readiness is. A refusal from a member state ends every earlier claim of that state, accepted
or not (RULES.md: an acceptance "not followed, in history order, by a `dublin_refused` from the
same member state"). Pure: `domain/removal.py` turns the ground into the condition's reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from terugkeer.domain.calendar import end_of_day_micros
from terugkeer.domain.dublin import DublinDeadline, dublin_deadlines
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.rules import RulesTable


class ClaimStatus(StrEnum):
    UNANSWERED = "unanswered"  # claimed, no acceptance or refusal yet
    RUNNING = "running"  # accepted, its transfer deadline is on or after D
    HELD = "held"  # accepted, no deadline runs: a suspensive procedure after it is pending
    REFUSED = "refused"
    EXPIRED = "expired"  # accepted, the deadline passed before D: the Netherlands is responsible
    NO_RULE = "no_rule"  # accepted, but dated before every Dublin regime of the rules table


#: The statuses of a claim that gives a ground for removal by transfer.
RUNNING = frozenset({ClaimStatus.RUNNING, ClaimStatus.HELD})


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim to a member state as known at the end of D."""

    member_state: str
    status: ClaimStatus
    #: Day of the claim's latest event on or before D (claim, acceptance or refusal).
    on: date
    #: Day of the acceptance (None when not accepted, or refused without one).
    accepted_on: date | None = None
    implicit: bool = False
    deadline: date | None = None
    regime: str | None = None  # the Dublin regime of an accepted claim (rules table name)
    suspended_by: str | None = None  # the pending procedure that holds the deadline

    @property
    def running(self) -> bool:
        return self.status in RUNNING


class Ground(StrEnum):
    """What "legally removable" is judged by."""

    DUBLIN_TRANSFER = "dublin_transfer"
    RETURN_DECISION = "return_decision"


@dataclass(frozen=True, slots=True)
class RemovalGround:
    kind: Ground
    #: Every Dublin claim of the case as known at the end of D, in history order.
    claims: tuple[Claim, ...] = ()

    @property
    def transfer(self) -> Claim | None:
        """The running claim that gives the ground (the first one: any of them would do)."""
        return next((c for c in self.claims if c.running), None)

    @property
    def member_state(self) -> str | None:
        transfer = self.transfer
        return transfer.member_state if transfer else None


RETURN = RemovalGround(Ground.RETURN_DECISION)


def removal_ground(case_events: Sequence[Event], on: date, rules: RulesTable) -> RemovalGround:
    """The ground of a case (events in history order, intake first) on `on`: a transfer while a
    claim runs, and on the `dublin` track while no claim was accepted (none made, or one not
    yet answered: RULES.md §1 makes that "no accepted Dublin claim"); else the return rule."""
    if not case_events:
        return RETURN
    claims = dublin_claims(case_events, on, rules)
    dublin_track = case_events[0].data.get("track") == "dublin"
    awaiting = not claims or any(c.status == ClaimStatus.UNANSWERED for c in claims)
    if any(c.running for c in claims) or (dublin_track and awaiting):
        return RemovalGround(Ground.DUBLIN_TRANSFER, claims)
    return RemovalGround(Ground.RETURN_DECISION, claims)


def dublin_claims(case_events: Sequence[Event], on: date, rules: RulesTable) -> tuple[Claim, ...]:
    """The claims of the case as known at the end of `on`, in history order of their first
    event. An acceptance or refusal answers the latest open claim to its member state (or
    stands for a claim on its own when the case holds none: the format does not require one)."""
    bound = end_of_day_micros(on)
    known = [e for e in case_events if e.micros < bound]
    deadlines = {d.accepted_seq: d for d in dublin_deadlines(known, rules)}
    claims: list[Claim] = []
    for event in known:
        if event.type == EventType.DUBLIN_CLAIM:
            claims.append(Claim(str(event.data["member_state"]), ClaimStatus.UNANSWERED,
                                event.local_date))  # fmt: skip
        elif event.type == EventType.DUBLIN_ACCEPTED:
            _answer(claims, _accepted(event, deadlines[event.seq], on))
        elif event.type == EventType.DUBLIN_REFUSED:
            _refuse(claims, str(event.data["member_state"]), event.local_date)
    return tuple(claims)


def _accepted(event: Event, deadline: DublinDeadline, on: date) -> Claim:
    if deadline.regime == "none":
        status = ClaimStatus.NO_RULE
    elif deadline.deadline is None:
        status = ClaimStatus.HELD
    else:
        status = ClaimStatus.RUNNING if deadline.deadline >= on else ClaimStatus.EXPIRED
    return Claim(
        deadline.member_state, status, event.local_date, accepted_on=event.local_date,
        implicit=event.data.get("implicit") is True, deadline=deadline.deadline,
        regime=None if deadline.regime == "none" else deadline.regime,
        suspended_by=deadline.suspended_by,
    )  # fmt: skip


def _answer(claims: list[Claim], accepted: Claim) -> None:
    """The acceptance answers the latest unanswered claim to its member state."""
    for i in reversed(range(len(claims))):
        claim = claims[i]
        if claim.member_state == accepted.member_state and claim.status == "unanswered":
            claims[i] = accepted
            return
    claims.append(accepted)


def _refuse(claims: list[Claim], member_state: str, on: date) -> None:
    """Every earlier claim to `member_state` that is not refused already is refused now."""
    refused = [i for i, c in enumerate(claims)
               if c.member_state == member_state and c.status != ClaimStatus.REFUSED]  # fmt: skip
    for i in refused:
        claims[i] = replace(claims[i], status=ClaimStatus.REFUSED, on=on)
    if not refused:
        claims.append(Claim(member_state, ClaimStatus.REFUSED, on))
