"""The day from which a store holds the caseload whole (issue 28): comparisons and series that
reach before it are marked "not comparable" instead of comparing a warm-up or a partial
migration with a whole year.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "completeness",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("complete_from", sa.Date, nullable=False),
        sa.Column("set_at", sa.String(32), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("completeness")
