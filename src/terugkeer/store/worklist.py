"""The worklist of a director or a team, read from the `worklist_items` projection: how many
items there are per kind and urgency, and one page of them, legal deadlines first.

Both are computed by the database on the projection (a team lead's team holds thousands of
items; none is loaded to be counted). The urgency of an item depends on today, so it is a
CASE expression here, the same as domain/worklist.urgency."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select

from terugkeer.domain.worklist import PRACTICE_KINDS, WEEK_DAYS, Urgency
from terugkeer.store.tables import case_directors, worklist_items
from terugkeer.store.workplace import ItemRow


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose items: one director's (of a team), or a whole team's."""

    director: str | None
    team: str | None
    on: date


def _urgency(on: date) -> ColumnElement[str]:
    due = worklist_items.c.due
    return case(
        (due < on, Urgency.OVERDUE.value),
        (due == on, Urgency.TODAY.value),
        (due <= on + timedelta(days=WEEK_DAYS), Urgency.WEEK.value),
        else_=Urgency.LATER.value,
    )


def _in_urgency(group: Urgency, on: date) -> ColumnElement[bool]:
    due, week_end = worklist_items.c.due, on + timedelta(days=WEEK_DAYS)
    return {
        Urgency.OVERDUE: due < on,
        Urgency.TODAY: due == on,
        Urgency.WEEK: (due > on) & (due <= week_end),
        Urgency.LATER: due > week_end,
    }[group]


def _showing(scope: Scope, query: Select[Any]) -> Select[Any]:
    """The items showing on `scope.on` of the cases in the scope."""
    on = scope.on
    query = query.select_from(
        worklist_items.join(case_directors, case_directors.c.case_seq == worklist_items.c.case_seq)
    ).where(
        worklist_items.c.shows_from <= on,
        or_(worklist_items.c.shows_until.is_(None), worklist_items.c.shows_until >= on),
    )
    if scope.director is not None:
        query = query.where(case_directors.c.director == scope.director)
    if scope.team is not None:
        query = query.where(case_directors.c.team == scope.team)
    return query


def counts(connection: Connection, scope: Scope) -> dict[tuple[str, Urgency], int]:
    """(kind, urgency) -> how many items of the scope show on its day."""
    group = _urgency(scope.on).label("urgency")
    query = _showing(scope, select(worklist_items.c.kind, group, func.count()))
    query = query.group_by(worklist_items.c.kind, group)
    return {(kind, Urgency(u)): n for kind, u, n in connection.execute(query)}


def page(
    connection: Connection,
    scope: Scope,
    *,
    kinds: Sequence[str] | None,
    group: Urgency | None,
    latest_first: bool,
    offset: int,
    limit: int,
) -> list[ItemRow]:
    """Items `offset` .. `offset + limit` of the scope, of `kinds` (None: all) and `group`:
    legal deadlines before practice items, then by due day (soonest first unless
    `latest_first`), a case's items together."""
    practice = case((worklist_items.c.kind.in_(sorted(PRACTICE_KINDS)), 1), else_=0)
    due = worklist_items.c.due.desc() if latest_first else worklist_items.c.due
    order = (practice, due, worklist_items.c.case_seq, worklist_items.c.position)
    # The page's keys first, chosen from ix_worklist_items_showing alone (it holds every
    # column the filter and the order read); then only those rows are read whole.
    keys = _showing(scope, select(worklist_items.c.case_seq, worklist_items.c.position))
    if kinds is not None:
        keys = keys.where(worklist_items.c.kind.in_(kinds))
    if group is not None:
        keys = keys.where(_in_urgency(group, scope.on))
    chosen = keys.order_by(*order).offset(offset).limit(limit).subquery("chosen")
    rows = worklist_items.join(
        chosen,
        and_(chosen.c.case_seq == worklist_items.c.case_seq,
             chosen.c.position == worklist_items.c.position),
    ).join(case_directors, case_directors.c.case_seq == worklist_items.c.case_seq)  # fmt: skip
    query = select(worklist_items, case_directors.c.director).select_from(rows).order_by(*order)
    return [
        ItemRow(r.case_seq, r.v_number, r.kind, r.due, r.source, json.loads(r.details), r.director)
        for r in connection.execute(query)
    ]
