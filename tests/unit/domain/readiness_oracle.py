"""The removal readiness walker as it was before the case state was one fold (git 573655b):
each condition found the latest event of its type among the events on or before D. Kept as
the oracle that readiness read from the state must equal (test_state_properties.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from terugkeer.domain.calendar import end_of_day_micros
from terugkeer.domain.events import Event, EventType
from terugkeer.domain.messages import Message
from terugkeer.domain.procedures import procedures
from terugkeer.domain.removal import UNACCOMPANIED_MINOR, Condition, Readiness
from terugkeer.domain.rules import RemovalReadinessRule, RulesTable


def old_removal_readiness(
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
    bound = end_of_day_micros(on)
    known = [e for e in case_events if e.micros < bound]
    sources = rules.removal_readiness_on(on)
    safeguards = []
    if case_events and case_events[0].data.get("unaccompanied_minor") is True:
        safeguards.append(UNACCOMPANIED_MINOR)
    closing = next((e for e in known if e.is_closing), None)
    if closing is not None:
        safeguards.append(Message(f"the case was closed by {closing.type} on {closing.local_date}"))
    return Readiness(
        on=on,
        legally_removable=_legally_removable(
            known, person_events or case_events, on, sources.legally_removable_source
        ),
        available=_available(known, on, sources),
        in_detention=_in_detention(known, on, sources),
        travel_document=_travel_document(known, on, sources),
        safeguard_notes=tuple(safeguards),
    )


def _latest(known: Sequence[Event], *types: str) -> Event | None:
    return next((e for e in reversed(known) if e.type in types), None)


def _legally_removable(
    known: Sequence[Event], person_events: Sequence[Event], on: date, source: str
) -> Condition:
    missing = []
    decision = _latest(known, EventType.RETURN_DECISION)
    term_end = None
    if decision is None:
        missing.append(f"no return_decision on or before {on}")
    else:
        term_end = decision.local_date + timedelta(days=decision.data["departure_term_days"])
        if not term_end < on:
            missing.append(f"departure term runs until {term_end}")
    bound = end_of_day_micros(on)
    pending = sorted(
        (p for p in procedures(person_events) if p.blocks_removal and p.pending_before(bound)),
        key=lambda p: p.start.sort_key,
    )
    missing += [
        f"procedure {p.reference} ({p.kind}, suspensive) started {p.start.local_date} is pending"
        for p in pending
    ]
    reason = (
        "; ".join(missing) or f"departure term ended {term_end}, no suspensive procedure pending"
    )
    return Condition(
        "legally_removable", "legally removable", "juridisch uitzetbaar", not missing,
        (Message(reason),), source,
    )  # fmt: skip


def _available(known: Sequence[Event], on: date, sources: RemovalReadinessRule) -> Condition:
    latest = _latest(known, EventType.LOCATION_CHANGED)
    if latest is None:
        holds, reason = False, f"no location_changed on or before {on}"
    elif latest.data.get("kind") == "unknown":
        holds, reason = False, f"location unknown since {latest.local_date}"
    else:
        holds, reason = True, f"at {latest.data.get('kind')} since {latest.local_date}"
    reasons = (Message(reason),)
    custody = _latest(known, EventType.DETENTION_STARTED, EventType.DETENTION_ENDED)
    if (
        custody is not None
        and custody.type == EventType.DETENTION_STARTED
        and (latest is None or custody.local_date >= latest.local_date)
    ):
        reasons += (Message(f"in detention since {custody.local_date}"),)
    return Condition(
        "available", "available", "beschikbaar", holds, reasons, sources.available_source
    )


def _in_detention(known: Sequence[Event], on: date, sources: RemovalReadinessRule) -> Condition:
    latest = _latest(known, EventType.DETENTION_STARTED, EventType.DETENTION_ENDED)
    if latest is None:
        holds, reason = False, f"no detention_started on or before {on}"
    elif latest.type == EventType.DETENTION_ENDED:
        holds = False
        reason = f"detention ended {latest.local_date} ({latest.data.get('reason')})"
    else:
        holds = True
        ground = str(latest.data.get("ground"))
        law = re.fullmatch(r"vw(\d+[a-z]?)", ground)  # as the law names it: art. 59a ...
        named = f"art. {law.group(1)} Aliens Act 2000" if law else ground
        reason = f"in detention since {latest.local_date} (ground {named})"
    return Condition(
        "in_detention",
        "in detention",
        "in bewaring",
        holds,
        (Message(reason),),
        sources.in_detention_source,
    )


def _travel_document(known: Sequence[Event], on: date, sources: RemovalReadinessRule) -> Condition:
    latest = _latest(known, EventType.TRAVEL_DOCUMENT_VALID)
    if latest is None:
        holds, reason = False, f"no travel_document_valid on or before {on}"
    else:
        until = date.fromisoformat(latest.data["valid_until"])
        holds = until >= on
        kind = latest.data.get("kind")
        reason = (
            f"{kind} valid until {until}"
            if holds
            else f"travel document valid until {until}, before {on}"
        )
    return Condition(
        "travel_document", "valid travel document", "geldig reisdocument", holds,
        (Message(reason),), sources.travel_document_source,
    )  # fmt: skip
