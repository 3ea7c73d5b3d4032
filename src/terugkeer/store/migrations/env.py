"""Alembic environment: runs migrations on the connection terugkeer hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from terugkeer.store.tables import metadata

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `terugkeer db upgrade` (store/schema.py)")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
