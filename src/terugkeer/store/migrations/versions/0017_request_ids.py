"""Operations' signals (issue 29, point 5): the access log keeps the request id of the HTTP
request that wrote each row, so that an operator can go from a log line to its access-log row
and back (indexed: the auditor filters by it); and the webhook outbox gets an index that finds
its oldest pending delivery without reading the delivered ones (the readiness probe asks
every few seconds).

The request id is NULL on every row written before (and on rows the CLI writes); the chain
hashes it only where it is present (store/access_log.py `retained_form`), so the links of the
existing rows are unchanged and `audit verify` stays clean.

Revision ID: 0017
Revises: 0016 (the lead renumbers on merge: another branch may take 0017)
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_log") as table:
        table.add_column(sa.Column("request_id", sa.String(64), nullable=True))
    op.create_index("ix_access_log_request_id", "access_log", ["request_id"])
    op.create_index("ix_webhook_outbox_pending", "webhook_outbox", ["state", "event_seq"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_pending", table_name="webhook_outbox")
    op.drop_index("ix_access_log_request_id", table_name="access_log")
    with op.batch_alter_table("access_log") as table:
        table.drop_column("request_id")
