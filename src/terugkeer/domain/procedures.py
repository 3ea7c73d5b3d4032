"""Procedures of a person: each `procedure_started` paired with the decision that refers to it.

A reference may be started again once decided (EVENTS.md, "References"), so a decision is matched
to the latest start with its reference received before it — by receipt order (`seq`), not by
reference alone. The pairing spans all of the person's cases: a decision may land in a later case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from terugkeer.domain.events import Event, EventType

MEDICAL_POSTPONEMENT = "medical_postponement"


@dataclass(frozen=True, slots=True)
class Procedure:
    start: Event
    decision: Event | None = None

    @property
    def reference(self) -> str:
        return str(self.start.data["reference"])

    @property
    def kind(self) -> str:
        return str(self.start.data["kind"])

    @property
    def flagged_suspensive(self) -> bool:
        """The sender's `suspensive` flag: what the Dublin deadline follows (RULES.md §2)."""
        return self.start.data.get("suspensive") is True

    @property
    def blocks_removal(self) -> bool:
        """Suspensive for removal readiness: the flag, or any medical postponement (Vw art. 64),
        whatever a sender's flag says (RULES.md §1)."""
        return self.flagged_suspensive or self.kind == MEDICAL_POSTPONEMENT

    def pending_before(self, micros: int) -> bool:
        """Started and not decided by instants before `micros`. A decision dated before its
        start (the format allows it) means the procedure was never pending."""
        if self.start.micros >= micros:
            return False
        return self.decision is None or self.decision.micros >= micros


def procedures(person_events: Iterable[Event]) -> list[Procedure]:
    """Every started procedure of the person with its decision (the first received that refers
    to it), in receipt order of the starts."""
    ordered = sorted(person_events, key=lambda e: e.seq)
    decided = decisions_by_start(ordered)
    return [
        Procedure(event, decided[event.seq][0] if event.seq in decided else None)
        for event in ordered
        if event.type == EventType.PROCEDURE_STARTED
    ]


def decision_pairs(person_events: Iterable[Event]) -> dict[int, Procedure]:
    """The procedure of each start and each pairing decision, keyed by the event's seq."""
    pairs: dict[int, Procedure] = {}
    for procedure in procedures(person_events):
        pairs[procedure.start.seq] = procedure
        if procedure.decision is not None:
            pairs[procedure.decision.seq] = procedure
    return pairs


def decisions_by_start(person_events: Iterable[Event]) -> dict[int, list[Event]]:
    """Every decision of the person under the seq of the start it refers to (the latest start
    with its reference received before it), in receipt order: a start may be decided more than
    once, and a later-received decision may be dated earlier."""
    found: dict[int, list[Event]] = {}
    latest: dict[str, int] = {}  # reference → seq of its latest start
    for event in sorted(person_events, key=lambda e: e.seq):
        if event.type == EventType.PROCEDURE_STARTED:
            latest[str(event.data["reference"])] = event.seq
        elif event.type == EventType.PROCEDURE_DECIDED:
            start = latest.get(str(event.data["reference"]))
            if start is not None:
                found.setdefault(start, []).append(event)
    return found
