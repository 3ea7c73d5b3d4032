"""A chain partner's reach: whose case file, and whose events of other senders, it may read
(issue 26). Pure: given what the agency established about one person, the partner's active
shares and reach rules, and a day, the answer is the ground it may read on, or none.

A partner always reads the events it sent itself; that is not decided here. Everything else
needs a ground the *agency* gave:

- a **share**: a case director shared the person with the partner until a day (inclusive);
- a **reach rule** an administrator configured for the partner, matched by facts that sources
  the rule trusts reported in the person's open case. A rule never trusts the partner's own
  source, whatever it was configured with: what a partner asserts itself can narrow its
  reach (a later location, a cancellation), never widen it.

Facts that narrow (a later `location_changed`, a `detention_ended`, a `flight_cancelled`)
count whoever sent them: a partner that cuts its own reach short harms no one. So adding an
event of an untrusted source never brings a person into reach (a property test holds this).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

#: The agency's own source: its case directors' pages, its own imports.
AGENCY = "DTENV"

#: The person's open case has, by trusted facts, detention as the latest location or a
#: detention started and not ended (DJI: the people in its custody).
CUSTODY = "custody"
#: A flight with a KMar escort, booked by a trusted source and not cancelled, whose date is
#: within the rule's days from today (KMar: the flights it is to carry out).
ESCORTED_FLIGHT = "escorted_flight"
RULE_KINDS = (CUSTODY, ESCORTED_FLIGHT)

#: The event types reach rules look at (the loader reads no others).
FACT_TYPES = frozenset({"location_changed", "detention_started", "detention_ended",
                        "flight_booked", "flight_cancelled"})  # fmt: skip
_CUSTODY_PLACES = frozenset({"detention", "prison"})
_DETENTION = frozenset({"detention_started", "detention_ended"})


@dataclass(frozen=True, slots=True)
class Share:
    """A case director's share of a person with a partner, not ended, until `until`."""

    id: int
    partner: str
    until: date


@dataclass(frozen=True, slots=True)
class ReachRule:
    id: int
    partner: str
    kind: str
    days: int  # ESCORTED_FLIGHT: how far ahead a flight is due; CUSTODY: 0
    trusted: frozenset[str]  # the sources whose facts match it


@dataclass(frozen=True, slots=True)
class Fact:
    """An event of the person's open case, as far as reach looks at it."""

    seq: int
    type: str
    source: str
    occurred_us: int
    kind: str | None = None  # location_changed: the place; flight_booked: the escort
    reference: str | None = None
    flight_date: date | None = None


def ground(partner: str, source: str | None, today: date, shares: Iterable[Share],
           rules: Iterable[ReachRule], facts: Sequence[Fact]) -> str | None:  # fmt: skip
    """Why `partner` (sending as `source`) may read the person on `today`: "share N" or "rule
    N"; None when it may not. `facts` are the person's open case's (none: no open case)."""
    for share in shares:
        if share.partner == partner and today <= share.until:
            return f"share {share.id}"
    ordered = sorted(facts, key=lambda f: (f.occurred_us, f.seq))
    for rule in rules:
        if rule.partner != partner:
            continue
        trusted = rule.trusted - {source}
        if rule.kind == CUSTODY and _in_custody(ordered, trusted):
            return f"rule {rule.id}"
        if rule.kind == ESCORTED_FLIGHT and _flight_due(ordered, trusted, today, rule.days):
            return f"rule {rule.id}"
    return None


def _in_custody(facts: Sequence[Fact], trusted: frozenset[str]) -> bool:
    """The latest place, or the latest detention event, says so and was trusted."""
    place = _latest(f for f in facts if f.type == "location_changed")
    if place is not None and place.source in trusted and place.kind in _CUSTODY_PLACES:
        return True
    held = _latest(f for f in facts if f.type in _DETENTION)
    return held is not None and held.source in trusted and held.type == "detention_started"


def _latest(facts: Iterable[Fact]) -> Fact | None:
    found = None
    for fact in facts:  # in history order: the last one is the latest
        found = fact
    return found


def _flight_due(facts: Sequence[Fact], trusted: frozenset[str], today: date, days: int) -> bool:
    last = today + timedelta(days=days)
    by_seq = sorted(facts, key=lambda f: f.seq)  # a cancellation refers to bookings before it
    for position, booked in enumerate(by_seq):
        if (booked.type != "flight_booked" or booked.source not in trusted
                or booked.kind != "kmar" or booked.flight_date is None
                or not today <= booked.flight_date <= last):  # fmt: skip
            continue
        cancelled = any(later.type == "flight_cancelled" and later.reference == booked.reference
                        for later in by_seq[position + 1:])  # fmt: skip
        if not cancelled:
            return True
    return False
