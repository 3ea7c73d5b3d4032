"""Shares, reach rules and the facts a reach rule looks at, as rows (the decision is
domain/reach.py; the use cases services/reach.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.orm import aliased

from terugkeer.domain.reach import FACT_TYPES, Fact, ReachRule, Share, ground
from terugkeer.store.live import not_withdrawn
from terugkeer.store.tables import cases, events, reach_rules, reach_shares


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A share as the listing shows it: who started it, and who ended it early, if anyone."""

    id: int
    partner: str
    v_number: str
    until: date
    actor: str
    at: str
    ended_by: str | None
    ended_at: str | None


def add_share(connection: Connection, partner: str, v_number: str, until: date, actor: str,
              at: str) -> int:  # fmt: skip
    done = connection.execute(insert(reach_shares).values(
        partner=partner, v_number=v_number, until=until, actor=actor, at=at))  # fmt: skip
    key = done.inserted_primary_key
    assert key is not None
    return int(key[0])


def end_share(connection: Connection, share: ShareRow, actor: str, at: str) -> None:
    """An end row naming the share (the start row is never changed)."""
    connection.execute(insert(reach_shares).values(
        partner=share.partner, v_number=share.v_number, ends=share.id, actor=actor,
        at=at))  # fmt: skip


def shares(connection: Connection, *, v_number: str | None = None, partner: str | None = None,
           share_id: int | None = None) -> list[ShareRow]:  # fmt: skip
    """Started shares (newest first) with their end, if ended early."""
    start, end = reach_shares, aliased(reach_shares)
    query = (
        select(start.c.id, start.c.partner, start.c.v_number, start.c.until, start.c.actor,
               start.c.at, end.c.actor, end.c.at)
        .outerjoin(end, end.c.ends == start.c.id)
        .where(start.c.ends.is_(None))
        .order_by(start.c.id.desc())
    )  # fmt: skip
    if v_number is not None:
        query = query.where(start.c.v_number == v_number)
    if partner is not None:
        query = query.where(start.c.partner == partner)
    if share_id is not None:
        query = query.where(start.c.id == share_id)
    return [ShareRow(*row) for row in connection.execute(query)]


def active_shares(connection: Connection, v_number: str, partner: str, today: date) -> list[Share]:
    """The person's shares with the partner not ended and running on `today` (one indexed
    lookup)."""
    end = aliased(reach_shares)
    ended = select(end.c.id).where(end.c.ends == reach_shares.c.id).exists()
    query = select(reach_shares.c.id, reach_shares.c.partner, reach_shares.c.until).where(
        reach_shares.c.v_number == v_number, reach_shares.c.partner == partner,
        reach_shares.c.ends.is_(None), reach_shares.c.until >= today, ~ended,
    )  # fmt: skip
    return [Share(key, name, until) for key, name, until in connection.execute(query)]


def add_rule(connection: Connection, partner: str, kind: str, days: int, trusted: str,
             actor: str, at: str) -> int:  # fmt: skip
    done = connection.execute(insert(reach_rules).values(
        partner=partner, kind=kind, days=days, trusted=trusted, actor=actor, at=at))  # fmt: skip
    key = done.inserted_primary_key
    assert key is not None
    return int(key[0])


def remove_rule(connection: Connection, rule_id: int, actor: str, at: str) -> bool:
    done = connection.execute(
        update(reach_rules)
        .where(reach_rules.c.id == rule_id, reach_rules.c.removed_at.is_(None))
        .values(removed_by=actor, removed_at=at)
    )
    return done.rowcount == 1


def live_rules(connection: Connection, partner: str | None = None) -> list[ReachRule]:
    query = select(reach_rules.c.id, reach_rules.c.partner, reach_rules.c.kind,
                   reach_rules.c.days, reach_rules.c.trusted).where(
        reach_rules.c.removed_at.is_(None)).order_by(reach_rules.c.id)  # fmt: skip
    if partner is not None:
        query = query.where(reach_rules.c.partner == partner)
    return [ReachRule(key, name, kind, days, frozenset(t for t in trusted.split(",") if t))
            for key, name, kind, days, trusted in connection.execute(query)]  # fmt: skip


def open_case_facts(connection: Connection, v_number: str) -> list[Fact]:
    """The events of the person's open case that reach rules look at (none: no open case).
    Indexed: the person's case row, then the case's events by type."""
    query = (
        select(events.c.seq, events.c.type, events.c.source, events.c.occurred_us,
               events.c.category, events.c.reference, events.c.body)
        .join(cases, cases.c.case_seq == events.c.case_seq)
        .where(and_(cases.c.v_number == v_number, cases.c.closed_us.is_(None)),
               events.c.type.in_(sorted(FACT_TYPES)), not_withdrawn())
    )  # fmt: skip
    found = []
    for seq, kind, source, occurred_us, category, reference, body in connection.execute(query):
        day = None
        if kind == "flight_booked":
            day = date.fromisoformat(json.loads(body)["data"]["date"])
        found.append(Fact(seq, kind, source, occurred_us, category, reference, day))
    return found


def person_known(connection: Connection, v_number: str) -> bool:
    query = select(cases.c.case_seq).where(cases.c.v_number == v_number).limit(1)
    return connection.execute(query).first() is not None


def ground_of(connection: Connection, partner: str, source: str | None, v_number: str,
              today: date, rules: list[ReachRule] | None = None) -> str | None:  # fmt: skip
    """Why the partner may read the person on `today` (domain/reach.py), loading what that
    needs: its running shares of the person, its rules (unless given), and — only when it has
    rules — the facts of the person's open case."""
    running = active_shares(connection, v_number, partner, today)
    if running:
        return ground(partner, source, today, running, (), ())
    mine = live_rules(connection, partner) if rules is None else rules
    facts = open_case_facts(connection, v_number) if mine else []
    return ground(partner, source, today, (), mine, facts)


def reported_in_detention(connection: Connection) -> list[str]:
    """V-numbers of open cases whose latest detention event is a start, whoever reported it:
    what a case director sees in the chain's reports when deciding on a share (the demo)."""
    query = (
        select(cases.c.v_number, events.c.type)
        .join(events, events.c.case_seq == cases.c.case_seq)
        .where(cases.c.closed_us.is_(None),
               events.c.type.in_(["detention_started", "detention_ended"]), not_withdrawn())
        .order_by(events.c.occurred_us, events.c.seq)
    )  # fmt: skip
    latest = {str(v): str(kind) for v, kind in connection.execute(query)}  # the last one wins
    return sorted(v for v, kind in latest.items() if kind == "detention_started")
