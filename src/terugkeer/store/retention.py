"""Retention (AVG art. 5(1)(e)): pseudonymise every person whose cases all closed before a day.

Per batch of persons, in one transaction under the writer lock: each event row becomes its
pseudonymous form (store/pseudonyms.py) — V-number → subject, id → a keyed form, references →
ordinals, birth date → year, no family id, no free text — the history's identity salt is
deleted, the access log and the projections follow. The chain still verifies because it only
ever covered the pseudonymous form. Afterwards the database files are rewritten (SQLite VACUUM
and a truncated WAL; PostgreSQL VACUUM FULL) so that no original value survives in free pages
or dead tuples. A run killed midway leaves whole batches only; the next run does the rest.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)

from terugkeer.chain_events.jsonline import canonical
from terugkeer.domain.calendar import to_micros
from terugkeer.domain.history import PersonHistory
from terugkeer.domain.rules import RulesTable
from terugkeer.store.access_log import (
    REMOVED_DETAIL,
    RETENTION_MARKER,
    Access,
    log_subject,
    record,
)
from terugkeer.store.bulk import insert_rows
from terugkeer.store.codec import event_from_body
from terugkeer.store.engine import WRITER
from terugkeer.store.projections import PROJECTIONS, person_rows
from terugkeer.store.projector import project_behind
from terugkeer.store.pseudonyms import NamedBook, Pseudonyms, TokenBook, pseudonymous_data
from terugkeer.store.tables import (
    access_log,
    assignments,
    case_directors,
    cases,
    chain_head,
    events,
    identity_salts,
    reach_shares,
    retention_runs,
    webhook_outbox,
    withdrawals,
)
from terugkeer.store.versions import VERSIONED, rename_person

#: Every table that held an original value: rewritten afterwards. The projections all carry
#: the V-number, so a new one is in here by being a projection.
TOUCHED_TABLES = (
    "events",
    *(table.name for table in PROJECTIONS),
    *(table.name for table in VERSIONED.values()),
    "access_log",
    "identity_salts",
    "assignments",
    "case_directors",
    "webhook_outbox",
    "reach_shares",
)


@dataclass(frozen=True, slots=True)
class Retained:
    persons: int
    events: int


def due(connection: Connection, closed_before: datetime) -> list[str]:
    """V-numbers whose cases all closed before the instant (pseudonymised ones excluded), and
    those left without any case (every intake withdrawn: often the wrong person's data) whose
    last event occurred before it."""
    cutoff = to_micros(closed_before)
    query = (
        select(cases.c.v_number)
        .where(func.length(cases.c.v_number) == 10)
        .group_by(cases.c.v_number)
        .having(func.count() == func.count(cases.c.closed_us))
        .having(func.max(cases.c.closed_us) < cutoff)
    )
    caseless = (
        select(events.c.v_number)
        .where(
            events.c.v_number.in_(select(withdrawals.c.v_number)),
            func.length(events.c.v_number) == 10,
            ~exists().where(cases.c.v_number == events.c.v_number),
        )
        .group_by(events.c.v_number)
        .having(func.max(events.c.occurred_us) < cutoff)
    )
    return sorted({*connection.execute(query).scalars(), *connection.execute(caseless).scalars()})


def count_events(connection: Connection, v_numbers: Sequence[str]) -> int:
    query = select(func.count()).where(events.c.v_number.in_(bindparam("vs")))
    return sum(
        connection.execute(query, {"vs": list(v_numbers[i : i + 500])}).scalar_one()
        for i in range(0, len(v_numbers), 500)
    )


def pseudonymise(
    engine: Engine,
    rules: RulesTable,
    pseudonyms: Pseudonyms,
    v_numbers: Sequence[str],
    *,
    run: dict[str, object],
    batch: int = 500,
    logged_at: datetime | None = None,
    origin: str = "localhost",
) -> Retained:
    """Pseudonymise the persons in batches; `run` (at, closed_before) is recorded with the
    counts, updated after every batch. Each batch ends with a marker row in the access log
    (`retention.log`, from `origin` at `logged_at`): `audit verify` accepts retention's
    rewrites of the log only on rows before such a marker."""
    at = logged_at or datetime.now(UTC)
    persons = rows = 0
    run_id: int | None = None
    for start in range(0, len(v_numbers), batch):
        chunk = list(v_numbers[start : start + batch])
        with engine.connect() as plain:
            connection = plain.execution_options(**{WRITER: True})
            with connection.begin():
                connection.execute(select(chain_head.c.last_seq).with_for_update()).all()
                # Rows rewritten here are the persons' rows at the head: a projector behind
                # it would not know which of them it already has.
                project_behind(connection, rules)
                rows += _pseudonymise_batch(connection, rules, pseudonyms, chunk)
                persons += len(chunk)
                marker = f"closed before {run.get('closed_before')} persons={len(chunk)}"
                record(connection, Access("retention", "cli", RETENTION_MARKER, origin,
                                          detail=marker), at)  # fmt: skip
                counts = {"persons": persons, "events": rows}
                if run_id is None:
                    key = connection.execute(
                        insert(retention_runs).values(**run, **counts)
                    ).inserted_primary_key
                    assert key is not None
                    run_id = key[0]
                else:
                    connection.execute(
                        update(retention_runs).where(retention_runs.c.id == run_id).values(**counts)
                    )
    return Retained(persons, rows)


def _pseudonymise_batch(
    connection: Connection, rules: RulesTable, pseudonyms: Pseudonyms, v_numbers: list[str]
) -> int:
    query = (
        select(events.c.seq, events.c.id, events.c.type, events.c.v_number, events.c.reference,
               events.c.body, events.c.subject)
        .where(events.c.v_number.in_(bindparam("vs")))
        .order_by(events.c.v_number, events.c.seq)
    )  # fmt: skip
    found = connection.execute(query, {"vs": v_numbers}).all()
    changes: list[dict[str, object]] = []
    histories: list[PersonHistory] = []
    retained_v_numbers: list[str] = []
    for v_number, person in groupby(found, key=lambda row: row.v_number):
        person_rows_ = list(person)
        subject = person_rows_[0].subject
        book, named = TokenBook(), NamedBook()
        retained_events = []
        for row in person_rows_:
            token = book.token(row.reference)
            line = json.loads(row.body)
            named.add(line["source"], row.id, row.seq)
            seq = named.named_seq(line["type"], line["source"], line["data"])
            body = _retained_body(line, pseudonyms.retained_id(row.id), subject, token, seq)
            changes.append(
                {"s": row.seq, "id": pseudonyms.retained_id(row.id), "v": subject,
                 "ref": token, "body": body}
            )  # fmt: skip
            retained_events.append(event_from_body(row.seq, body))
        histories.append(PersonHistory(subject, retained_events))
        retained_v_numbers.append(v_number)
        for table in (assignments, case_directors, reach_shares):
            connection.execute(
                update(table).where(table.c.v_number == v_number).values(v_number=subject)
            )
        _pseudonymise_log(connection, pseudonyms, v_number)
    if changes:
        # The outbox must not keep the original event ids beside the seqs, and a delivery
        # still due would send a retained body under them: it is given up.
        connection.execute(
            update(webhook_outbox)
            .where(webhook_outbox.c.event_seq == bindparam("s"))
            .values(event_id=bindparam("new_id")),
            [{"s": c["s"], "new_id": c["id"]} for c in changes],
        )
        connection.execute(
            update(webhook_outbox)
            .where(webhook_outbox.c.event_seq.in_([c["s"] for c in changes]),
                   webhook_outbox.c.state == "pending")
            .values(state="failed", last_result="retained", lease_until_us=None)
        )  # fmt: skip
        connection.execute(
            update(events)
            .where(events.c.seq == bindparam("s"))
            .values(id=bindparam("id"), v_number=bindparam("v"), reference=bindparam("ref"),
                    body=bindparam("body")),
            changes,
        )  # fmt: skip
    subjects = [h.v_number for h in histories]
    connection.execute(delete(identity_salts).where(identity_salts.c.subject.in_(subjects)))
    for table in PROJECTIONS:
        connection.execute(delete(table).where(table.c.v_number.in_(v_numbers)))
    for v_number, history in zip(retained_v_numbers, histories, strict=True):
        rows = person_rows(history, rules)
        for table, table_rows in rows.items():
            insert_rows(connection, table, table_rows)
        rename_person(connection, v_number, history.v_number, rows)
    return len(changes)


def _pseudonymise_log(connection: Connection, pseudonyms: Pseudonyms, v_number: str) -> None:
    """The person's access-log rows get the pseudonym their chain hash covers (store/
    access_log.py); a rejection's logged reason, which may quote the V-number, an id or a
    reference, is removed (the chain covers a MAC of it, not the text)."""
    logged = log_subject(pseudonyms, v_number)
    connection.execute(
        update(access_log).where(access_log.c.v_number == v_number).values(v_number=logged)
    )
    connection.execute(
        update(access_log)
        .where(access_log.c.v_number == logged, access_log.c.action.like("%.rejected"))
        .values(detail=REMOVED_DETAIL)
    )


def _retained_body(
    line: dict[str, Any], event_id: str, subject: str, token: str | None, named_seq: int | None
) -> str:
    line["data"] = pseudonymous_data(line["type"], line["data"], token, named_seq)
    line["id"], line["v_number"] = event_id, subject
    return canonical(line)


def rewrite_files(engine: Engine, *, attempts: int = 8) -> int:
    """Leave no original value in free pages, the WAL or dead tuples. Both statements refuse
    to run inside a transaction, hence the driver connection (SQLite) and AUTOCOMMIT.

    PostgreSQL's VACUUM FULL keeps a dead row that an open transaction elsewhere may still
    see; VERBOSE says how many it kept, and the rewrite is tried again (backing off) until
    none is left. The result: old row versions still kept after the last attempt (0: none)."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
        return 0
    held = 0
    for attempt in range(attempts):
        if attempt:
            time.sleep(min(0.25 * 2**attempt, 8.0))
        held = _vacuum_full(engine)
        if held == 0:
            break
    return held


_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")


def _vacuum_full(engine: Engine) -> int:
    notices: list[str] = []
    with engine.connect() as connection:
        driver: Any = connection.connection.driver_connection

        def heard(notice: Any) -> None:
            notices.append(f"{notice.message_primary} {notice.message_detail}")

        driver.add_notice_handler(heard)
        try:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            for table in TOUCHED_TABLES:
                autocommit.execute(text(f"VACUUM (FULL, VERBOSE) {table}"))
        finally:
            driver.remove_notice_handler(heard)
    return sum(int(found.group(1)) for n in notices if (found := _KEPT.search(n)))
