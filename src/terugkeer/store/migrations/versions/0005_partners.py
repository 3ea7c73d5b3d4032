"""Partner credentials for the API; an API call's status and counts in the access log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="partner"),
        sa.Column("source", sa.String(16)),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("reads", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("previous_hash", sa.String(64), unique=True),
        sa.Column("previous_until", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )
    with op.batch_alter_table("access_log") as table:
        table.add_column(sa.Column("detail", sa.String(120)))


def downgrade() -> None:
    with op.batch_alter_table("access_log") as table:
        table.drop_column("detail")
    op.drop_table("partners")
