"""Appending event rows in bulk.

On SQLite the rows go straight to the driver's executemany: SQLAlchemy's per-row parameter
processing cost more than the insert itself (measured with `terugkeer bench import`).
PostgreSQL keeps the portable Core insert, which psycopg batches itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, insert

from terugkeer.store.codec import EventRow
from terugkeer.store.tables import events

_COLUMNS = tuple(column.name for column in events.columns)
_SQLITE_INSERT = (
    f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


def insert_events(connection: Connection, rows: Sequence[EventRow]) -> None:
    """Insert complete rows (hash included) given in table column order."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(_SQLITE_INSERT, [tuple(row) for row in rows])
        return
    local_date = _COLUMNS.index("local_date")
    dicts = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
    for values, row in zip(dicts, rows, strict=True):
        values["local_date"] = date.fromisoformat(row[local_date])
    connection.execute(insert(events), dicts)
