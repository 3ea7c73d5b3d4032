"""The access log's hash chain: `audit verify` names the first changed, deleted or inserted
row (its seq, when it was logged, what is wrong); the chain stays linear under concurrent
writers; rows logged before the chain existed are chained by the migration."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from terugkeer.domain.identifiers import is_v_number
from terugkeer.store.access_chain import LogVerification, verify_access_log
from terugkeer.store.access_log import (
    GENESIS,
    REMOVED_DETAIL,
    RETENTION_MARKER,
    Access,
    log_subject,
    record,
    record_all,
    retained_form,
)
from terugkeer.store.digest import chain_hash
from terugkeer.store.engine import writing
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY, Pseudonyms
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


def _head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as connection:
        head = connection.execute(select(access_log_head)).one()
    return head.last_seq, head.last_hash


def test_a_key_is_needed_to_rechain_a_changed_row(engine: Engine) -> None:
    """An attacker with the database but not the key rewrites a row and recomputes every
    later link as plain SHA-256: the keyed links no longer match."""
    _fill(engine)
    _rechain_unkeyed_from(engine, 4, unkeyed=None)
    found = _verify(engine)
    assert (found.intact, found.broken_seq) == (False, 4) and "was changed" in (found.problem or "")


def _rechain_unkeyed_from(
    engine: Engine, changed: int, *, unkeyed: int | None, first: int | None = None
) -> None:
    """Change row `changed`'s actor and recompute every link from row `first` (default: the
    changed one) unkeyed — what anyone can compute —, the head following; `unkeyed` also moves
    the head's boundary."""
    first = changed if first is None else first
    with engine.begin() as connection:
        connection.execute(update(access_log).where(access_log.c.seq == changed)
                           .values(actor="someone else"))  # fmt: skip
        rows = connection.execute(select(access_log).order_by(access_log.c.seq)).mappings().all()
        previous = GENESIS if first == 1 else rows[first - 2]["hash"]
        for row in rows[first - 1 :]:
            previous = chain_hash(previous, retained_form(None, row, row["seq"]))
            connection.execute(update(access_log).where(access_log.c.seq == row["seq"])
                               .values(hash=previous))  # fmt: skip
        moved = {} if unkeyed is None else {"unkeyed_rows": unkeyed}
        connection.execute(update(access_log_head)
                           .values(last_hash=previous, **moved))  # fmt: skip


def test_raising_the_number_of_unkeyed_rows_is_named(engine: Engine) -> None:
    """The reviewer's attack: unkeyed_rows raised to the last seq, a row rewritten and every
    hash from it recomputed in the unkeyed form. The head's seal names it."""
    _fill(engine)
    _rechain_unkeyed_from(engine, 4, unkeyed=8, first=1)
    found = _verify(engine)
    assert not found.intact
    assert "seal does not match" in (found.problem or ""), found.problem
    with engine.begin() as connection:  # the seal removed as well
        connection.execute(update(access_log_head).values(unkeyed_seal=None))
    found = _verify(engine)
    assert not found.intact and "no seal" in (found.problem or ""), found.problem


def test_a_rewound_head_needs_the_anchor_and_the_anchor_names_it(engine: Engine) -> None:
    """The newest rows deleted and the head set back to an earlier row's (seq, hash): every
    remaining link holds, so only an anchor kept outside the database shows it."""
    _fill(engine)
    anchor = _head(engine)
    assert anchor[0] == 8
    with engine.begin() as connection:
        six = connection.execute(select(access_log.c.hash).where(access_log.c.seq == 6)).scalar()
        connection.execute(delete(access_log).where(access_log.c.seq >= 7))
        connection.execute(update(access_log_head).values(last_seq=6, last_hash=six))
    assert _verify(engine).intact  # what the database alone cannot tell
    with engine.connect() as connection:
        found = verify_access_log(connection, anchors={anchor[0]: anchor[1]})
    assert not found.intact
    assert "the anchor names row seq 8, but the chain ends at row seq 6" in (found.problem or "")
    with engine.connect() as connection:
        found = verify_access_log(connection, anchors={6: "f" * 64})
    assert (found.intact, found.broken_seq) == (False, 6)
    assert "differs from the anchor" in (found.problem or "")
    with engine.connect() as connection:
        assert verify_access_log(connection, anchors={6: six}).intact


def test_a_removed_reason_without_a_v_number_is_named(engine: Engine) -> None:
    _fill(engine)
    with writing(engine) as connection:
        record(connection, Access("coa", "api", "api.intake.rejected", "10.0.0.2",
                                  detail="#1 e-1: the line is not JSON"), AT)  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            update(access_log).where(access_log.c.seq == 9).values(detail=REMOVED_DETAIL)
        )
    found = _verify(engine)
    assert found.broken_seq == 9 and "not by retention" in (found.problem or "")


def test_a_v_number_pseudonymised_before_retention_is_named(engine: Engine) -> None:
    _fill(engine)
    pseudonym = log_subject(Pseudonyms(DEVELOPMENT_KEY), f"{3:010d}")
    with engine.begin() as connection:
        connection.execute(
            update(access_log).where(access_log.c.seq == 4).values(v_number=pseudonym)
        )
    found = _verify(engine)
    assert found.broken_seq == 4 and "pseudonymised, but not by retention" in (found.problem or "")


def test_retentions_rewrites_after_its_marker_are_named(engine: Engine) -> None:
    """A marker covers the rows before it, not the ones logged after it."""
    _fill(engine)
    with writing(engine) as connection:
        record(connection, Access("retention", "cli", RETENTION_MARKER, "host",
                                  detail="closed before 2025-01-01 persons=1"), AT)  # fmt: skip
        record(connection, Access("anna", "web", "case.read", "10.0.0.1", "1000000042"), AT)
    assert _verify(engine).intact
    pseudonym = log_subject(Pseudonyms(DEVELOPMENT_KEY), "1000000042")
    with engine.begin() as connection:
        connection.execute(
            update(access_log).where(access_log.c.seq == 10).values(v_number=pseudonym)
        )
    found = _verify(engine)
    assert found.broken_seq == 10 and "not by retention" in (found.problem or "")


def test_a_v_number_of_other_digits_is_not_a_v_number() -> None:
    assert not is_v_number("١٢٣٤٥٦٧٨٩٠")  # Arabic-Indic digits: isdigit() says yes
    assert is_v_number("1234567890")


def test_a_pseudonym_before_a_marker_for_a_person_never_retained_is_named(engine: Engine) -> None:
    """A marker covers the rows before it only for the persons retention did pseudonymise:
    their events carry the same pseudonym; this person's still carry nothing retained."""
    _fill(engine)
    with writing(engine) as connection:
        record(connection, Access("retention", "cli", RETENTION_MARKER, "host",
                                  detail="closed before 2025-01-01 persons=1"), AT)  # fmt: skip
    pseudonym = log_subject(Pseudonyms(DEVELOPMENT_KEY), f"{3:010d}")
    with engine.begin() as connection:
        connection.execute(
            update(access_log).where(access_log.c.seq == 4).values(v_number=pseudonym)
        )
    found = _verify(engine)
    assert found.broken_seq == 4
    assert "never pseudonymised that person's events" in (found.problem or ""), found.problem


def test_rows_from_before_request_ids_verify_as_before_and_a_request_id_is_covered(
    database_url: str,
) -> None:
    """0017 adds the request id: the rows logged before it (and the CLI's, which have none)
    keep the link they had — the id is hashed only where present — while one added, changed or
    removed afterwards breaks the link like any other column."""
    from alembic import command

    from terugkeer.bootstrap import bootstrap
    from terugkeer.monitoring.context import serving
    from terugkeer.settings import Settings
    from terugkeer.store.schema import _config

    system = bootstrap(Settings(database_url=database_url))
    _fill(system.engine, 2)
    links = [(row.seq, row.hash) for row in _rows(system.engine)]
    with system.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
    system.close()

    upgraded = bootstrap(Settings(database_url=database_url))
    assert [(row.seq, row.hash) for row in _rows(upgraded.engine)] == links
    with serving("aaaa1111-bbbb2222-cccc3333"), writing(upgraded.engine) as connection:
        record(connection, Access("anna", "web", "case.read", "10.0.0.1", "1000000004"), AT)
    found = _verify(upgraded.engine)
    assert (found.intact, found.rows_checked) == (True, 5)
    newest = _rows(upgraded.engine)[-1]
    assert newest.request_id == "aaaa1111-bbbb2222-cccc3333"

    for seq, request_id in ((1, "forged-id"), (5, None), (5, "another-request")):
        with upgraded.engine.begin() as connection:
            before = connection.execute(
                select(access_log.c.request_id).where(access_log.c.seq == seq)
            ).scalar()
            connection.execute(
                update(access_log).where(access_log.c.seq == seq).values(request_id=request_id)
            )
        found = _verify(upgraded.engine)
        assert found.broken_seq == seq and "was changed" in (found.problem or ""), request_id
        with upgraded.engine.begin() as connection:
            connection.execute(
                update(access_log).where(access_log.c.seq == seq).values(request_id=before)
            )
    assert _verify(upgraded.engine).intact
    upgraded.close()


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(access_log).order_by(access_log.c.seq)))
