"""Chain scheme 2 for retention: subjects, identity commitments and salts, retention runs.

Stores that already hold events keep hashing every column (scheme 1); new stores hash the
pseudonymous form (store/pseudonyms.py), so that retention can remove identifying values
without breaking the chain. V-number columns widen to hold a subject (32 characters).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("events") as table:
        table.alter_column("v_number", type_=sa.String(32), existing_nullable=False)
        table.add_column(sa.Column("subject", sa.String(32)))
        table.add_column(sa.Column("commitment", sa.String(64)))
    for name, nullable in (("cases", False), ("dublin_claims", False), ("access_log", True)):
        with op.batch_alter_table(name) as table:
            table.alter_column("v_number", type_=sa.String(32), existing_nullable=nullable)
    with op.batch_alter_table("chain_head") as table:
        table.add_column(sa.Column("scheme", sa.Integer, nullable=False, server_default="2"))
        table.add_column(sa.Column("key_check", sa.String(64)))
    op.execute("UPDATE chain_head SET scheme = 1 WHERE last_seq > 0")
    op.create_table(
        "identity_salts",
        sa.Column("subject", sa.String(32), primary_key=True),
        sa.Column("salt", sa.String(32), nullable=False),
    )
    op.create_table(
        "retention_runs",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("closed_before", sa.Date, nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_runs")
    op.drop_table("identity_salts")
    with op.batch_alter_table("chain_head") as table:
        table.drop_column("key_check")
        table.drop_column("scheme")
    with op.batch_alter_table("events") as table:
        table.drop_column("commitment")
        table.drop_column("subject")
