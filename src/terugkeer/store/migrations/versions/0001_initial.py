"""The event store, its hash-chain head and the case projections.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


#: 64-bit keys that are SQLite's rowid there (only INTEGER PRIMARY KEY is), so no second index.
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", KEY, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(100), nullable=False, unique=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("v_number", sa.String(10), nullable=False),
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
    )
    op.create_index("ix_events_type_local_date", "events", ["type", "local_date"])
    op.create_index("ix_events_person", "events", ["v_number", "type", "occurred_us", "reference"])
    op.create_index("ix_events_case", "events", ["case_seq", "type", "occurred_us", "category"])
    head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    # The single head row exists from the start, so writers can always lock it.
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])
    op.create_table(
        "cases",
        sa.Column("case_seq", KEY, primary_key=True, autoincrement=False),
        sa.Column("v_number", sa.String(10), nullable=False, index=True),
        sa.Column("nationality", sa.String(3), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("unaccompanied_minor", sa.Boolean, nullable=False),
        sa.Column("opened_us", sa.BigInteger, nullable=False),
        sa.Column("closed_us", sa.BigInteger),
        sa.Column("closed_date", sa.Date),
        sa.Column("closing_type", sa.String(32)),
        sa.Column("closing_category", sa.String(40)),
        sa.Column("dublin_transfer", sa.Boolean, nullable=False),
        sa.Column("destination", sa.String(3)),
        sa.Column("stance", sa.String(20)),
        sa.Column("location_kind", sa.String(24)),
    )
    op.create_index("ix_cases_open_close", "cases", ["opened_us", "closed_us"])
    op.create_index("ix_cases_closed_date", "cases", ["closed_date"])
    op.create_table(
        "dublin_claims",
        sa.Column("accepted_seq", KEY, primary_key=True, autoincrement=False),
        sa.Column("case_seq", sa.BigInteger, nullable=False, index=True),
        sa.Column("v_number", sa.String(10), nullable=False),
        sa.Column("member_state", sa.String(3), nullable=False),
        sa.Column("regime", sa.String(24), nullable=False),
        sa.Column("base_date", sa.Date),
        sa.Column("deadline", sa.Date, index=True),
        sa.Column("transferred", sa.Boolean, nullable=False),
        sa.Column("expired", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("dublin_claims", "cases", "chain_head", "events"):
        op.drop_table(table)
