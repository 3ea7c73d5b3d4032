"""Webhook subscriptions, their outbox and the delivery log (issue 10).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", _KEY, primary_key=True, autoincrement=True),
        sa.Column("partner", sa.String(100), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("removed_at", sa.String(32)),
    )
    op.create_table(
        "webhook_outbox",
        sa.Column("id", _KEY, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.BigInteger, nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_us", sa.BigInteger, nullable=False),
        sa.Column("lease_until_us", sa.BigInteger),
        sa.Column("last_result", sa.String(120)),
        sa.Column("delivered_at", sa.String(32)),
    )
    op.create_index("ux_webhook_outbox_event", "webhook_outbox",
                    ["subscription_id", "event_seq"], unique=True)  # fmt: skip
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["state", "next_attempt_us"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", _KEY, primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("result", sa.String(120), nullable=False),
        sa.Column("ms", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_outbox")
    op.drop_table("subscriptions")
