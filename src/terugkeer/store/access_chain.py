"""Verifying the access log's hash chain (store/access_log.py): the first row where it breaks,
named by its seq and the time it says it was logged, and what is wrong with it.

Detected from the database alone: a row changed (any column but the two retention rewrites), a
row inserted or deleted in the middle, rows reordered, a row outside the chain, a chain head
that does not match its last row, the boundary of the unkeyed (migrated) rows moved (its seal),
a rejection's reason changed (against the keyed MAC the hash covers), and a reason removed or a
V-number pseudonymised on a row that no retention run covered (retention appends a marker row
after what it rewrote). Not detectable from the database alone: the newest rows deleted
together with the head rewound to an earlier row — every link before it is still intact. That
needs an anchor kept outside the database: the (seq, hash) of a row, as verify printed it once,
which `anchors` checks the chain still holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, func, select

from terugkeer.domain.identifiers import is_v_number
from terugkeer.store.access_log import (
    GENESIS,
    REMOVED_DETAIL,
    RETENTION_MARKER,
    is_log_subject,
    pseudonyms_of,
    removable,
    retained_form,
)
from terugkeer.store.digest import chain_hash
from terugkeer.store.pseudonyms import Pseudonyms
from terugkeer.store.tables import access_log, access_log_head, events


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
    connection: Connection,
    pseudonyms: Pseudonyms | None = None,
    *,
    anchors: Mapping[int, str] | None = None,
    batch: int = 5000,
) -> LogVerification:
    """Recompute the chain from its first row; stop at the first row where it breaks.
    `anchors`: seq → hash of rows the auditor noted outside the database (`audit verify`
    prints the head as one), which the chain must still hold."""
    keys = pseudonyms or pseudonyms_of(connection)
    anchored = dict(anchors or {})
    head = connection.execute(select(access_log_head).where(access_log_head.c.id == 1)).first()
    unkeyed = head.unkeyed_rows if head else 0
    covered = _retention_covers(connection)
    retained = _RetainedSubjects(connection)
    previous, expected, checked, boundary = GENESIS, 1, 0, GENESIS
    query = select(access_log).where(access_log.c.seq.is_not(None)).order_by(access_log.c.seq)
    for row in connection.execute(query.execution_options(yield_per=batch)).mappings():
        seq, at = row["seq"], row["at"]
        if seq != expected:
            return LogVerification(
                checked, previous, expected, at,
                f"row seq {expected} is missing (the next row, seq {seq}, was logged at {at})",
                unkeyed,
            )  # fmt: skip
        if seq <= unkeyed:
            digest = chain_hash(previous, retained_form(None, row, seq))
        else:
            digest = keys.log_link(previous, retained_form(keys, row, seq))
        if digest != row["hash"]:
            return LogVerification(
                checked, previous, seq, at, f"row seq {seq} (logged at {at}) was changed", unkeyed
            )
        problem = _detail_problem(keys, row, covered, retained) if seq > unkeyed else None
        if problem is None and anchored.get(seq, digest) != digest:
            problem = (
                f"row seq {seq} (logged at {at}) differs from the anchor: its hash is now "
                f"{digest}, the anchor says {anchored[seq]}"
            )
        if problem is not None:
            return LogVerification(checked, previous, seq, at, problem, unkeyed)
        if seq == unkeyed:
            boundary = digest
        previous, expected, checked = digest, seq + 1, checked + 1
    found = _against_head(connection, head, checked, previous, unkeyed)
    if found.intact:
        problem = _seal_problem(keys, head, unkeyed, boundary, checked) or _beyond(
            anchored, checked
        )
        if problem is not None:
            return LogVerification(checked, previous, None, None, problem, unkeyed)
    return found


def _retention_covers(connection: Connection) -> int:
    """The seq of the newest retention marker: rows before it may carry retention's rewrites."""
    found = connection.execute(
        select(func.max(access_log.c.seq)).where(access_log.c.action == RETENTION_MARKER)
    ).scalar()
    return int(found or 0)


def _seal_problem(
    keys: Pseudonyms, head: Row[Any] | None, unkeyed: int, boundary: str, checked: int
) -> str | None:
    """The number of unkeyed rows (and the last one's hash) against the head's seal."""
    seal = head.unkeyed_seal if head is not None else None
    if seal is None:
        if unkeyed == 0 and checked == 0:
            return None  # an empty log: nothing to seal yet
        return (
            f"the chain head has no seal of its {unkeyed} unkeyed rows: every keyed write "
            "seals it, so the head was changed — unless nothing was logged since the upgrade "
            "(then log one row, e.g. sign in, and verify again)"
        )
    if seal != keys.log_seal(unkeyed, boundary):
        return (
            f"the chain head says {unkeyed} rows were chained before the chain was keyed, and "
            "its seal does not match: the boundary was moved (rows rewritten without the key)"
        )
    return None


def _beyond(anchored: Mapping[int, str], checked: int) -> str | None:
    """An anchor past the end of the chain: the newest rows deleted and the head rewound."""
    past = sorted(seq for seq in anchored if seq > checked)
    if not past:
        return None
    return (
        f"the anchor names row seq {past[-1]}, but the chain ends at row seq {checked}: "
        "the newest rows were deleted (and the head rewound)"
    )


class _RetainedSubjects:
    """Whether a pseudonym is the subject of retained events: retention rewrites a person's
    events and log rows in one transaction, so a log row's pseudonym of a person whose events
    still carry the V-number was not written by retention. Remembered per verify run."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._known: dict[str, bool] = {}

    def __contains__(self, subject: str) -> bool:
        if subject not in self._known:
            found = self._connection.execute(
                select(events.c.seq).where(events.c.v_number == subject).limit(1)
            ).first()
            self._known[subject] = found is not None
        return self._known[subject]


def _detail_problem(
    pseudonyms: Pseudonyms, row: RowMapping, covered: int, subjects: _RetainedSubjects
) -> str | None:
    """Retention's two rewrites — a V-number replaced by its pseudonym, a rejection's reason
    removed — are accepted only on a row before a retention marker (`covered`) that names a
    person whose events were retained (retention removes the reasons of the persons it
    pseudonymised, in the same transaction). Otherwise a rejection's reason is checked against
    its commitment."""
    seq, at, detail, v_number = row["seq"], row["at"], row["detail"], row["v_number"]
    retained = seq < covered
    if is_log_subject(v_number) and not retained:
        return (
            f"row seq {seq} (logged at {at}): its V-number was pseudonymised, but not by retention"
        )
    if is_log_subject(v_number) and v_number not in subjects:
        return (
            f"row seq {seq} (logged at {at}): its V-number was pseudonymised, but retention "
            "never pseudonymised that person's events"
        )
    if not removable(row["action"]):
        return None
    if detail == REMOVED_DETAIL:
        if is_v_number(v_number) or not is_log_subject(v_number) or not retained:
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
