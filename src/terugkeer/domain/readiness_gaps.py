"""What is missing for removal readiness, and which open item of the case addresses it: for
each condition that does not hold, the open requests, procedures and worklist items that bear
on it ("no valid travel document — open request R-12 at the embassy of Morocco since …").

Information for a person's decision, never a decision (GDPR art. 22): it names what the
recorded events do not show yet and what work is open; it proposes no action and judges nobody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from terugkeer.domain.case_facts import CaseState
from terugkeer.domain.messages import Code, Country, Message, say
from terugkeer.domain.removal import Condition, Readiness
from terugkeer.domain.worklist import ItemKind

#: Procedures that suspend removal whatever their flag (RULES.md §1).
_ALWAYS_SUSPENSIVE = frozenset({"medical_postponement"})


class OpenItem(Protocol):
    """A worklist item as the domain (`WorkItem`) or the store (`ItemRow`) holds it."""

    @property
    def kind(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def details(self) -> Mapping[str, str]: ...


@dataclass(frozen=True, slots=True)
class Gap:
    condition: Condition  # one that does not hold: its `why` says what is missing
    #: The open items, requests and procedures that bear on it; empty: none does.
    addressed_by: tuple[Message, ...]


def gaps(
    readiness: Readiness,
    state: CaseState | None,
    items: Sequence[OpenItem],
    countries: Mapping[str, str],
) -> tuple[Gap, ...]:
    """A gap per condition not holding on `readiness.on`, with what addresses it: `items` are
    the case's open worklist items, `state` its state that day, `countries` the country each
    document request (by reference) was made to."""
    found = []
    for condition in readiness.conditions:
        if condition.holds:
            continue
        if condition.key == "legally_removable":
            addressed = _legal(state, items)
        elif condition.key == "available":
            addressed = _of_kind(items, ItemKind.WHEREABOUTS_UNKNOWN, _whereabouts)
        elif condition.key == "travel_document":
            addressed = _document(state, items, countries)
        else:  # in detention: a measure for a person to decide on; no item proposes it
            addressed = []
        found.append(Gap(condition, tuple(addressed)))
    return tuple(found)


def _of_kind(items: Sequence[OpenItem], kind: ItemKind, sentence: _Sentence) -> list[Message]:
    return [sentence(item) for item in items if item.kind == kind.value]


class _Sentence(Protocol):
    def __call__(self, item: OpenItem, /) -> Message: ...


def _legal(state: CaseState | None, items: Sequence[OpenItem]) -> list[Message]:
    addressed = []
    for p in state.pending if state else ():
        if p.suspensive or p.kind in _ALWAYS_SUSPENSIVE:
            addressed.append(say(
                "procedure %(reference)s (%(kind)s) pending since %(day)s: its decision is "
                "awaited", reference=p.reference, kind=Code(p.kind), day=p.started_on,
            ))  # fmt: skip
    for item in items:
        if item.kind == ItemKind.DEPARTURE_TERM_ENDS.value:
            addressed.append(say("the departure term ends on %(day)s", day=item.due))
        elif item.kind == ItemKind.DUBLIN_REQUEST_DEADLINE.value:
            addressed.append(say("a Dublin claim is due by %(day)s", day=item.due))
        elif item.kind == ItemKind.DUBLIN_REPLY_DEADLINE.value:
            addressed.append(say(
                "%(member_state)s must reply to the Dublin claim by %(day)s; silence then counts "
                "as acceptance", member_state=Country(item.details.get("member_state", "")),
                day=item.due,
            ))  # fmt: skip
    return addressed


def _whereabouts(item: OpenItem) -> Message:
    return say(
        "whereabouts unknown since %(day)s: a decision on absconding is due (yours, not the "
        "system's)", day=item.due,
    )  # fmt: skip


def _document(
    state: CaseState | None, items: Sequence[OpenItem], countries: Mapping[str, str]
) -> list[Message]:
    withdrawal = {
        item.details.get("reference"): item.due
        for item in items
        if item.kind == ItemKind.DOCUMENT_REQUEST_UNANSWERED.value
    }
    addressed = []
    for request in state.requests if state else ():
        country = Country(countries.get(request.reference, ""))
        if request.kind == "readmission_request":
            sentence = say(
                "open request %(reference)s (%(kind)s) to the authorities of %(country)s since "
                "%(day)s", reference=request.reference, kind=Code(request.kind),
                country=country, day=request.requested_on,
            )  # fmt: skip
        else:
            sentence = say(
                "open request %(reference)s (%(kind)s) at the embassy of %(country)s since "
                "%(day)s", reference=request.reference, kind=Code(request.kind),
                country=country, day=request.requested_on,
            )  # fmt: skip
        due = withdrawal.get(request.reference)
        if due is not None:
            sentence = say("%(request)s; still unanswered on %(day)s, a decision on "
                           "withdrawing it is due", request=sentence, day=due)  # fmt: skip
        addressed.append(sentence)
    for item in items:
        if item.kind == ItemKind.TRAVEL_DOCUMENT_EXPIRES_BEFORE_FLIGHT.value:
            addressed.append(say(
                "flight %(reference)s on %(day)s needs a travel document valid on that day",
                reference=item.details.get("reference", ""), day=item.due,
            ))  # fmt: skip
    return addressed
