"""The access log's hash chain: `audit verify` names the first changed, deleted or inserted
row (its seq, when it was logged, what is wrong); the chain stays linear under concurrent
writers; rows logged before the chain existed are chained by the migration."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from terugkeer.store.access_chain import LogVerification, verify_access_log
from terugkeer.store.access_log import REMOVED_DETAIL, Access, record, record_all
from terugkeer.store.engine import writing
from terugkeer.store.tables import access_log, access_log_head

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _fill(engine: Engine, count: int = 6) -> None:
    for n in range(count):
        with writing(engine) as connection:
            record(connection, Access(f"user{n}", "web", "case.read", "10.0.0.1", f"{n:010d}"),
                   AT + timedelta(minutes=n))  # fmt: skip
    with writing(engine) as connection:  # an intake call: a row per rejection, one statement
        record_all(connection, [
            Access("coa", "api", "api.intake", "10.0.0.2", detail="200 accepted=1 rejected=1"),
            Access("coa", "api", "api.intake.rejected", "10.0.0.2", "1000000009",
                   "#2 e-2: 1000000009 has no open case"),
        ], AT + timedelta(hours=1))  # fmt: skip


def _verify(engine: Engine) -> LogVerification:
    with engine.connect() as connection:
        return verify_access_log(connection)


def test_an_untouched_log_verifies(engine: Engine) -> None:
    _fill(engine)
    found = _verify(engine)
    assert (found.intact, found.rows_checked, found.problem) == (True, 8, None)


@pytest.mark.parametrize(
    "change",
    [{"actor": "someone else"}, {"action": "case.list"}, {"at": "2026-12-07T10:03:00.000000Z"},
     {"origin": "10.9.9.9"}, {"v_number": "1000000099"}, {"detail": "200 accepted=9"}],
    ids=lambda change: next(iter(change)),
)  # fmt: skip
def test_a_changed_row_is_named_with_its_seq_and_time(
    engine: Engine, change: dict[str, str]
) -> None:
    _fill(engine)
    row = 4 if "detail" not in change else 7  # the intake call's row has a detail
    with engine.begin() as connection:
        at = connection.execute(select(access_log.c.at).where(access_log.c.seq == row)).scalar()
        connection.execute(update(access_log).where(access_log.c.seq == row).values(**change))
    found = _verify(engine)
    assert (found.intact, found.broken_seq, found.rows_checked) == (False, row, row - 1)
    shown_at = change.get("at", at)
    assert found.broken_at == shown_at and f"row seq {row} (logged at {shown_at})" in (
        found.problem or ""
    )


def test_a_changed_rejection_reason_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as connection:
        connection.execute(update(access_log).where(access_log.c.seq == 8)
                           .values(detail="#2 e-2: nothing to see"))  # fmt: skip
    found = _verify(engine)
    assert found.broken_seq == 8 and "reason differs" in (found.problem or "")


def test_a_reason_removed_outside_retention_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as connection:
        connection.execute(
            update(access_log).where(access_log.c.seq == 8).values(detail=REMOVED_DETAIL)
        )
    found = _verify(engine)
    assert found.broken_seq == 8 and "not by retention" in (found.problem or "")


def test_a_deleted_row_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as connection:
        connection.execute(delete(access_log).where(access_log.c.seq == 3))
    found = _verify(engine)
    assert (found.broken_seq, found.rows_checked) == (3, 2)
    assert "row seq 3 is missing" in (found.problem or "")
    assert found.broken_at == "2026-12-07T09:03:00.000000Z"  # the next row's time


def test_deleting_the_newest_rows_is_caught_by_the_head(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as connection:
        connection.execute(delete(access_log).where(access_log.c.seq >= 7))
    found = _verify(engine)
    assert not found.intact and found.broken_seq == 7 and "chain head" in (found.problem or "")


def test_a_row_inserted_around_the_chain_is_caught(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as connection:
        connection.execute(insert(access_log).values(
            at="2026-12-07T09:30:00.000000Z", actor="ghost", channel="web", action="case.read",
            origin="10.0.0.1"))  # fmt: skip
    found = _verify(engine)
    assert not found.intact and "outside the chain" in (found.problem or "")
    assert found.broken_at == "2026-12-07T09:30:00.000000Z"


def test_concurrent_writers_keep_the_chain_linear(engine: Engine) -> None:
    """Server threads (and processes, on PostgreSQL) append at once: every row gets its own
    seq, in one unbroken chain."""

    def write(worker: int) -> None:
        for n in range(15):
            with writing(engine) as connection:
                record(connection, Access(f"w{worker}", "web", "case.read", "10.0.0.1",
                                          f"{worker:05d}{n:05d}"), AT)  # fmt: skip

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = _verify(engine)
    assert (found.intact, found.rows_checked) == (True, 60), found.problem
    with engine.connect() as connection:
        head = connection.execute(select(access_log_head.c.last_seq)).scalar_one()
    assert head == 60


def test_rows_from_before_the_chain_are_chained_on_upgrade(database_url: str) -> None:
    """Migration 0012 chains the rows already logged, in the order they were logged, without
    their V-number (it has no pseudonym key); rows logged afterwards are chained with it."""
    from alembic import command
    from sqlalchemy import column, table

    from terugkeer.bootstrap import bootstrap
    from terugkeer.settings import Settings
    from terugkeer.store.schema import _config

    system = bootstrap(Settings(database_url=database_url))
    with system.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
        old = table("access_log", *(column(name) for name in (
            "at", "actor", "channel", "action", "origin", "v_number", "detail")))  # fmt: skip
        connection.execute(insert(old), [
            {"at": f"2026-01-0{n}T10:00:00.000000Z", "actor": "anna", "channel": "web",
             "action": "case.read", "origin": "10.0.0.1", "v_number": f"100000000{n}",
             "detail": None} for n in range(1, 4)
        ])  # fmt: skip
    system.close()

    upgraded = bootstrap(Settings(database_url=database_url))
    with writing(upgraded.engine) as connection:
        record(connection, Access("bram", "web", "case.read", "10.0.0.1", "1000000004"), AT)
    found = _verify(upgraded.engine)
    assert (found.intact, found.rows_checked, found.unkeyed_rows) == (True, 4, 3)

    with upgraded.engine.begin() as connection:
        connection.execute(update(access_log).where(access_log.c.seq == 2).values(actor="x"))
    found = _verify(upgraded.engine)
    assert found.broken_seq == 2 and found.broken_at == "2026-01-02T10:00:00.000000Z"
    upgraded.close()
