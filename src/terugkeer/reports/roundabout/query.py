"""The roundabout's figures read from the store (the definitions are in `model`)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, select

from terugkeer.domain.events import EventType
from terugkeer.reports.figures.activity import inflow_by_source
from terugkeer.reports.period import Period
from terugkeer.reports.roundabout.model import EXIT_REASONS, EXITS, STANCES, SUPPORT, Roundabout
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, events


def roundabout(connection: Connection, period: Period) -> Roundabout:
    closed_in_period = select(cases.c.case_seq).where(
        cases.c.closed_date.between(period.start, period.end)
    )
    exit_of = {
        seq: _exit(kind, category)
        for seq, kind, category in connection.execute(
            select(cases.c.case_seq, cases.c.closing_type, cases.c.closing_category).where(
                cases.c.closed_date.between(period.start, period.end)
            )
        )
    }
    said: dict[int, list[str]] = {}
    interviews = (
        select(events.c.case_seq, events.c.category)
        .where(events.c.type == EventType.INTERVIEW, events.c.case_seq.in_(closed_in_period),
               not_withdrawn())
        .order_by(events.c.case_seq, events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    for seq, stance in connection.execute(interviews):
        said.setdefault(seq, []).append(stance or "")
    supported: dict[int, set[str]] = {}
    grants = select(events.c.case_seq, events.c.category).where(
        events.c.type == EventType.SUPPORT_GRANTED,
        events.c.category.in_(("basic_departure", "reintegration")),
        events.c.case_seq.in_(closed_in_period),
        not_withdrawn(),
    )
    for seq, kind in connection.execute(grants):
        supported.setdefault(seq, set()).add(kind)
    exits: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    support: Counter[str] = Counter()
    stances: Counter[tuple[str, str]] = Counter()
    for seq, (way, reason) in exit_of.items():
        exits[way] += 1
        stances[(stance_of(said.get(seq, [])), way)] += 1
        if way == "exit":
            reasons[reason] += 1
        elif way == "independent":
            kinds = supported.get(seq, set())
            support["reintegration" if "reintegration" in kinds
                    else "basic_departure" if kinds else "none"] += 1  # fmt: skip
    return Roundabout(
        start=period.start,
        end=period.end,
        inflow=inflow_by_source(connection, period),
        exits={way: exits[way] for way in EXITS},
        exit_reasons={reason: reasons[reason] for reason in EXIT_REASONS},
        support={kind: support[kind] for kind in SUPPORT},
        stances={(s, way): stances[(s, way)] for s in STANCES for way in EXITS},
    )


def stance_of(said: list[str]) -> str:
    """The stance of a case from its interviews' stances in order (see `model`)."""
    if not said:
        return "no_interview"
    if said[0] == "cooperating":
        return "cooperating"
    return "after_all" if "cooperating" in said[1:] else "not_cooperating"


def _exit(kind: str | None, category: str | None) -> tuple[str, str]:
    """(exit, reason) of a closed case's closing event (the reason only for outflow)."""
    if kind == EventType.DEPARTED:
        return ("forced" if category == "forced" else "independent", "")
    if kind == EventType.ABSCONDED:
        return ("absconded", "")
    return ("exit", category if category in EXIT_REASONS else "other")
