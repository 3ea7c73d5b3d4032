"""Arrival order does not matter, as long as each event arrives after what it depends on.

A valid person history is generated in date order; any receipt order that keeps
(a) each case's intake first among that case's events, (b) each referring event after the event
it refers to, (c) the previous case's closing before the next case's intake, and (d) a closing
after every other event of its case, must give the same cases as receiving it in date order.
(d) is needed because EVENTS.md rejects a late closing when events of its case dated after it are
already stored; without it, a closing that arrives early and later events that arrive afterwards
are rejected as after the closing — so the order cannot be free there. The strategies here are
also used by tests/integration/test_import_properties.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from terugkeer.domain.events import REFERRING_TYPES, Event
from terugkeer.domain.history import PersonHistory

#: Keep every occurred_at in 2022-2024: a person starts in 2022 and 3 cases of at most 7 events,
#: at most 20 days apart, end well before 2025.
FIRST_DAY = datetime(2022, 1, 1, tzinfo=UTC)
OFFSETS = [
    UTC,
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=2)),
    timezone(-timedelta(hours=5)),
]
PARTNERS = ["IND", "POLITIE", "KMAR", "DTENV", "IOM", "COA"]
STATES = ["BEL", "DEU", "ITA", "ESP"]
one = st.sampled_from
DATA: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "intake": st.fixed_dictionaries(
        {
            "nationality": one(["MAR", "DZA", "SYR", "XXA"]),
            "track": one(["asylum", "dublin", "regular"]),
        },
        optional={"unaccompanied_minor": st.booleans()},
    ),
    "interview": st.fixed_dictionaries(
        {"kind": one(["first", "follow_up"]), "stance": one(["cooperating", "not_cooperating"])}
    ),
    "location_changed": st.fixed_dictionaries({"kind": one(["azc", "vbl", "emergency_reception"])}),
    "procedure_started": st.fixed_dictionaries(
        {"kind": one(["asylum", "asylum_repeat", "appeal"]), "suspensive": st.booleans()}
    ),
    "procedure_decided": st.fixed_dictionaries({"outcome": one(["rejected", "granted"])}),
    "return_decision": st.fixed_dictionaries({"departure_term_days": st.integers(0, 30)}),
    "document_requested": st.fixed_dictionaries(
        {
            "kind": one(["nationality_determination", "laissez_passer"]),
            "country": one(["MAR", "DZA"]),
        }
    ),
    "document_answered": st.fixed_dictionaries({"result": one(["confirmed", "refused"])}),
    "detention_started": st.just({"ground": "vw59"}),
    "detention_ended": st.fixed_dictionaries({"reason": one(["removed", "maximum_term"])}),
    "dublin_claim": st.fixed_dictionaries(
        {"member_state": one(STATES), "kind": one(["take_charge"])}
    ),
    "dublin_accepted": st.fixed_dictionaries(
        {"member_state": one(STATES), "implicit": st.booleans()}
    ),
    "dublin_refused": st.fixed_dictionaries({"member_state": one(STATES)}),
    "support_granted": st.fixed_dictionaries({"kind": one(["basic_departure", "reintegration"])}),
    "flight_booked": st.fixed_dictionaries(
        {
            "date": one(["2024-12-01"]),
            "destination": one(["MAR", "DZA"]),
            "escort": one(["none", "kmar"]),
        }
    ),
    "flight_cancelled": st.fixed_dictionaries({"reason": one(["medical", "document"])}),
    "departed": st.fixed_dictionaries(
        {"mode": one(["independent", "forced"]), "destination": one(["MAR", "ITA"])},
        optional={"dublin_transfer": st.booleans()},
    ).map(lambda data: data | {"evidence": "kmar_exit_check"}),
    "absconded": st.just({}),
    "exit_without_departure": st.fixed_dictionaries({"reason": one(["asylum_procedure", "other"])}),
}
MIDDLE = [t for t in DATA if t not in {"intake", "departed", "absconded", "exit_without_departure"}]
CLOSINGS = ["departed", "absconded", "exit_without_departure"]
STARTING = {"procedure_started", "document_requested", "flight_booked"}  # carry a new reference


@dataclass(frozen=True)
class Planned:
    """One event of a generated history, and the ids that must be received before it."""

    id: str
    type: str
    v_number: str
    occurred_at: datetime
    source: str
    data: dict[str, Any]
    after: frozenset[str]

    def event(self, seq: int) -> Event:
        return Event(
            self.id, self.type, self.v_number, self.occurred_at, self.source, self.data, seq
        )


@st.composite
def person_history(draw: st.DrawFn, v_number: str, max_cases: int = 3) -> list[Planned]:
    """1 to `max_cases` cases in sequence, in date order; every case but the last is closed."""
    planned: list[Planned] = []
    moment = FIRST_DAY + timedelta(minutes=draw(st.integers(0, 200 * 24 * 60)))
    references: dict[str, list[Planned]] = {target: [] for target in STARTING}
    previous_closing: frozenset[str] = frozenset()
    n_cases = draw(st.integers(1, max_cases))
    for number in range(n_cases):
        kinds = ["intake", *draw(st.lists(one(MIDDLE), max_size=5))]
        if number < n_cases - 1 or draw(st.booleans()):
            kinds.append(draw(one(CLOSINGS)))
        intake_id = f"{v_number}-{len(planned)}"
        case_ids: set[str] = set()
        for index, kind in enumerate(kinds):
            data, after = (
                dict(draw(DATA[kind])),
                set(previous_closing if index == 0 else {intake_id}),
            )
            target = REFERRING_TYPES.get(kind)
            if target is not None and references[target]:
                referred = draw(one(references[target]))
                data["reference"], after = referred.data["reference"], after | {referred.id}
            elif target is not None:
                kind, data = target, dict(draw(DATA[target]))
            if kind in STARTING:
                data["reference"] = f"R{len(planned)}"
            if kind in CLOSINGS:
                after |= case_ids
            event_id = f"{v_number}-{len(planned)}"
            at = moment.astimezone(draw(one(OFFSETS)))
            event = Planned(
                event_id, kind, v_number, at, draw(one(PARTNERS)), data, frozenset(after)
            )
            planned.append(event)
            case_ids.add(event_id)
            if kind in STARTING:
                references[kind].append(event)
            if kind in CLOSINGS:
                previous_closing = frozenset({event_id})
            # distinct instants inside a case; the next intake may share the closing's instant
            moment += timedelta(
                minutes=draw(st.integers(0 if kind in CLOSINGS else 1, 20 * 24 * 60))
            )
    return planned


@st.composite
def arrival_order(draw: st.DrawFn, planned: list[Planned]) -> list[Planned]:
    """A shuffled receipt order that keeps every `after` constraint: repeatedly take the first
    event of a random permutation whose prerequisites have all arrived."""
    pending = draw(st.permutations(planned))
    arrived: set[str] = set()
    order: list[Planned] = []
    while pending:
        ready = next(p for p in pending if p.after <= arrived)
        pending.remove(ready)
        arrived.add(ready.id)
        order.append(ready)
    return order


def receive(order: list[Planned]) -> PersonHistory:
    history = PersonHistory(order[0].v_number)
    for seq, planned in enumerate(order, start=1):
        history.accept(planned.event(seq))
    return history


def shape(history: PersonHistory) -> list[tuple[list[str], str | None]]:
    return [([e.id for e in c.events], c.closing.id if c.closing else None) for c in history.cases]


@st.composite
def history_and_order(draw: st.DrawFn) -> tuple[list[Planned], list[Planned]]:
    planned = draw(person_history("1234567890"))
    return planned, draw(arrival_order(planned))


@given(history_and_order())
def test_any_valid_arrival_order_gives_the_same_cases(
    pair: tuple[list[Planned], list[Planned]],
) -> None:
    planned, order = pair
    assert shape(receive(order)) == shape(receive(planned))


@given(history_and_order())
def test_cases_in_date_order_are_the_generated_cases(
    pair: tuple[list[Planned], list[Planned]],
) -> None:
    planned, _ = pair
    history = receive(planned)
    intakes = [p.id for p in planned if p.type == "intake"]
    assert [c.intake.id for c in history.cases] == intakes
    assert [e.id for e in history.events()] == [p.id for p in planned]
    assert all(not c.is_open for c in history.cases[:-1])
