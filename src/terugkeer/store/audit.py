"""The access log as the auditor reads it: filtered, newest first, a page at a time (keyset on
the id, so that a deep page costs what the first does)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from terugkeer.store.tables import access_log


def access_entries(
    connection: Connection,
    *,
    actor: str | None,
    v_number: str | None,
    request_id: str | None = None,
    since: str | None,
    until: str | None,
    before: int | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Entries matching the filters (`since` inclusive, `until` exclusive, UTC texts), with an
    id below `before`, newest first, at most `limit`."""
    where = []
    if actor:
        where.append(access_log.c.actor == actor)
    if v_number:
        where.append(access_log.c.v_number == v_number)
    if request_id:
        where.append(access_log.c.request_id == request_id)
    if since:
        where.append(access_log.c.at >= since)
    if until:
        where.append(access_log.c.at < until)
    if before is not None:
        where.append(access_log.c.id < before)
    query = select(access_log).where(*where).order_by(access_log.c.id.desc()).limit(limit)
    return [dict(row) for row in connection.execute(query).mappings()]
