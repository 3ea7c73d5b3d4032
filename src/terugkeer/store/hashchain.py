"""The tamper-evident hash chain over stored events.

Each row's hash is SHA-256 over the previous row's hash and every column of the row, so changing
any stored value, deleting a row or reordering rows breaks the chain from that row on; the
chain head (last seq and hash) also catches deletion of the newest rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from terugkeer.store.tables import chain_head, events

GENESIS = "0" * 64

#: The columns the hash covers, in this order.
HASHED_COLUMNS = (
    "seq", "id", "type", "v_number", "case_seq", "occurred_at", "occurred_us",
    "local_date", "source", "category", "reference", "body", "recorded_at",
)  # fmt: skip
_HASHED = len(HASHED_COLUMNS)
_LOCAL_DATE = HASHED_COLUMNS.index("local_date")


def row_hash(previous: str, row: Sequence[Any]) -> str:
    """SHA-256 of the previous hash and the row's values in HASHED_COLUMNS order (local_date as
    ISO text). Each value is length-prefixed and None is "-", so no two different rows give the
    same input; cheaper than JSON, which would escape every quote of `body` again."""
    parts = [previous]
    for value in row[:_HASHED]:
        text = None if value is None else str(value)
        parts.append("-" if text is None else f"{len(text)}:{text}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    rows_checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(connection: Connection, *, batch: int = 5000) -> Verification:
    """Recompute the chain from the first row; report the first row where it breaks."""
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
