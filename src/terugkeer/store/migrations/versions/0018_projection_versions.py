"""Projection versions (issue 30): the figures' projections as they stood after every commit,
so that "as known on" a moment is a query instead of a replay (store/versions.py).

An existing store has no record of its earlier commits: its versions start at the chain's head
(`chain_head.versions_from`) with the current rows, and a moment before that is replayed.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

CURRENT = 1 << 62
_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _columns() -> dict[str, list[sa.Column[Any]]]:
    """The versioned projections' columns as of this revision (tables.py may move on)."""
    return {
        "cases": [
            sa.Column("case_seq", _KEY, nullable=False),
            sa.Column("v_number", sa.String(32), nullable=False),
            sa.Column("nationality", sa.String(3), nullable=False),
            sa.Column("track", sa.String(16), nullable=False),
            sa.Column("unaccompanied_minor", sa.Boolean, nullable=False),
            sa.Column("opened_us", sa.BigInteger, nullable=False),
            sa.Column("closed_us", sa.BigInteger),
            sa.Column("closed_date", sa.Date),
            sa.Column("closing_type", sa.String(32)),
            sa.Column("closing_category", sa.String(40)),
            sa.Column("dublin_transfer", sa.Boolean, nullable=False),
            sa.Column("destination", sa.String(3)),
            sa.Column("stance", sa.String(20)),
            sa.Column("location_kind", sa.String(24)),
            sa.Column("family", sa.Text),
        ],
        "withdrawals": [
            sa.Column("seq", _KEY, nullable=False),
            sa.Column("v_number", sa.String(32), nullable=False),
            sa.Column("case_seq", sa.BigInteger, nullable=False),
            sa.Column("retraction_seq", sa.BigInteger, nullable=False),
        ],
        "dublin_claims": [
            sa.Column("accepted_seq", _KEY, nullable=False),
            sa.Column("case_seq", sa.BigInteger, nullable=False),
            sa.Column("v_number", sa.String(32), nullable=False),
            sa.Column("member_state", sa.String(3), nullable=False),
            sa.Column("regime", sa.String(24), nullable=False),
            sa.Column("base_date", sa.Date),
            sa.Column("deadline", sa.Date),
            sa.Column("transferred", sa.Boolean, nullable=False),
            sa.Column("expired", sa.Boolean, nullable=False),
        ],
        "procedures": [
            sa.Column("seq", _KEY, nullable=False),
            sa.Column("v_number", sa.String(32), nullable=False),
            sa.Column("kind", sa.String(24)),
            sa.Column("started_us", sa.BigInteger),
            sa.Column("decided_us", sa.BigInteger),
        ],
        "location_spells": [
            sa.Column("seq", _KEY, nullable=False),
            sa.Column("case_seq", sa.BigInteger, nullable=False),
            sa.Column("v_number", sa.String(32), nullable=False),
            sa.Column("kind", sa.String(24), nullable=False),
            sa.Column("from_us", sa.BigInteger, nullable=False),
            sa.Column("until_us", sa.BigInteger),
        ],
    }


#: The indexes of the projections the figures read through, kept on their versions too.
_MIRRORED: dict[str, dict[str, list[str]]] = {
    "cases": {
        "ix_cases_closed_on": ["closed_date", "closing_type", "closing_category",
                               "dublin_transfer", "destination"],
        "ix_cases_open_at": ["closed_us", "opened_us", "track", "nationality", "v_number"],
    },
    "procedures": {"ix_procedures_person": ["v_number", "started_us", "decided_us"]},
    "location_spells": {"ix_location_spells_kind": ["kind", "until_us", "from_us", "case_seq"]},
}  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("chain_head") as batch:
        batch.add_column(
            sa.Column("versions_from", sa.BigInteger, nullable=False, server_default="0")
        )
    op.create_table("projection_marks", sa.Column("seq", _KEY, primary_key=True,
                                                  autoincrement=False))  # fmt: skip
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT last_seq FROM chain_head WHERE id = 1")).scalar() or 0
    for name, columns in _columns().items():
        key = columns[0].name
        op.create_table(
            f"{name}_versions",
            *columns,
            sa.Column("from_seq", sa.BigInteger, nullable=False),
            sa.Column("to_seq", sa.BigInteger, nullable=False),
            sa.PrimaryKeyConstraint(key, "from_seq"),
        )
        op.create_index(f"ix_{name}_versions_person", f"{name}_versions", ["v_number", "to_seq"])
        for index, columns_of_index in _MIRRORED.get(name, {}).items():
            op.create_index(f"{index}_versions", f"{name}_versions",
                            [*columns_of_index, "to_seq", "from_seq"])  # fmt: skip
        names = ", ".join(column.name for column in _columns()[name])
        bind.execute(sa.text(
            f"INSERT INTO {name}_versions ({names}, from_seq, to_seq) "
            f"SELECT {names}, :head, :current FROM {name}"
        ), {"head": head, "current": CURRENT})  # fmt: skip
    if head:
        bind.execute(sa.text("INSERT INTO projection_marks (seq) VALUES (:head)"), {"head": head})
    bind.execute(sa.text("UPDATE chain_head SET versions_from = :head"), {"head": head})


def downgrade() -> None:
    for name in _columns():
        for index in _MIRRORED.get(name, {}):
            op.drop_index(f"{index}_versions", f"{name}_versions")
        op.drop_index(f"ix_{name}_versions_person", f"{name}_versions")
        op.drop_table(f"{name}_versions")
    op.drop_table("projection_marks")
    with op.batch_alter_table("chain_head") as batch:
        batch.drop_column("versions_from")
