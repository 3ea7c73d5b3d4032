"""Per history: its subject, its identity salt and its reference tokens — what the event store
needs to hash a row in its pseudonymous form (chain scheme 2, store/pseudonyms.py).

Loaded with the person histories and cached alongside them; new salts are inserted in the same
transaction as the events they commit to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import sha256

from sqlalchemy import Connection, insert, select

from terugkeer.chain_events.jsonline import canonical
from terugkeer.domain.events import Event
from terugkeer.store.bulk import one_of
from terugkeer.store.codec import EventRow, column_text
from terugkeer.store.digest import form_link
from terugkeer.store.pseudonyms import (
    CHANGED_KEYS,
    Pseudonyms,
    TokenBook,
    form_of,
    pseudonymous_data,
)
from terugkeer.store.tables import events, identity_salts


@dataclass
class Identity:
    subject: str
    salt: bytes
    tokens: TokenBook = field(default_factory=TokenBook)


class Identities:
    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self.pseudonyms = pseudonyms
        self._known: dict[str, Identity] = {}
        #: Salts of new histories by V-number, written with the person's first stored row:
        #: a person whose every event was rejected gets none (it would be an orphan, and the
        #: same subject's salt could then never be inserted again).
        self._new_salts: dict[str, dict[str, str]] = {}

    def forget(self) -> None:
        self._known.clear()
        self._new_salts.clear()

    def drop(self, v_numbers: list[str]) -> None:
        """Forget these people's identities (loaded again with their histories)."""
        for v_number in v_numbers:
            self._known.pop(v_number, None)
            self._new_salts.pop(v_number, None)

    def load(self, connection: Connection, histories: dict[str, list[Event]]) -> None:
        """Identities of persons just loaded (`histories`: their stored events by seq); a person
        with none stored starts a new history: after any pseudonymised ones, a new subject."""
        stored = {v: evs for v, evs in histories.items() if evs}
        subjects = dict(
            connection.execute(
                select(events.c.v_number, events.c.subject)
                .where(one_of(connection, events.c.v_number, "vs"))
                .distinct(),
                {"vs": list(stored)},
            ).all()
        ) if stored else {}  # fmt: skip
        salts = self._salts(connection, [s for s in subjects.values() if s])
        for v_number, person_events in stored.items():
            subject = subjects[v_number]
            identity = Identity(subject, salts[subject])
            for event in person_events:
                identity.tokens.token(column_text(event.reference))
            self._known[v_number] = identity
        self._start(connection, sorted(histories.keys() - stored.keys()))

    def row(
        self,
        event: Event,
        *,
        case_seq: int,
        body: str,
        recorded_at: str,
        previous: str,
        named_seq: int | None = None,
        data_json: str = "",
    ) -> tuple[EventRow, str]:
        """The stored columns of `event` (table order) and its chain hash. `named_seq`: for a
        retraction, the seq of the event it withdraws (its form names it so). `data_json`:
        the canonical JSON of `event.data` when the parser kept it (ParsedLine)."""
        identity = self._known[event.v_number]
        data = event.data
        reference = column_text(event.reference)
        token = identity.tokens.token(reference)
        occurred_at, local_day = event.occurred_at.isoformat(), event.local_date.isoformat()
        if not data_json or not CHANGED_KEYS.isdisjoint(data):
            data_json = canonical(pseudonymous_data(event.type, data, token, named_seq))
        form = form_of(event.type, occurred_at, event.source, data_json)
        # = commitment(salt, seq, (id, v_number, reference, body)), as one string: the id and
        # V-number are never None; the reference may be.
        ref = "-" if reference is None else f"{len(reference)}:{reference}"
        committed = sha256(
            identity.salt
            + f"{event.seq}|{len(event.id)}:{event.id}|{len(event.v_number)}:{event.v_number}"
            f"|{ref}|{len(body)}:{body}".encode()
        ).hexdigest()
        category = event.category
        digest = form_link(
            previous, event.seq, event.type, identity.subject, case_seq, occurred_at,
            event.micros, local_day, event.source, category, token, form, recorded_at, committed,
        )  # fmt: skip
        row: EventRow = [
            event.seq, event.id, event.type, event.v_number, case_seq, occurred_at, event.micros,
            local_day, event.source, category, reference, body, recorded_at, digest,
            identity.subject, committed,
        ]  # fmt: skip
        return row, digest

    def flush(self, connection: Connection, stored: Iterable[str]) -> None:
        """Write the salts of the new histories among `stored`, the people rows were written
        for in this transaction; the others stay pending."""
        salts = [salt for v in stored if (salt := self._new_salts.pop(v, None)) is not None]
        if salts:
            connection.execute(insert(identity_salts), salts)

    def _start(self, connection: Connection, v_numbers: list[str]) -> None:
        """New histories. One query asks whether any first subject is taken (a history of the
        person was pseudonymised before); only those few look further, one by one."""
        first = {v: self.pseudonyms.subject(v) for v in v_numbers}
        taken = self._taken(connection, list(first.values()))
        # A salt with no rows behind it: written by a version that stored the salt of a
        # person whose events were all rejected. Adopted, or the subject could never start.
        orphans = self._salts(connection, [s for s in first.values() if s not in taken])
        for v_number, subject in first.items():
            generation = 1
            while subject in taken:
                generation += 1
                subject = self.pseudonyms.subject(v_number, generation)
                taken = self._taken(connection, [subject])
                orphans.update(self._salts(connection, [subject]) if subject not in taken else {})
            salt = orphans.get(subject)
            if salt is None:
                salt = os.urandom(16)
                self._new_salts[v_number] = {"subject": subject, "salt": salt.hex()}
            self._known[v_number] = Identity(subject, salt)

    @staticmethod
    def _taken(connection: Connection, subjects: list[str]) -> set[str]:
        if not subjects:
            return set()
        query = select(events.c.v_number).where(one_of(connection, events.c.v_number, "ss"))
        return set(connection.execute(query.distinct(), {"ss": subjects}).scalars())

    @staticmethod
    def _salts(connection: Connection, subjects: Iterable[str]) -> dict[str, bytes]:
        wanted = list(subjects)
        if not wanted:
            return {}
        query = select(identity_salts).where(one_of(connection, identity_salts.c.subject, "ss"))
        return {
            row.subject: bytes.fromhex(row.salt)
            for row in connection.execute(query, {"ss": wanted})
        }
