"""One-time passwords (issue 27): an account created or reset with one must choose its own
password at the first sign-in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing accounts chose nothing yet either, but forcing a change on a running agency
    # at upgrade would lock everyone out of their work at once: they keep their passwords.
    with op.batch_alter_table("users") as table:
        table.add_column(
            sa.Column("must_change_password", sa.Boolean, nullable=False,
                      server_default=sa.false())
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("must_change_password")
