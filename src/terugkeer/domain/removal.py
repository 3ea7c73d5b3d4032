"""Removal readiness: the four conditions of RULES.md §1 on a date, each with its reason.

Readiness is information for a person's decision, never a decision itself (GDPR art. 22).
"On or before D" means an event whose Europe/Amsterdam date is <= D: the conditions read the
case's state at the last instant of D (`domain/state.py`), and the person's procedures are
judged pending at the end of D too, so that a past date is judged on what had happened by then
(as the EVENTS.md figures judge "pending").

A Dublin transfer is not a return (RULES.md §1): while a claim runs, "legally removable" is
judged by the transfer (`domain/transfer.py`) — no return decision or departure term — and a
return decision of the case counts only once no claim runs. The other three conditions and
the safeguards are the same for a transfer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from terugkeer.domain.calendar import end_of_day_micros, to_micros
from terugkeer.domain.events import Event
from terugkeer.domain.messages import Code, Country, Message, say
from terugkeer.domain.narrative import detention_ground
from terugkeer.domain.procedures import procedures
from terugkeer.domain.rules import NoRuleInForceError, RemovalReadinessRule, RulesTable
from terugkeer.domain.state import CaseState, case_state, initial
from terugkeer.domain.transfer import (
    RETURN,
    Claim,
    ClaimStatus,
    Ground,
    RemovalGround,
    removal_ground,
)

UNACCOMPANIED_MINOR = say(
    "unaccompanied minor: removal also needs confirmed adequate reception in the country of "
    "return (Return Directive art. 10), which the v1 events cannot record"
)


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    label_en: str
    label_nl: str
    holds: bool
    #: Why it holds or not: one sentence, or one per thing missing.
    why: tuple[Message, ...]
    #: The legal ground of the condition (rules table), shown wherever the condition is.
    source: str

    @property
    def reason(self) -> str:
        """The reason in English, as the CLI and its JSON give it."""
        return "; ".join(str(message) for message in self.why)


@dataclass(frozen=True, slots=True)
class Readiness:
    on: date
    legally_removable: Condition
    available: Condition
    in_detention: Condition
    travel_document: Condition
    #: Extra reasons that block readiness even when all four conditions hold.
    safeguard_notes: tuple[Message, ...]
    #: What "legally removable" is judged by: a Dublin transfer or a return decision.
    ground: RemovalGround = RETURN

    @property
    def conditions(self) -> tuple[Condition, Condition, Condition, Condition]:
        return (self.legally_removable, self.available, self.in_detention, self.travel_document)

    @property
    def safeguards(self) -> tuple[str, ...]:
        """The safeguards in English, as the CLI and its JSON give them."""
        return tuple(str(note) for note in self.safeguard_notes)

    @property
    def ready(self) -> bool:
        return all(c.holds for c in self.conditions) and not self.safeguard_notes


def removal_readiness(
    case_events: Sequence[Event],
    on: date,
    rules: RulesTable,
    *,
    person_events: Sequence[Event] | None = None,
) -> Readiness:
    """The four conditions for one case (events in history order, intake first) on date `on`.

    `person_events` are all events of the person, in any of their cases (default: the case's):
    a suspensive procedure still pending from an earlier case blocks removal too (RULES.md §1).
    The v1 return decision carries its own departure term; the table gives each condition's
    legal source.
    """
    state, ground = None, RETURN
    if case_events:
        at = last_instant(on)
        opened = case_events[0].micros <= to_micros(at)
        # A case not open yet on `on`: nothing of it had happened, but its intake still names
        # the safeguard of an unaccompanied minor.
        state = case_state(case_events, at) if opened else initial(case_events[0], at)
        ground = removal_ground(case_events, on, rules)
    return readiness(state, on, rules, person_events or case_events, ground)


def last_instant(on: date) -> datetime:
    """The last microsecond of `on` in Europe/Amsterdam (as a UTC datetime)."""
    return datetime.fromtimestamp(0, UTC) + timedelta(microseconds=end_of_day_micros(on) - 1)


def readiness(
    state: CaseState | None,
    on: date,
    rules: RulesTable,
    person_events: Sequence[Event],
    ground: RemovalGround = RETURN,
) -> Readiness:
    """The conditions on `on` of a case in `state` at the end of that day (None: no case),
    with the suspensive procedures of `person_events` still pending then, legally removable
    judged by `ground` (the case's Dublin claims on `on`, `removal_ground`)."""
    sources = rules.removal_readiness_on(on)
    safeguards = []
    if state is not None and state.unaccompanied_minor:
        safeguards.append(UNACCOMPANIED_MINOR)
    if state is not None and state.closed_by is not None:
        safeguards.append(say(
            "the case was closed by %(type)s on %(day)s", type=Code(state.closed_by),
            day=state.closed_on or on,
        ))  # fmt: skip
    return Readiness(
        on=on,
        legally_removable=_legally_removable(state, ground, person_events, on, rules),
        available=_available(state, on, sources),
        in_detention=_in_detention(state, on, sources),
        travel_document=_travel_document(state, on, sources),
        safeguard_notes=tuple(safeguards),
        ground=ground,
    )


def _legally_removable(
    state: CaseState | None,
    ground: RemovalGround,
    person_events: Sequence[Event],
    on: date,
    rules: RulesTable,
) -> Condition:
    pending = _pending(person_events, on)
    if ground.kind == Ground.DUBLIN_TRANSFER:
        return _by_transfer(ground, pending, on, rules)
    notes = [_claim_note(claim) for claim in ground.claims]
    source = rules.removal_readiness_on(on).legally_removable_source
    return _by_return_decision(state, pending, on, source, notes)


def _pending(person_events: Sequence[Event], on: date) -> list[Message]:
    """A sentence per suspensive procedure of the person pending at the end of `on`."""
    bound = end_of_day_micros(on)
    pending = sorted(
        (p for p in procedures(person_events) if p.blocks_removal and p.pending_before(bound)),
        key=lambda p: p.start.sort_key,
    )
    return [
        say(
            "procedure %(reference)s (%(kind)s, suspensive) started %(day)s is pending",
            reference=p.reference, kind=Code(p.kind), day=p.start.local_date,
        )
        for p in pending
    ]  # fmt: skip


def _by_transfer(
    ground: RemovalGround, pending: list[Message], on: date, rules: RulesTable
) -> Condition:
    """RULES.md §1: a running claim is the ground, blocked only by a suspensive procedure."""
    claim = ground.transfer
    if claim is None:  # the dublin track, no claim accepted yet
        notes = [_claim_note(c) for c in ground.claims]
        missing = [say("no accepted Dublin claim on or before %(on)s", on=on), *notes, *pending]
        return _condition(False, missing, _transfer_source(rules, None, on))
    why = pending or [_transfer_holds(claim)]
    return _condition(not pending, why, _transfer_source(rules, claim, on))


def _transfer_holds(claim: Claim) -> Message:
    if claim.deadline is None:
        return say(
            "Dublin transfer to %(member_state)s: claim accepted %(day)s, its transfer deadline "
            "not yet running; no suspensive procedure pending",
            member_state=Country(claim.member_state), day=claim.accepted_on or claim.on,
        )  # fmt: skip
    return say(
        "Dublin transfer to %(member_state)s: claim accepted %(day)s, transfer deadline "
        "%(deadline)s; no suspensive procedure pending",
        member_state=Country(claim.member_state), day=claim.accepted_on or claim.on,
        deadline=claim.deadline,
    )  # fmt: skip


def _claim_note(claim: Claim) -> Message:
    """What happened to a claim that gives no ground, for the reason beside the return rule."""
    state = Country(claim.member_state)
    if claim.status == ClaimStatus.REFUSED:
        return say("Dublin claim to %(member_state)s refused %(day)s", member_state=state,
                   day=claim.on)  # fmt: skip
    if claim.status == ClaimStatus.EXPIRED and claim.deadline is not None:
        return say(
            "transfer deadline to %(member_state)s passed on %(day)s: the Netherlands became "
            "responsible", member_state=state, day=claim.deadline,
        )  # fmt: skip
    if claim.status == ClaimStatus.NO_RULE:
        return say(
            "Dublin claim to %(member_state)s accepted %(day)s: no rule of the rules table "
            "gives its transfer deadline", member_state=state, day=claim.on,
        )  # fmt: skip
    return say("Dublin claim to %(member_state)s of %(day)s not yet answered",
               member_state=state, day=claim.on)  # fmt: skip


def _transfer_source(rules: RulesTable, claim: Claim | None, on: date) -> str:
    """The transfer source of the claim's regime (chosen by the claim, RULES.md §2), or of the
    regime in force on `on` while no claim was accepted."""
    regime = next((r for r in rules.dublin if claim and r.name == claim.regime), None)
    if regime is None:
        try:
            regime = rules.dublin_regime(on)
        except NoRuleInForceError:
            return rules.removal_readiness_on(on).legally_removable_source
    return regime.transfer_source


def _condition(holds: bool, why: Sequence[Message], source: str) -> Condition:
    return Condition(
        "legally_removable", "legally removable", "juridisch uitzetbaar", holds, tuple(why),
        source,
    )  # fmt: skip


def _by_return_decision(
    state: CaseState | None, pending: list[Message], on: date, source: str, notes: list[Message]
) -> Condition:
    missing = []
    term_end = None
    if state is None or state.return_decision_on is None:
        missing.append(say("no return_decision on or before %(on)s", on=on))
    else:
        term_end = state.return_decision_on + timedelta(days=state.departure_term_days or 0)
        if not term_end < on:
            missing.append(say("departure term runs until %(day)s", day=term_end))
    missing += pending
    why = missing or [say(
        "departure term ended %(day)s, no suspensive procedure pending", day=term_end or on
    )]  # fmt: skip
    return _condition(not missing, [*notes, *why], source)


def _available(state: CaseState | None, on: date, sources: RemovalReadinessRule) -> Condition:
    if state is None or state.location is None:
        holds, reason = False, say("no location_changed on or before %(on)s", on=on)
    elif state.location == "unknown":
        holds = False
        reason = say("location unknown since %(day)s", day=state.location_since or on)
    else:
        holds = True
        reason = say(
            "at %(location)s since %(day)s", location=Code(state.location),
            day=state.location_since or on,
        )  # fmt: skip
    reasons: tuple[Message, ...] = (reason,)
    # The rule reads the latest location (RULES.md); a detention since then is where the person
    # is now, and the page must not leave "at the azc" standing alone beside it.
    since = state.detained_since if state is not None and state.in_detention else None
    if since is not None and (state is None or state.location_since is None
                              or since >= state.location_since):  # fmt: skip
        reasons += (say("in detention since %(day)s", day=since),)
    return Condition(
        "available", "available", "beschikbaar", holds, reasons, sources.available_source
    )


def _in_detention(state: CaseState | None, on: date, sources: RemovalReadinessRule) -> Condition:
    if state is not None and state.in_detention:
        holds = True
        reason = say(
            "in detention since %(day)s (ground %(ground)s)", day=state.detained_since or on,
            ground=detention_ground(state.detention_ground),
        )  # fmt: skip
    elif state is not None and state.released_on is not None:
        holds = False
        reason = say(
            "detention ended %(day)s (%(why)s)", day=state.released_on,
            why=Code(str(state.release_reason)),
        )  # fmt: skip
    else:
        holds, reason = False, say("no detention_started on or before %(on)s", on=on)
    return Condition(
        "in_detention", "in detention", "in bewaring", holds, (reason,),
        sources.in_detention_source,
    )  # fmt: skip


def _travel_document(state: CaseState | None, on: date, sources: RemovalReadinessRule) -> Condition:
    until = state.travel_document_valid_until if state else None
    if state is None or until is None:
        holds, reason = False, say("no travel_document_valid on or before %(on)s", on=on)
    else:
        holds = until >= on
        reason = (
            say("%(kind)s valid until %(day)s", kind=Code(str(state.travel_document_kind)),
                day=until)
            if holds
            else say("travel document valid until %(day)s, before %(on)s", day=until, on=on)
        )  # fmt: skip
    return Condition(
        "travel_document", "valid travel document", "geldig reisdocument", holds, (reason,),
        sources.travel_document_source,
    )  # fmt: skip
