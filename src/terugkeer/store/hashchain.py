"""The tamper-evident hash chain over stored events.

Each row's hash is SHA-256 over the previous row's hash and every column of the row, so changing
any stored value, deleting a row or reordering rows breaks the chain from that row on; the
chain head (last seq and hash) also catches deletion of the newest rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from terugkeer.store.digest import chain_hash
from terugkeer.store.form_chain import check_rows
from terugkeer.store.tables import chain_head, events

GENESIS = "0" * 64

#: The columns the hash covers, in this order.
HASHED_COLUMNS = (
    "seq", "id", "type", "v_number", "case_seq", "occurred_at", "occurred_us",
    "local_date", "source", "category", "reference", "body", "recorded_at",
)  # fmt: skip
_HASHED = len(HASHED_COLUMNS)
_LOCAL_DATE = HASHED_COLUMNS.index("local_date")


#: Scheme 2 (store/pseudonyms.py): the columns of the pseudonymous form, in this order.
FORM_COLUMNS = (
    "seq", "type", "subject", "case_seq", "occurred_at", "occurred_us", "local_date",
    "source", "category", "token", "form", "recorded_at", "commitment",
)  # fmt: skip


def row_hash(previous: str, row: Sequence[Any]) -> str:
    """Scheme 1: SHA-256 of the previous hash and the row's values in HASHED_COLUMNS order."""
    return chain_hash(previous, row[:_HASHED])


@dataclass(frozen=True)
class Verification:
    rows_checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None
    #: Rows whose identifying values retention has removed (scheme 2).
    pseudonymised: int = 0

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(connection: Connection, *, batch: int = 5000) -> Verification:
    """Recompute the chain from the first row; report the first row where it breaks."""
    scheme = connection.execute(select(chain_head.c.scheme).where(chain_head.c.id == 1)).scalar()
    if scheme == 2:
        return _verify_form(connection, batch)
    previous, expected_seq, checked = GENESIS, 1, 0
    columns = [events.c[name] for name in (*HASHED_COLUMNS, "hash")]
    result = connection.execution_options(yield_per=batch).execute(
        select(*columns).order_by(events.c.seq)
    )
    for row in result.mappings():
        seq = row["seq"]
        values = [row[name] for name in HASHED_COLUMNS]
        values[_LOCAL_DATE] = values[_LOCAL_DATE].isoformat()
        if seq != expected_seq:
            return Verification(
                checked, previous, expected_seq, f"row seq {expected_seq} is missing (found {seq})"
            )
        if row_hash(previous, values) != row["hash"]:
            return Verification(
                checked, previous, seq, f"row seq {seq} (id {row['id']}) was changed"
            )
        previous, expected_seq, checked = row["hash"], seq + 1, checked + 1
    return _against_head(connection, checked, previous)


def _verify_form(connection: Connection, batch: int) -> Verification:
    previous, checked, pseudonymised = GENESIS, 0, 0
    for check in check_rows(connection, GENESIS, batch=batch):
        if check.problem is not None:
            return Verification(checked, previous, check.seq, check.problem)
        previous, checked = check.hash, checked + 1
        pseudonymised += check.pseudonymised
    found = _against_head(connection, checked, previous)
    return Verification(
        found.rows_checked, found.head_hash, found.broken_seq, found.problem, pseudonymised
    )


def _against_head(connection: Connection, checked: int, previous: str) -> Verification:
    head = connection.execute(select(chain_head).where(chain_head.c.id == 1)).mappings().first()
    last_seq, last_hash = (head["last_seq"], head["last_hash"]) if head else (0, GENESIS)
    if last_seq != checked:
        return Verification(
            checked,
            previous,
            checked + 1,
            f"the chain head says {last_seq} rows but {checked} are stored "
            f"(row seq {checked + 1} onwards missing or head changed)",
        )
    if last_hash != previous:
        return Verification(checked, previous, last_seq, "the chain head hash does not match")
    return Verification(checked, previous)
