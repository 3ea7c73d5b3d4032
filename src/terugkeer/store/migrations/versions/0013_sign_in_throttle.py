"""Sign-in throttling (issue 31): failed sign-ins counted per (name tried, origin), per origin
and per name, so that guessing is slowed down without letting a stranger lock a user out.
The old per-account lock-out (`users.failed_logins`, `locked_until`) stays: `locked_until`
now marks the hard lock an admin lifts.

Revision ID: 0013
Revises: 0011 (on merge: 0012, the access log's chain)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("name_key", sa.String(64), primary_key=True),
        sa.Column("origin", sa.String(100), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("since", sa.String(32), nullable=False),
        sa.Column("blocked_until", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
