"""The time to decide a repeated asylum application (docs/figures.md, "repeat-asylum median").

Over the `procedure_decided` events in the period (not withdrawn) whose procedure was started by
a `procedure_started` of kind `asylum_repeat`: the decision's `occurred_at` minus the start's.
A decision refers to the latest start of the person with its reference received before it
(EVENTS.md, "References"; domain/procedures.py pairs them), in any case of the person, so the
start may lie years before the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, select

from terugkeer.domain.events import Event, EventType
from terugkeer.domain.procedures import decisions_by_start
from terugkeer.domain.weeks import median_weeks
from terugkeer.reports.period import Period
from terugkeer.store.codec import event_from_body
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import events

REPEAT_KIND = "asylum_repeat"
_CHUNK = 500  # V-numbers per query: well under every database's parameter limit


@dataclass(frozen=True, slots=True)
class RepeatAsylum:
    decisions: int  # decisions in the period on a repeated asylum application
    median_weeks: float | None  # unrounded; None without decisions


def repeat_asylum(connection: Connection, period: Period) -> RepeatAsylum:
    durations = _durations(connection, period)
    return RepeatAsylum(len(durations), median_weeks(durations))


def _durations(connection: Connection, period: Period) -> list[int]:
    decided_then = select(events.c.seq, events.c.v_number).where(
        events.c.type == EventType.PROCEDURE_DECIDED,
        events.c.local_date.between(period.start, period.end),
        not_withdrawn(),
    )
    in_period: set[int] = set()
    people: set[str] = set()
    for seq, v_number in connection.execute(decided_then):
        in_period.add(seq)
        people.add(v_number)
    durations: list[int] = []
    for person_events in _procedure_events(connection, sorted(people)).values():
        by_seq = {event.seq: event for event in person_events}
        for start_seq, decisions in decisions_by_start(person_events).items():
            start = by_seq[start_seq]
            if start.data["kind"] != REPEAT_KIND:
                continue
            durations += [d.micros - start.micros for d in decisions if d.seq in in_period]
    return durations


def _procedure_events(connection: Connection, people: list[str]) -> dict[str, list[Event]]:
    """Every start and decision of these people (all their cases), not withdrawn."""
    found: dict[str, list[Event]] = defaultdict(list)
    for chunk in range(0, len(people), _CHUNK):
        query = select(events.c.seq, events.c.v_number, events.c.body).where(
            events.c.v_number.in_(people[chunk : chunk + _CHUNK]),
            events.c.type.in_((EventType.PROCEDURE_STARTED, EventType.PROCEDURE_DECIDED)),
            not_withdrawn(),
        )
        for seq, v_number, body in connection.execute(query):
            found[v_number].append(event_from_body(seq, body))
    return found
