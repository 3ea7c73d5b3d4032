"""Inserting many rows at once.

On SQLite the rows go straight to the driver's executemany: SQLAlchemy's per-row parameter
processing cost more than the insert itself (measured with `terugkeer bench import`).
PostgreSQL takes the rows by COPY in the same transaction (`_copy`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Connection,
    Dialect,
    Table,
    Text,
    TypeDecorator,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.exc import DBAPIError


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
    if connection.dialect.driver == "psycopg":
        _copy(connection, table, rows)
        return
    names = [column.name for column in table.columns]
    date_names = [names[i] for i in _date_positions(table)]
    dicts = [dict(zip(names, row, strict=True)) for row in rows]
    for values in dicts:
        for name in date_names:
            if isinstance(values[name], str):
                values[name] = date.fromisoformat(values[name])
    connection.execute(insert(table), dicts)


def _copy(connection: Connection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: `COPY ... FROM STDIN` in the connection's transaction, a third of the time
    of a multi-row INSERT through SQLAlchemy (whose per-row parameter building was most of
    it). ISO text goes into date columns as it is (COPY's text form). A driver error is
    raised as SQLAlchemy's, as an INSERT's would be, so `store/errors.guarded` can say it."""
    statement = _copy_statement(table)
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except driver.Error as error:  # psycopg's base class; its subclasses name the cause
        # The rows as the parameters: `errors.reason` then drops a message quoting one of
        # them (PostgreSQL names the bad value on the first line); never shown themselves.
        raise DBAPIError.instance(
            statement, [list(row) for row in rows], error, type(driver).Error,
            hide_parameters=True, dialect=connection.dialect,
        ) from error  # fmt: skip


@cache
def _copy_statement(table: Table) -> str:
    return f"COPY {table.name} ({', '.join(column.name for column in table.columns)}) FROM STDIN"


def delete_keys(connection: Connection, table: Table, keys: Sequence[tuple[Any, ...]]) -> None:
    """Delete the rows whose primary key (its columns in table order) is one of `keys`."""
    if not keys:
        return
    columns = list(table.primary_key.columns)
    if connection.dialect.name == "sqlite":
        where = " AND ".join(f"{column.name} = ?" for column in columns)
        connection.exec_driver_sql(f"DELETE FROM {table.name} WHERE {where}", list(keys))
        return
    if connection.dialect.name == "postgresql" and _integer_key(table):
        # One statement over arrays of the keys: an executemany of one DELETE per key cost
        # PostgreSQL a statement each (issue 30, the projections' writes).
        arrays = list(zip(*keys, strict=True))
        connection.execute(_unnest_delete(table), {f"k{i}": list(a) for i, a in enumerate(arrays)})
        return
    statement = delete(table).where(
        and_(*(column == bindparam(f"k{i}") for i, column in enumerate(columns)))
    )
    connection.execute(statement, [{f"k{i}": v for i, v in enumerate(key)} for key in keys])


@cache
def _integer_key(table: Table) -> bool:
    return all(column.type.python_type is int for column in table.primary_key.columns)


@cache
def _unnest_delete(table: Table) -> Any:
    """DELETE … WHERE (key columns) IN (the rows of unnest(one bigint array per column))."""
    columns = list(table.primary_key.columns)
    arrays = [bindparam(f"k{i}", type_=ARRAY(BigInteger)) for i in range(len(columns))]
    names = [f"k{i}" for i in range(len(columns))]
    rows = func.unnest(*arrays).table_valued(*names).render_derived()
    return delete(table).where(tuple_(*columns).in_(select(*rows.c)))


@cache
def _date_positions(table: Table) -> tuple[int, ...]:
    return tuple(i for i, column in enumerate(table.columns) if column.type.python_type is date)


# What SQLAlchemy's Date type stores on SQLite: ISO text. Python's own default adapter does the
# same but is deprecated (3.12); this one is explicit, for every sqlite3 connection.
sqlite3.register_adapter(date, date.isoformat)


def one_of(connection: Connection, column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """`column IN (:name)` for a list given at execution. On PostgreSQL one array parameter
    (`= ANY(:name)`): an expanded IN of ten thousand ids cost psycopg more in splitting the
    statement than the server took to answer it. On SQLite one JSON text read by json_each:
    a group-committed batch can hold more ids than SQLite takes variables (32,766)."""
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    if connection.dialect.name == "sqlite":  # one JSON parameter: no limit of 32,766 variables
        values = func.json_each(bindparam(name, type_=_JsonList()))
        return column.in_(select(literal_column("value")).select_from(values))
    return column.in_(bindparam(name, expanding=True))


class _JsonList(TypeDecorator[list[Any]]):
    """A list bound as one JSON text (SQLite's json_each reads it)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(list(value))
