"""Corrections (EVENTS.md v1.1): the idempotency key becomes (source, id), and withdrawn events
get a projection of their own.

No stored event changes: the rows are copied as they are (SQLite rebuilds the table to drop the
unnamed unique constraint on `id`), so every hash still links. No store from before 0008 holds
a `retracted` event, so `withdrawals` starts empty and needs no rebuild.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _events_as_at_0007() -> sa.Table:
    """The events table as 0001, 0003 and 0007 left it, without the unique `id`."""
    return sa.Table(
        "events",
        sa.MetaData(),
        sa.Column("seq", _KEY, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("case_seq", sa.BigInteger, nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("occurred_us", sa.BigInteger, nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40)),
        sa.Column("reference", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(32)),
        sa.Column("commitment", sa.String(64)),
        sa.Index("ix_events_type_day", "type", "local_date", "category", "source"),
        sa.Index("ix_events_person", "v_number", "type", "occurred_us", "reference"),
        sa.Index("ix_events_case", "case_seq", "type", "occurred_us", "category"),
    )


#: The covering indexes of the events, which on PostgreSQL now carry the seq (SQLite's rowid
#: is in every index already): figures leave withdrawn events out by seq and stay index-only.
_COVERING = (
    ("ix_events_type_day", ["type", "local_date", "category", "source"]),
    ("ix_events_person", ["v_number", "type", "occurred_us", "reference"]),
    ("ix_events_case", ["case_seq", "type", "occurred_us", "category"]),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("events_id_key", "events", type_="unique")
        for name, columns in _COVERING:
            op.drop_index(name, "events")
            op.create_index(name, "events", columns, postgresql_include=["seq"])
    else:
        with op.batch_alter_table("events", recreate="always", copy_from=_events_as_at_0007()):
            pass
    op.create_index("ux_events_id_source", "events", ["id", "source"], unique=True)
    op.create_table(
        "withdrawals",
        sa.Column("seq", _KEY, primary_key=True, autoincrement=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("case_seq", sa.BigInteger, nullable=False),
        sa.Column("retraction_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    """Only while no two senders share an id (the unique constraint refuses otherwise)."""
    if op.get_bind().dialect.name == "postgresql":
        for name, columns in _COVERING:
            op.drop_index(name, "events")
            op.create_index(name, "events", columns)
    op.drop_table("withdrawals")
    op.drop_index("ux_events_id_source", "events")
    with op.batch_alter_table("events") as table:
        table.create_unique_constraint("events_id_key", ["id"])
