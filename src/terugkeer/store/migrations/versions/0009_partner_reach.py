"""A partner's reach (issue 26): case directors' shares and admin-configured reach rules.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reach_shares",
        sa.Column("id", _KEY, primary_key=True, autoincrement=True),
        sa.Column("partner", sa.String(100), nullable=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("ends", sa.BigInteger),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_reach_shares_person", "reach_shares", ["v_number", "partner"])
    op.create_index("ix_reach_shares_ends", "reach_shares", ["ends"])
    op.create_table(
        "reach_rules",
        sa.Column("id", _KEY, primary_key=True, autoincrement=True),
        sa.Column("partner", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("trusted", sa.Text, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("removed_by", sa.String(100)),
        sa.Column("removed_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("reach_rules")
    op.drop_table("reach_shares")
