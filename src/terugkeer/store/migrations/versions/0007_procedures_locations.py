"""Projections of procedures and location spells, for the figures "at the end of the period".

Filled by the projection rebuild that follows this migration (store/schema.py REBUILD_BEFORE).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("seq", _KEY, primary_key=True, autoincrement=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24)),
        sa.Column("started_us", sa.BigInteger),
        sa.Column("decided_us", sa.BigInteger),
    )
    op.create_index("ix_procedures_person", "procedures", ["v_number", "started_us", "decided_us"])
    op.create_table(
        "location_spells",
        sa.Column("seq", _KEY, primary_key=True, autoincrement=False),
        sa.Column("case_seq", sa.BigInteger, nullable=False),
        sa.Column("v_number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("from_us", sa.BigInteger, nullable=False),
        sa.Column("until_us", sa.BigInteger),
    )
    op.create_index("ix_location_spells_v_number", "location_spells", ["v_number"])
    op.create_index(
        "ix_location_spells_kind",
        "location_spells",
        ["kind", "from_us", "until_us", "case_seq"],
    )


def downgrade() -> None:
    op.drop_table("location_spells")
    op.drop_table("procedures")
