"""Deleting projection rows by key: on PostgreSQL one statement over arrays of the keys (issue
30), on SQLite one executemany; either way exactly the rows named go, on a one- and a
two-column key."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Engine, Integer, MetaData, String, Table, select

from terugkeer.store.bulk import delete_keys, insert_rows


def test_exactly_the_named_keys_are_deleted(engine: Engine) -> None:
    meta = MetaData()
    key = Column("seq", BigInteger, primary_key=True)
    single = Table("bulk_single", meta, key, Column("what", String(10)))
    case_seq = Column("case_seq", BigInteger, primary_key=True)
    position = Column("position", Integer, primary_key=True)
    double = Table("bulk_double", meta, case_seq, position, Column("what", String(10)))
    meta.create_all(engine)
    with engine.begin() as connection:
        insert_rows(connection, single, [[seq, f"s{seq}"] for seq in range(1, 7)])
        insert_rows(connection, double, [[c, p, f"{c}.{p}"] for c in (1, 2, 3) for p in (0, 1)])
        delete_keys(connection, single, [(2,), (5,), (99,)])
        delete_keys(connection, double, [(1, 1), (3, 0), (2, 7)])
    with engine.connect() as connection:
        left = connection.execute(select(single.c.seq).order_by(single.c.seq)).scalars().all()
        pairs = connection.execute(
            select(double.c.case_seq, double.c.position).order_by(
                double.c.case_seq, double.c.position
            )
        ).all()
    assert left == [1, 3, 4, 6]
    assert [tuple(pair) for pair in pairs] == [(1, 0), (2, 0), (2, 1), (3, 1)]
