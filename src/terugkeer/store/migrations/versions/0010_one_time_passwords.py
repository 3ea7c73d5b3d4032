"""One-time passwords (issue 27): an account created or reset with one must choose its own
password at the first sign-in. And the team lead's workload: the team's assignments grouped by
director straight from one covering index (store/team.py).

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
    op.create_index(
        "ix_case_directors_team_director", "case_directors", ["team", "director", "case_seq"]
    )


def downgrade() -> None:
    op.drop_index("ix_case_directors_team_director", "case_directors")
    with op.batch_alter_table("users") as table:
        table.drop_column("must_change_password")
