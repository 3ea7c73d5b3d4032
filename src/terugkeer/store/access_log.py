"""The access log: who read or changed which case, when, through which channel. Append-only.

Distinct from the events' chain: this answers the privacy officer's "who looked at this
person?" (AVG art. 5(2), BIO logging). It holds a V-number by necessity and is itself personal
data; it never holds event contents.

Each row is a link of a hash chain (store/access_chain.py verifies it): `seq` counts from 1 in
the order rows were logged and `hash` is an HMAC-SHA-256 (under a key derived from the
configured pseudonym key, which never enters the database) over the previous hash and the row's
*retained form* — its values as retention leaves them. Rows migrated from before the chain are
plain SHA-256 links (no key at migration time); how many there are is sealed with a MAC in the
head by the first keyed write (`unkeyed_seal`), so it cannot be raised to pass rewritten rows
off as migrated ones. Retention replaces a V-number by its
keyed pseudonym and a rejection's reason by a fixed sentence, so the form holds the pseudonym
(never the V-number) and, for a rejection, a keyed MAC of the reason (`commitment`) instead of
the reason. Writers are serialised by the row lock on `access_log_head` (PostgreSQL) or the
writer's BEGIN IMMEDIATE (SQLite): the chain stays linear under concurrent writers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from terugkeer.domain.identifiers import is_v_number
from terugkeer.monitoring.context import current_request_id
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY, Pseudonyms
from terugkeer.store.tables import access_log, access_log_head

#: Execution option (set on the engine by bootstrap) carrying the configured pseudonym key, so
#: that `record(connection, access, at)` can form the pseudonym without a new parameter.
PSEUDONYMS = "terugkeer_pseudonyms"
#: What retention leaves of a rejection's reason (it may quote a V-number, an id, a reference).
REMOVED_DETAIL = "reason removed by retention"
#: The row retention appends after each batch it pseudonymised: the rows before it are the
#: only ones on which a removed reason or a pseudonym in place of a V-number is accepted.
RETENTION_MARKER = "retention.log"
_SUBJECT = re.compile(r"[0-9a-f]{32}", re.ASCII)
GENESIS = "0" * 64
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True, slots=True)
class Access:
    actor: str  # a user name, a partner name, or an operating-system user on the CLI
    channel: str  # cli | web | api
    action: str  # e.g. case.read
    origin: str  # where from: a host name or a client address
    v_number: str | None = None
    detail: str | None = None  # an API call: its status and counts (no event contents)


def with_pseudonyms(engine: Engine, pseudonyms: Pseudonyms) -> None:
    """Make `pseudonyms` the key the access log of this engine's connections is chained with."""
    engine.update_execution_options(**{PSEUDONYMS: pseudonyms})


def pseudonyms_of(connection: Connection) -> Pseudonyms:
    """The engine's configured key; the public development key for engines that bootstrap did
    not build (tests, the simulation), as the event store does."""
    found = connection.get_execution_options().get(PSEUDONYMS)
    return found if isinstance(found, Pseudonyms) else Pseudonyms(DEVELOPMENT_KEY)


def removable(action: str) -> bool:
    """Whether retention removes this row's detail: a rejection's reason."""
    return action.endswith(".rejected")


def is_log_subject(value: str | None) -> bool:
    """Whether `value` has the form retention writes over a V-number (`log_subject`)."""
    return value is not None and _SUBJECT.fullmatch(value) is not None


@lru_cache(maxsize=1 << 16)
def log_subject(pseudonyms: Pseudonyms, v_number: str) -> str:
    """What retention writes over a V-number in the log: the person's first-history
    pseudonym (the subject of their events, unless they came back after an earlier
    retention), the same for every row of the person. Kept for the people logged most
    recently: an API call logs a row per person it touched, and the next calls touch many of
    them again."""
    return pseudonyms.subject(v_number)


def retained_form(pseudonyms: Pseudonyms | None, row: dict[str, Any] | Any, seq: int) -> list[Any]:
    """The values the hash covers, in this order. `pseudonyms` None: a row chained by the
    migration without the key (its V-number and a rejection's reason are not covered). The
    request id (0017) is the last value, and only where the row has one: the links of rows
    written before it (and of the CLI's, which have none) are what they always were, while
    one added, changed or removed later changes the row's link like any other column."""
    v_number, subject = row["v_number"], None
    if pseudonyms is not None:
        subject = log_subject(pseudonyms, v_number) if is_v_number(v_number) else v_number
    detail = None if removable(row["action"]) else row["detail"]
    form = [seq, row["at"], row["actor"], row["channel"], row["action"], row["origin"],
            subject, detail, row["commitment"]]  # fmt: skip
    request_id = row.get("request_id")  # absent in the migrations' own row selections
    return form if request_id is None else [*form, request_id]


#: The columns a new row gives (the id is the database's).
_INSERTED = ("at", "actor", "channel", "action", "origin", "v_number", "detail", "seq", "hash",
             "commitment", "request_id")  # fmt: skip
_SQLITE_INSERT = (f"INSERT INTO access_log ({', '.join(_INSERTED)}) "
                  f"VALUES ({', '.join('?' * len(_INSERTED))})")  # fmt: skip


def record_all(connection: Connection, accesses: Sequence[Access], at: datetime) -> None:
    """Several rows at one moment, in one statement (an intake call's persons and
    rejections), appended to the chain. Call inside the transaction of the write it logs."""
    if not accesses:
        return
    pseudonyms = pseudonyms_of(connection)
    head = connection.execute(
        select(access_log_head).where(access_log_head.c.id == 1).with_for_update()
    ).one()
    seq, previous = head.last_seq, head.last_hash
    sealed = {} if head.unkeyed_seal is not None else {"unkeyed_seal": _seal(connection, head)}
    stamp = at.astimezone(UTC).strftime(_STAMP)
    request_id = current_request_id()  # of the HTTP request being served, if any
    rows = []
    for access in accesses:
        seq += 1
        row: dict[str, Any] = {
            "at": stamp, "actor": access.actor, "channel": access.channel,
            "action": access.action, "origin": access.origin, "v_number": access.v_number,
            "detail": access.detail, "seq": seq, "commitment": None, "request_id": request_id,
        }  # fmt: skip
        if removable(access.action) and access.detail is not None:
            row["commitment"] = pseudonyms.log_detail(seq, access.detail)
        previous = row["hash"] = pseudonyms.log_link(previous, retained_form(pseudonyms, row, seq))
        rows.append(row)
    if connection.dialect.name == "sqlite":
        # Straight to the driver: SQLAlchemy's per-row parameter processing cost as much as
        # the insert itself (an API call logs a row per person it touched; store/bulk.py).
        connection.exec_driver_sql(_SQLITE_INSERT, [tuple(map(row.get, _INSERTED)) for row in rows])
    else:
        connection.execute(insert(access_log), rows)
    connection.execute(
        update(access_log_head)
        .where(access_log_head.c.id == 1)
        .values(last_seq=seq, last_hash=previous, **sealed)
    )


def _seal(connection: Connection, head: Any) -> str:
    """The first keyed write seals the number of unkeyed rows (and the last one's hash)."""
    unkeyed = head.unkeyed_rows
    boundary = head.last_hash if head.last_seq == unkeyed else GENESIS
    if unkeyed and head.last_seq != unkeyed:
        found = connection.execute(
            select(access_log.c.hash).where(access_log.c.seq == unkeyed)
        ).scalar()
        boundary = found or GENESIS
    return pseudonyms_of(connection).log_seal(unkeyed, boundary)


def record(connection: Connection, access: Access, at: datetime) -> None:
    record_all(connection, [access], at)
