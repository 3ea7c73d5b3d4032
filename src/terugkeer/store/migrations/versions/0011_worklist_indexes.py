"""The worklist's index (issue 27): the items of a case with every column the worklist filters,
counts and orders by, so that counts per kind and group and the choice of a page read the index
alone (no table row) for the cases of a director or a team.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_worklist_items_showing",
        "worklist_items",
        ["case_seq", "shows_from", "shows_until", "due", "kind"],
    )


def downgrade() -> None:
    op.drop_index("ix_worklist_items_showing", table_name="worklist_items")
