"""The access log (who read or changed which case).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("v_number", sa.String(10)),
    )
    op.create_index("ix_access_log_v_number", "access_log", ["v_number", "at"])
    op.create_index("ix_access_log_actor", "access_log", ["actor", "at"])


def downgrade() -> None:
    op.drop_table("access_log")
