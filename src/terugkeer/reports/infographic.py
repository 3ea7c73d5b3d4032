"""The return process infographic (the seed's "roundabout", issue 11): the procedures closed in
a period as flows from their departure interviews — cooperating, not cooperating, cooperating
after all ("alsnog meewerken") — to the four outcomes and the three reasons of outflow without
departure. Every flow's width is a count of cases; labels carry the published form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import Connection, select

from terugkeer.domain.events import EventType
from terugkeer.reports.numbers import format_number
from terugkeer.reports.period import Period
from terugkeer.reports.rounding import publish_count
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, events

#: Node keys, in the order the diagram draws them, with their Dutch and English names.
NODES: dict[str, tuple[str, str]] = {
    "closed": ("Afgesloten vertrekprocedures", "Closed return procedures"),
    "interviewed": ("Vertrekgesprek gevoerd", "Departure interview held"),
    "not_interviewed": ("Geen vertrekgesprek", "No departure interview"),
    "cooperating": ("Meewerkend", "Cooperating"),
    "after_all": ("Alsnog meewerkend", "Cooperating after all"),
    "not_cooperating": ("Niet meewerkend", "Not cooperating"),
    "independent": ("Zelfstandig vertrek", "Independent departure"),
    "forced": ("Gedwongen vertrek", "Forced departure"),
    "absconded": ("Vertrek zonder toezicht", "Departure without supervision"),
    "exit": ("Uitstroom zonder vertrek", "Outflow without departure"),
    "asylum_procedure": ("asielprocedure", "asylum procedure"),
    "residence_permit": ("verblijfsvergunning", "residence permit"),
    "other": ("overig", "other"),
}


@dataclass(frozen=True, slots=True)
class Flow:
    source: str
    target: str
    cases: int

    def label(self, lang: str) -> str:
        """ "A → B: 1.230" in the published form (tens, <5)."""
        names = 0 if lang == "nl" else 1
        count = publish_count(self.cases)
        shown = count if isinstance(count, str) else format_number(count, lang)
        return f"{NODES[self.source][names]} → {NODES[self.target][names]}: {shown}"


def flows(connection: Connection, period: Period) -> list[Flow]:
    """The flows of the cases closed in `period`, in drawing order (none of zero width)."""
    closed = {
        seq: (kind, category)
        for seq, kind, category in connection.execute(
            select(cases.c.case_seq, cases.c.closing_type, cases.c.closing_category).where(
                cases.c.closed_date.between(period.start, period.end)
            )
        )
    }
    stances: dict[int, list[str]] = {}
    interviews = (
        select(events.c.case_seq, events.c.category)
        .where(events.c.type == EventType.INTERVIEW,
               events.c.local_date <= period.end, not_withdrawn())
        .order_by(events.c.case_seq, events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    for seq, stance in connection.execute(interviews):
        if seq in closed:
            stances.setdefault(seq, []).append(stance or "")
    counted: Counter[tuple[str, str]] = Counter()
    for seq, (kind, category) in closed.items():
        said = stances.get(seq, [])
        if not said:
            route = ["closed", "not_interviewed"]
        else:
            first = said[0]
            if first == "cooperating":
                stance = "cooperating"
            elif "cooperating" in said:
                stance = "after_all"
            else:
                stance = "not_cooperating"
            route = ["closed", "interviewed", stance]
        route += _outcome(kind, category)
        for step in pairwise(route):
            counted[step] += 1
    order = list(NODES)

    def drawn(step: tuple[tuple[str, str], int]) -> tuple[int, int]:
        return order.index(step[0][0]), order.index(step[0][1])

    return [Flow(a, b, n) for (a, b), n in sorted(counted.items(), key=drawn)]


def _outcome(kind: str | None, category: str | None) -> list[str]:
    if kind == EventType.DEPARTED:
        return ["forced" if category == "forced" else "independent"]
    if kind == EventType.ABSCONDED:
        return ["absconded"]
    reason = category if category in ("asylum_procedure", "residence_permit") else "other"
    return ["exit", reason]
