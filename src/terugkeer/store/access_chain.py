"""Verifying the access log's hash chain (store/access_log.py): the first row where it breaks,
named by its seq and the time it says it was logged, and what is wrong with it.

A row is checked against its hash (any changed column but the two retention rewrites, a row
inserted or deleted in the middle, rows reordered), the chain head (the newest rows deleted),
and — for a rejection whose reason retention has not removed — its reason against the keyed
MAC the hash covers. A pseudonymised row (its V-number replaced by the pseudonym) verifies as
it did before, since the hash only ever covered the pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, func, select

from terugkeer.store.access_log import (
    REMOVED_DETAIL,
    is_v_number,
    pseudonyms_of,
    removable,
    retained_form,
)
from terugkeer.store.digest import chain_hash
from terugkeer.store.pseudonyms import Pseudonyms
from terugkeer.store.tables import access_log, access_log_head

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class LogVerification:
    rows_checked: int
    head_hash: str
    broken_seq: int | None = None
    #: When the broken row says it was logged (UTC text as stored), if there is such a row.
    broken_at: str | None = None
    problem: str | None = None
    #: Rows chained before the chain existed (migration 0012), without their V-number.
    unkeyed_rows: int = 0

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_access_log(
    connection: Connection, pseudonyms: Pseudonyms | None = None, *, batch: int = 5000
) -> LogVerification:
    """Recompute the chain from its first row; stop at the first row where it breaks."""
    keys = pseudonyms or pseudonyms_of(connection)
    head = connection.execute(select(access_log_head).where(access_log_head.c.id == 1)).first()
    unkeyed = head.unkeyed_rows if head else 0
    previous, expected, checked = GENESIS, 1, 0
    query = select(access_log).where(access_log.c.seq.is_not(None)).order_by(access_log.c.seq)
    for row in connection.execute(query.execution_options(yield_per=batch)).mappings():
        seq, at = row["seq"], row["at"]
        if seq != expected:
            return LogVerification(
                checked, previous, expected, at,
                f"row seq {expected} is missing (the next row, seq {seq}, was logged at {at})",
                unkeyed,
            )  # fmt: skip
        form = retained_form(None if seq <= unkeyed else keys, row, seq)
        digest = chain_hash(previous, form)
        if digest != row["hash"]:
            return LogVerification(
                checked, previous, seq, at, f"row seq {seq} (logged at {at}) was changed", unkeyed
            )
        problem = _detail_problem(keys, row) if seq > unkeyed else None
        if problem is not None:
            return LogVerification(checked, previous, seq, at, problem, unkeyed)
        previous, expected, checked = digest, seq + 1, checked + 1
    return _against_head(connection, head, checked, previous, unkeyed)


def _detail_problem(pseudonyms: Pseudonyms, row: RowMapping) -> str | None:
    """A rejection's reason against its commitment, unless retention has removed it (then the
    row names a pseudonym, never a V-number: retention changes both in one transaction)."""
    seq, at, detail = row["seq"], row["at"], row["detail"]
    if not removable(row["action"]):
        return None
    if detail == REMOVED_DETAIL:
        if is_v_number(row["v_number"]):
            return f"row seq {seq} (logged at {at}): its reason was removed, but not by retention"
        return None
    expected = None if detail is None else pseudonyms.log_detail(seq, detail)
    if expected != row["commitment"]:
        return f"row seq {seq} (logged at {at}) was changed: its reason differs"
    return None


def _against_head(
    connection: Connection, head: Row[Any] | None, checked: int, previous: str, unkeyed: int
) -> LogVerification:
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if last_seq != checked:
        return LogVerification(
            checked, previous, checked + 1, None,
            f"the chain head says {last_seq} rows but {checked} are chained "
            f"(row seq {checked + 1} onwards missing or the head changed)",
            unkeyed,
        )  # fmt: skip
    if last_hash != previous:
        return LogVerification(
            checked, previous, last_seq, None, "the chain head hash does not match", unkeyed
        )
    outside = connection.execute(
        select(func.count(), func.min(access_log.c.at)).where(access_log.c.seq.is_(None))
    ).one()
    if outside[0]:
        return LogVerification(
            checked, previous, None, outside[1],
            f"{outside[0]} rows are outside the chain (the first logged at {outside[1]}): "
            "inserted without being chained",
            unkeyed,
        )  # fmt: skip
    return LogVerification(checked, previous, unkeyed_rows=unkeyed)
