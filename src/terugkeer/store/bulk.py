"""Inserting many rows at once.

On SQLite the rows go straight to the driver's executemany: SQLAlchemy's per-row parameter
processing cost more than the insert itself (measured with `terugkeer bench import`).
PostgreSQL keeps the portable Core insert, which psycopg batches itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert


@cache
def _sqlite_insert(table: Table) -> str:
    names = [column.name for column in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def insert_rows(connection: Connection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as values in the table's column order; dates may be `date` objects or
    ISO text (SQLAlchemy stores dates as ISO text on SQLite)."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        # Dates go in as ISO text by the adapter registered below, in the driver's C loop.
        connection.exec_driver_sql(_sqlite_insert(table), list(map(tuple, rows)))
        return
    names = [column.name for column in table.columns]
    date_names = [names[i] for i in _date_positions(table)]
    dicts = [dict(zip(names, row, strict=True)) for row in rows]
    for values in dicts:
        for name in date_names:
            if isinstance(values[name], str):
                values[name] = date.fromisoformat(values[name])
    connection.execute(insert(table), dicts)


def delete_keys(connection: Connection, table: Table, keys: Sequence[tuple[Any, ...]]) -> None:
    """Delete the rows whose primary key (its columns in table order) is one of `keys`."""
    if not keys:
        return
    columns = list(table.primary_key.columns)
    if connection.dialect.name == "sqlite":
        where = " AND ".join(f"{column.name} = ?" for column in columns)
        connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE {where}", list(keys))
        return
    statement = delete(table).where(
        and_(*(column == bindparam(f"k{i}") for i, column in enumerate(columns)))
    )
    connection.execute(statement, [{f"k{i}": v for i, v in enumerate(key)} for key in keys])


@cache
def _date_positions(table: Table) -> tuple[int, ...]:
    return tuple(i for i, column in enumerate(table.columns) if column.type.python_type is date)


# What SQLAlchemy's Date type stores on SQLite: ISO text. Python's own default adapter does the
# same but is deprecated (3.12); this one is explicit, for every sqlite3 connection.
sqlite3.register_adapter(date, date.isoformat)
