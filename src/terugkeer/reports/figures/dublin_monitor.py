"""The Dublin monitor: per member state, the claims of the period and what became of them, and
the transfer deadlines (RULES.md §2) still to come.

Definitions (shown on the dashboard beside the table):
- claims, accepted, refused: `dublin_claim`, `dublin_accepted`, `dublin_refused` events in the
  period, by `member_state`;
- transferred: departures with `dublin_transfer` in the period, by destination (the key figure
  "Dublin transferred");
- expired: accepted claims whose transfer deadline fell in the period unused (the key figure
  "Dublin expired"), by the claim's member state;
- deadlines coming up: accepted claims of cases open at the period's end whose transfer
  deadline falls after it, in the rest of its month or one of the months after, by the month of
  the deadline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, func, select

from terugkeer.domain.calendar import add_months
from terugkeer.domain.events import EventType
from terugkeer.reports.period import Period
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, dublin_claims, events

#: How many months of coming deadlines the monitor shows.
MONTHS_AHEAD = 6
_COUNTED = {EventType.DUBLIN_CLAIM: "claims", EventType.DUBLIN_ACCEPTED: "accepted",
            EventType.DUBLIN_REFUSED: "refused"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class MemberStateDublin:
    member_state: str  # ISO 3166 alpha-3
    claims: int
    accepted: int
    refused: int
    transferred: int
    expired: int
    #: Deadlines in each of the MONTHS_AHEAD months after the period (`DublinMonitor.months`).
    coming: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DublinMonitor:
    months: tuple[date, ...]  # the first days of the months ahead
    member_states: list[MemberStateDublin]


def dublin_monitor(connection: Connection, period: Period, today: date) -> DublinMonitor:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    flows = select(events.c.type, events.c.body).where(
        events.c.type.in_(list(_COUNTED)),
        events.c.local_date.between(period.start, period.end),
        not_withdrawn(),
    )
    for kind, body in connection.execute(flows):
        counts[json.loads(body)["data"]["member_state"]][_COUNTED[kind]] += 1
    transferred = (
        select(cases.c.destination, func.count())
        .where(cases.c.closing_type == "departed", cases.c.dublin_transfer.is_(True),
               cases.c.closed_date.between(period.start, period.end))
        .group_by(cases.c.destination)
    )  # fmt: skip
    for state, n in connection.execute(transferred):
        counts[state]["transferred"] += n
    last = min(period.end, today - timedelta(days=1))  # as the key figure: a deadline of today
    expired = (
        select(dublin_claims.c.member_state, func.count())
        .where(dublin_claims.c.expired.is_(True),
               dublin_claims.c.deadline.between(period.start, last))
        .group_by(dublin_claims.c.member_state)
    )  # fmt: skip
    for state, n in connection.execute(expired):
        counts[state]["expired"] += n
    # From the month of the day after the period: a deadline later this month comes first.
    first = (period.end + timedelta(days=1)).replace(day=1)
    months = tuple(add_months(first, n) for n in range(MONTHS_AHEAD))
    coming: dict[str, list[int]] = defaultdict(lambda: [0] * MONTHS_AHEAD)
    pending = (
        select(dublin_claims.c.member_state, dublin_claims.c.deadline)
        .join(cases, cases.c.case_seq == dublin_claims.c.case_seq)
        .join(events, events.c.seq == dublin_claims.c.accepted_seq)
        .where(period.open_at_end(), events.c.occurred_us < period.end_us,
               dublin_claims.c.deadline > period.end,
               dublin_claims.c.deadline < add_months(first, MONTHS_AHEAD))
    )  # fmt: skip
    for state, deadline in connection.execute(pending):
        month = (deadline.year - first.year) * 12 + deadline.month - first.month
        if 0 <= month < MONTHS_AHEAD:
            coming[state][month] += 1
    states = counts.keys() | coming.keys()
    rows = [
        MemberStateDublin(
            member_state=state,
            claims=counts[state]["claims"],
            accepted=counts[state]["accepted"],
            refused=counts[state]["refused"],
            transferred=counts[state]["transferred"],
            expired=counts[state]["expired"],
            coming=tuple(coming[state]),
        )
        for state in states
    ]
    rows.sort(key=lambda row: (-row.claims, -sum(row.coming), row.member_state))
    return DublinMonitor(months, rows)
