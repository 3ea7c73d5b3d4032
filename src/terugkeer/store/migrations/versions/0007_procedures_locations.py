"""Projections of procedures and location spells, for the figures "at the end of the period",
and covering indexes for the other key figures (store/tables.py says what each serves).

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
        ["kind", "until_us", "from_us", "case_seq"],
    )
    for table, old, new, columns in _INDEXES:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, columns)


def downgrade() -> None:
    for table, old, new, _columns in _INDEXES:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, _OLD_COLUMNS[old])
    op.drop_table("location_spells")
    op.drop_table("procedures")


#: (table, index replaced, its replacement, the replacement's columns).
_INDEXES = (
    ("events", "ix_events_type_local_date", "ix_events_type_day",
     ["type", "local_date", "category", "source"]),
    ("cases", "ix_cases_open_close", "ix_cases_open_at",
     ["closed_us", "opened_us", "track", "nationality", "v_number"]),
    ("cases", "ix_cases_closed_date", "ix_cases_closed_on",
     ["closed_date", "closing_type", "closing_category", "dublin_transfer", "destination"]),
)  # fmt: skip
_OLD_COLUMNS = {
    "ix_events_type_local_date": ["type", "local_date"],
    "ix_cases_open_close": ["opened_us", "closed_us"],
    "ix_cases_closed_date": ["closed_date"],
}
