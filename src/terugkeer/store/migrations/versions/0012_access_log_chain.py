"""The access log becomes a hash chain (store/access_log.py, store/access_chain.py).

Rows logged before this revision are chained here, in the order they were logged (by id), as
seq 1..n. The migration has no pseudonym key (it never enters the database), so these rows are
chained *unkeyed*: their hash covers every column but the V-number and a rejection's reason
(the two values retention rewrites). `access_log_head.unkeyed_rows` says how many there are;
every row logged afterwards is chained with the key and covers its V-number's pseudonym too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from terugkeer.store.access_log import retained_form
from terugkeer.store.digest import chain_hash

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_BATCH = 5000


def upgrade() -> None:
    op.add_column("access_log", sa.Column("seq", sa.BigInteger))
    op.add_column("access_log", sa.Column("hash", sa.String(64)))
    op.add_column("access_log", sa.Column("commitment", sa.String(64)))
    op.create_table(
        "access_log_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("unkeyed_rows", sa.BigInteger, nullable=False),
    )
    seq, previous = _chain_earlier_rows(op.get_bind())
    op.create_index("ix_access_log_seq", "access_log", ["seq"], unique=True)
    head = sa.table(
        "access_log_head",
        sa.column("id"), sa.column("last_seq"), sa.column("last_hash"), sa.column("unkeyed_rows"),
    )  # fmt: skip
    op.execute(head.insert().values(id=1, last_seq=seq, last_hash=previous, unkeyed_rows=seq))


def _chain_earlier_rows(connection: sa.Connection) -> tuple[int, str]:
    log = sa.table(
        "access_log",
        *(sa.column(name) for name in (
            "id", "at", "actor", "channel", "action", "origin", "v_number", "detail", "seq",
            "hash", "commitment",
        )),
    )  # fmt: skip
    seq, previous, after = 0, GENESIS, -1
    while True:
        rows = connection.execute(
            sa.select(log).where(log.c.id > after).order_by(log.c.id).limit(_BATCH)
        ).mappings().all()  # fmt: skip
        if not rows:
            return seq, previous
        changes = []
        for row in rows:
            seq += 1
            previous = chain_hash(previous, retained_form(None, row, seq))
            changes.append({"i": row["id"], "s": seq, "h": previous})
        connection.execute(
            log.update()
            .where(log.c.id == sa.bindparam("i"))
            .values(seq=sa.bindparam("s"), hash=sa.bindparam("h")),
            changes,
        )
        after = rows[-1]["id"]


def downgrade() -> None:
    op.drop_table("access_log_head")
    op.drop_index("ix_access_log_seq", table_name="access_log")
    with op.batch_alter_table("access_log") as table:
        table.drop_column("commitment")
        table.drop_column("hash")
        table.drop_column("seq")
