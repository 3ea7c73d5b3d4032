"""The access log's chain becomes keyed (store/access_log.py): each new link is an HMAC under a
key derived from the configured pseudonym key, and the head gets `unkeyed_seal`, a MAC of how
many rows were chained without the key, written by the first keyed write.

Links written since 0012 are plain SHA-256 and the migration has no key (it never enters the
database), so every row chained so far is re-chained here in the unkeyed form, as 0012 chained
the rows before it: `unkeyed_rows` becomes the number of rows, and the seal is left for the
first keyed write.

Revision ID: 0015
Revises: 0014 (the lead renumbers on merge: another branch may take 0015)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from terugkeer.store.access_log import retained_form
from terugkeer.store.digest import chain_hash

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_BATCH = 5000
_COLUMNS = ("id", "at", "actor", "channel", "action", "origin", "v_number", "detail", "seq",
            "hash", "commitment")  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("access_log_head") as table:
        table.add_column(sa.Column("unkeyed_seal", sa.String(64), nullable=True))
    seq, previous = _rechain_unkeyed(op.get_bind())
    head = sa.table(
        "access_log_head",
        *(sa.column(n) for n in ("id", "last_seq", "last_hash", "unkeyed_rows", "unkeyed_seal")),
    )
    op.execute(
        head.update()
        .where(head.c.id == 1)
        .values(last_seq=seq, last_hash=previous, unkeyed_rows=seq, unkeyed_seal=None)
    )


def _rechain_unkeyed(connection: sa.Connection) -> tuple[int, str]:
    log = sa.table("access_log", *(sa.column(name) for name in _COLUMNS))
    seq, previous = 0, GENESIS
    while True:
        rows = connection.execute(
            sa.select(log).where(log.c.seq > seq).order_by(log.c.seq).limit(_BATCH)
        ).mappings().all()  # fmt: skip
        if not rows:
            return seq, previous
        changes = []
        for row in rows:
            seq = row["seq"]
            previous = chain_hash(previous, retained_form(None, row, seq))
            changes.append({"s": seq, "h": previous})
        connection.execute(
            log.update().where(log.c.seq == sa.bindparam("s")).values(hash=sa.bindparam("h")),
            changes,
        )


def downgrade() -> None:
    # The keyed links stay keyed: verify on 0012's code would name them changed.
    with op.batch_alter_table("access_log_head") as table:
        table.drop_column("unkeyed_seal")
