"""Verifying a scheme-2 chain (store/pseudonyms.py): each row's pseudonymous form against its
hash, and — while the history's salt exists — its identifying values against the commitment.

A pseudonymised row (its V-number is its subject) has no salt any more: its identifying values
are gone, so there is nothing to check them against; the form still is. A row that still shows
a V-number but whose salt is missing is a problem: retention never leaves that state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from terugkeer.store.digest import chain_hash
from terugkeer.store.pseudonyms import TokenBook, commitment, pseudonymous_body
from terugkeer.store.tables import events, identity_salts, withdrawals

COLUMNS = (
    "seq", "id", "type", "v_number", "case_seq", "occurred_at", "occurred_us", "local_date",
    "source", "category", "reference", "body", "recorded_at", "hash", "subject", "commitment",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowCheck:
    seq: int
    hash: str
    problem: str | None = None
    pseudonymised: bool = False


def check_rows(connection: Connection, previous: str, *, batch: int = 5000) -> Iterator[RowCheck]:
    """One check per row in seq order; the caller stops at the first problem."""
    salts = {
        row.subject: bytes.fromhex(row.salt) for row in connection.execute(select(identity_salts))
    }
    books: dict[str, TokenBook] = {}
    # What each retraction withdrew, by its seq: its form names that event by seq. Read from
    # the projection (small) rather than an id index of the whole store; an edited row there
    # makes its retraction fail here, and `projection_problems` names the row.
    named = dict(connection.execute(select(withdrawals.c.retraction_seq, withdrawals.c.seq)).all())
    query = select(*(events.c[name] for name in COLUMNS)).order_by(events.c.seq)
    expected = 1
    for row in connection.execute(query.execution_options(yield_per=batch)).mappings():
        seq, v_number, subject = row["seq"], row["v_number"], row["subject"]
        if seq != expected:
            yield RowCheck(expected, previous, f"row seq {expected} is missing (found {seq})")
            return
        expected += 1
        token = books.setdefault(v_number, TokenBook()).token(row["reference"])
        data = json.loads(row["body"])["data"]
        form = pseudonymous_body(
            row["type"], row["occurred_at"], row["source"], data, token, named.get(seq)
        )
        digest = chain_hash(previous, [
            seq, row["type"], subject, row["case_seq"], row["occurred_at"], row["occurred_us"],
            row["local_date"].isoformat(), row["source"], row["category"], token, form,
            row["recorded_at"], row["commitment"],
        ])  # fmt: skip
        if digest != row["hash"]:
            yield RowCheck(seq, previous, f"row seq {seq} (id {row['id']}) was changed")
            return
        previous = digest
        if v_number == subject:
            yield RowCheck(seq, digest, pseudonymised=True)
            continue
        salt = salts.get(subject)
        identifying = (row["id"], v_number, row["reference"], row["body"])
        if salt is None:
            yield RowCheck(
                seq, digest, f"row seq {seq}: the identity salt of its history is missing"
            )
            return
        if commitment(salt, seq, identifying) != row["commitment"]:
            yield RowCheck(seq, digest, f"row seq {seq}: its identifying values were changed")
            return
        yield RowCheck(seq, digest)
