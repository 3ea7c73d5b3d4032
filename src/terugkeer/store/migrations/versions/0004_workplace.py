"""The workplace: worklist items, users and sessions, case assignments, who recorded an event.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("cases") as table:
        table.add_column(sa.Column("family", sa.Text))
    op.create_index("ix_cases_family", "cases", ["family"])
    op.create_table(
        "worklist_items",
        sa.Column("case_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("shows_from", sa.Date, nullable=False),
        sa.Column("shows_until", sa.Date),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_worklist_items_v_number", "worklist_items", ["v_number"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("team", sa.String(60)),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
    )
    op.create_index("ix_sessions_user_name", "sessions", ["user_name"])
    op.create_table(
        "assignments",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("case_seq", sa.BigInteger, nullable=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("director", sa.String(100), nullable=False),
        sa.Column("team", sa.String(60)),
        sa.Column("assigned_by", sa.String(100), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_assignments_case_seq", "assignments", ["case_seq"])
    op.create_table(
        "case_directors",
        sa.Column("case_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("director", sa.String(100), nullable=False),
        sa.Column("team", sa.String(60)),
    )
    for column in ("v_number", "director", "team"):
        op.create_index(f"ix_case_directors_{column}", "case_directors", [column])
    op.create_table(
        "recorded_by",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("actor", sa.String(100), nullable=False),
    )
    # Existing stores: the worklist (and cases.family) are derived from the events, which a
    # migration cannot do (it needs the rules table): bootstrap and `db upgrade` rebuild the
    # projections right after migrating a store from before this revision (REBUILD_BEFORE).


def downgrade() -> None:
    for table in (
        "recorded_by",
        "case_directors",
        "assignments",
        "sessions",
        "users",
        "worklist_items",
    ):
        op.drop_table(table)
    op.drop_index("ix_cases_family", "cases")
    with op.batch_alter_table("cases") as cases_table:
        cases_table.drop_column("family")
