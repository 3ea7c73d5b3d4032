"""Single sign-on (issue 31): an account made by the identity provider remembers the subject
it belongs to, and a session opened through it the ID token that signing out there needs.

Revision ID: 0014
Revises: 0011 (on merge: the newest of 0012/0013)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("sso_subject", sa.String(255), nullable=True))
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("id_token", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.drop_column("id_token")
    with op.batch_alter_table("users") as table:
        table.drop_column("sso_subject")
