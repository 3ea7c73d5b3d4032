"""Withdrawal (EVENTS.md v1.1, "Corrections"): which event a `retracted` event names, and
whether it may be withdrawn now.

Facts are never edited or deleted. A sender withdraws its own earlier event; from then on every
derived state is computed as if that event had never been received, while the stored history
keeps both. The history (`domain/history.py`) applies a withdrawal; this module judges one:
same sender only, no retraction of a retraction or of a withdrawn event, dependants first, and
no closing event withdrawn while a later case of the person stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from terugkeer.domain import errors
from terugkeer.domain.events import REFERRING_TYPES, Event, EventType
from terugkeer.domain.messages import Code, Message, say

#: The type each referring type relies on, and back: a start, request or booking is relied on
#: by the decision, answer or cancellation that names its reference.
_RELIED_ON_BY: dict[str, str] = {target: referrer for referrer, target in REFERRING_TYPES.items()}


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A withdrawn event, the retraction that withdrew it, and the case it belonged to."""

    event: Event
    retraction: Event
    case_key: int


def named(retraction: Event, candidates: Iterable[Event]) -> Event | None:
    """The event of `candidates` that `retraction` names: by the sender's own id, or (a
    pseudonymised history) by seq."""
    wanted_id, wanted_seq = retraction.named_id, retraction.named_seq
    for event in candidates:
        same = event.seq == wanted_seq if wanted_seq is not None else event.id == wanted_id
        if same and event.source == retraction.source:
            return event
    return None


def unknown(retraction: Event) -> errors.UnknownEventError:
    return errors.UnknownEventError(say(
        'data.event_id "%(id)s" names no stored event of source %(source)s for v_number %(v)s',
        id=_named_text(retraction), source=Code(retraction.source), v=retraction.v_number,
    ), sender_only=True)  # fmt: skip


def not_again(retraction: Event, target: Event, by: Event | None) -> errors.AlreadyWithdrawnError:
    """`target` is itself a retraction (`by` None) or was withdrawn by `by` already."""
    if by is None:
        return errors.AlreadyWithdrawnError(say(
            'data.event_id "%(id)s" names a retraction, which cannot be withdrawn',
            id=_named_text(retraction),
        ), sender_only=True)  # fmt: skip
    return errors.AlreadyWithdrawnError(say(
        'data.event_id "%(id)s" names an event already withdrawn (by %(by)s)',
        id=_named_text(retraction), by=by.id,
    ), sender_only=True)  # fmt: skip


def dependants(target: Event, live: Sequence[Event], case_events: Sequence[Event]) -> list[Event]:
    """The events, not withdrawn, that rely on `target` (`live`: every such event of the person;
    `case_events`: those of target's case). A referring event relies on the latest start,
    request or booking with its reference received before it; a decision is relied on by a
    later start of its reference (that restart was accepted because of it); an intake by every
    other event of its case."""
    if target.type == EventType.INTAKE:
        return [e for e in case_events if e.seq != target.seq]
    reference = target.reference
    if reference is None:
        return []
    if target.type == EventType.PROCEDURE_DECIDED:
        return [
            e for e in live
            if e.type == EventType.PROCEDURE_STARTED and e.reference == reference
            and e.seq > target.seq
        ]  # fmt: skip
    referrer = _RELIED_ON_BY.get(target.type)
    if referrer is None:
        return []
    same = [e for e in live if e.reference == reference]
    targets = sorted(e.seq for e in same if e.type == target.type)
    relying = []
    for event in same:
        if event.type != referrer or event.seq < target.seq:
            continue
        before = [seq for seq in targets if seq < event.seq]
        if before and before[-1] == target.seq:
            relying.append(event)
    return relying


def blocked(retraction: Event, target: Event, relying: Sequence[Event]) -> errors.DependantsError:
    """Why `target` cannot go yet: the sender's own dependants by id; other senders' events
    only as a fact, never named or counted (they are outside the sender's reach)."""
    own = sorted((e for e in relying if e.source == retraction.source), key=lambda e: e.seq)
    others = any(e.source != retraction.source for e in relying)
    what = _what(target)
    if own and others:
        sentence = say(
            "%(what)s cannot be withdrawn while later events rely on it: withdraw %(ids)s first; "
            "events of other senders rely on it too", what=what, ids=_ids(own),
        )  # fmt: skip
    elif own:
        sentence = say(
            "%(what)s cannot be withdrawn while later events rely on it: withdraw %(ids)s first",
            what=what, ids=_ids(own),
        )  # fmt: skip
    else:
        sentence = say(
            "%(what)s cannot be withdrawn while events of other senders rely on it", what=what
        )
    return errors.DependantsError(sentence, sender_only=not others)


def later_case(target: Event, later_intake: Event) -> errors.LaterCaseError:
    return errors.LaterCaseError(say(
        "withdrawing %(what)s would reopen its case, but the person has a later case "
        "(intake at %(at)s)", what=_what(target), at=later_intake.occurred_at,
    ))  # fmt: skip


def _what(target: Event) -> Message:
    return say('%(type)s "%(id)s"', type=Code(target.type), id=target.id)


def _ids(events: Sequence[Event]) -> str:
    return ", ".join(e.id for e in events)


def _named_text(retraction: Event) -> str:
    return retraction.named_id or f"seq {retraction.named_seq}"
