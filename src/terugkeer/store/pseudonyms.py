"""The pseudonymous form of an event: what the hash chain covers, and what retention leaves.

Retention (AVG art. 5(1)(e)) must remove a person's identifying values without breaking the
audit chain. So the chain never hashed them: each row's hash covers its *pseudonymous form* —
the subject (a keyed pseudonym of the V-number per history), references as ordinals within the
history (r1, r2, …), the birth date as its year, no family id and no free text — plus a salted
commitment to the identifying values. The salt is kept per history in `identity_salts`; while
it exists, `audit verify` checks the identifying values against the commitment too. Retention
rewrites the row into exactly its pseudonymous form and deletes the salt: the chain still
verifies, and the commitment can no longer be opened by anyone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from terugkeer.chain_events.jsonline import canonical
from terugkeer.domain.events import EventType
from terugkeer.store.digest import keyed_chain_hash

#: Free text (or a family id) dropped from the pseudonymous form, by event type.
DROPPED: Mapping[str, tuple[str, ...]] = {
    EventType.INTAKE: ("family",),
    EventType.LOCATION_CHANGED: ("name",),
    EventType.DETENTION_STARTED: ("location",),
    EventType.ABSCONDED: ("last_known_location",),
    EventType.EXIT_WITHOUT_DEPARTURE: ("detail",),
}
#: The key of stores that configure none: synthetic data, tests, the embedded demo. It is
#: public, so it protects nothing; retention refuses it for a store of real people.
DEVELOPMENT_KEY = b"terugkeer development key: not for real people"


class Pseudonyms:
    """Keyed pseudonyms. The key comes from configuration and never enters the database; a
    check value (an HMAC of a constant) does, so that a store is never written with two keys."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must be at least 16 bytes")
        self._key = key

    def _mac(self, text: str) -> str:
        return hmac.digest(self._key, text.encode(), "sha256").hex()  # = hmac.new(…).hexdigest()

    @property
    def key_check(self) -> str:
        return self._mac("terugkeer pseudonym key check")

    def subject(self, v_number: str, generation: int = 1) -> str:
        """The person's pseudonym for their `generation`-th history (a new history starts after
        an earlier one was pseudonymised). 32 hex characters: never a V-number (10 digits)."""
        suffix = "" if generation == 1 else f"#{generation}"
        return self._mac(f"v:{v_number}{suffix}")[:32]

    def log_detail(self, seq: int, detail: str) -> str:
        """The access log's commitment to the detail of its row `seq` that retention may
        remove (a rejection's reason): the chain covers this, not the text."""
        return self._mac(f"log:{seq}:{detail}")

    def log_link(self, previous: str, values: Sequence[Any]) -> str:
        """A keyed link of the access log's chain (store/access_log.py), under a key derived
        from this one for that purpose only."""
        return keyed_chain_hash(self._log_chain_key, previous, values)

    @cached_property
    def _log_chain_key(self) -> bytes:
        # Derived once: an API call links a row per person it touched.
        return hmac.new(self._key, b"terugkeer access log chain", hashlib.sha256).digest()

    def log_seal(self, unkeyed_rows: int, boundary_hash: str) -> str:
        """The access log head's seal of how many rows were chained without the key (migrated
        from before the chain) and the hash of the last of them: nobody without the key can
        move the boundary between the unkeyed rows and the keyed ones."""
        return self._mac(f"log-unkeyed:{unkeyed_rows}:{boundary_hash}")

    def retained_id(self, event_id: str) -> str:
        """What a pseudonymised event's id becomes: still unique, and a resend of the original
        id can still be recognised as known (by whoever holds the key)."""
        return "ret-" + self._mac(f"id:{event_id}")[:40]


def is_subject(v_number: str) -> bool:
    return len(v_number) == 32


def token(ordinal: int) -> str:
    return f"r{ordinal}"


def pseudonymous_data(
    event_type: str, data: Mapping[str, Any], ref_token: str | None, named_seq: int | None = None
) -> dict[str, Any]:
    """`data` without what identifies the person. Idempotent: the form of a form is itself.
    A retraction names the event it withdrew by seq (`named_seq`) instead of by the sender's
    id, which retention replaces: the chain links the two for good."""
    out = {k: v for k, v in data.items() if k not in DROPPED.get(event_type, ())}
    if event_type == EventType.RETRACTED and "event_id" in out:
        del out["event_id"]
        out["event_seq"] = named_seq
    birth = out.pop("birth_date", None)
    if isinstance(birth, str):
        out["birth_year"] = int(birth[:4])
    if ref_token is not None and "reference" in out:
        out["reference"] = ref_token
    return out


def pseudonymous_body(
    event_type: str,
    occurred_at: str,
    source: str,
    data: Mapping[str, Any],
    ref_token: str | None,
    named_seq: int | None = None,
) -> str:
    """The hashed form of a body (its id and V-number are covered by subject and commitment)."""
    return canonical(
        {
            "data": pseudonymous_data(event_type, data, ref_token, named_seq),
            "occurred_at": occurred_at,
            "source": source,
            "type": event_type,
        }
    )


#: The data keys whose value `pseudonymous_data` may drop or change (for some event type):
#: data without any of them is its own pseudonymous form.
CHANGED_KEYS = frozenset(
    {key for keys in DROPPED.values() for key in keys} | {"event_id", "birth_date", "reference"}
)


def form_of(event_type: str, occurred_at: str, source: str, data_json: str) -> str:
    """= pseudonymous_body(...) given the canonical JSON of its pseudonymous data: the other
    values are names and an ISO date-time, with nothing to escape, and the keys sort in this
    order. One string, built once (the writer builds one per event)."""
    return (
        f'{{"data":{data_json},"occurred_at":"{occurred_at}","source":"{source}",'
        f'"type":"{event_type}"}}'
    )


def commitment(salt: bytes, seq: int, identifying: tuple[str | None, ...]) -> str:
    """A salted commitment to the identifying values of one row (id, v_number, reference, body):
    checkable while the salt exists, unopenable (not even by brute force over V-numbers) once
    retention has deleted it."""
    # One string hashed at once: the same bytes as updating the digest part by part.
    parts = "".join("|-" if value is None else f"|{len(value)}:{value}" for value in identifying)
    return hashlib.sha256(salt + f"{seq}{parts}".encode()).hexdigest()


class NamedBook:
    """The seqs of one history's events by (source, id), for the events its retractions name
    (the chain's form names them by seq; store/form_chain.py, retention)."""

    def __init__(self) -> None:
        self._seqs: dict[tuple[str, str], int] = {}

    def add(self, source: str, event_id: str, seq: int) -> None:
        self._seqs[source, event_id] = seq

    def named_seq(self, event_type: str, source: str, data: Mapping[str, Any]) -> int | None:
        if event_type != EventType.RETRACTED:
            return None
        named = data.get("event_id")
        if not isinstance(named, str):  # a retained retraction names its event by seq
            seq = data.get("event_seq")
            return seq if isinstance(seq, int) else None
        return self._seqs.get((source, named))


class TokenBook:
    """References of one history as ordinals in order of first receipt: r1, r2, … Pairings
    (a decision to its start) survive, the sender's reference numbers do not. Applied to
    tokens again it gives the same tokens, so a pseudonymised row hashes as it did."""

    def __init__(self) -> None:
        self._ordinals: dict[str, int] = {}

    def token(self, reference: str | None) -> str | None:
        if reference is None:
            return None
        ordinal = self._ordinals.setdefault(reference, len(self._ordinals) + 1)
        return token(ordinal)
