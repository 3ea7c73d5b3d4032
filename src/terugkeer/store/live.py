"""Events as the figures see them: without the withdrawn ones (EVENTS.md v1.1, "Effect").

The events table keeps every accepted event, withdrawn ones too (the history is append-only);
`withdrawals` names them. Withdrawals are rare, so a figure adds one anti-join on a small table
to its aggregate instead of the events table growing a column that would have to change.
Retractions themselves are of their own type, which no figure counts.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from terugkeer.store.tables import events, withdrawals


def not_withdrawn(seq: ColumnElement[int] = events.c.seq) -> ColumnElement[bool]:
    """True for an event (by its seq column) that no retraction withdrew."""
    return seq.not_in(select(withdrawals.c.seq))
