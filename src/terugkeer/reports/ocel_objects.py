"""The objects of an OCEL export (reports/ocel.py): their ids, attributes and relations.

Ids: a person is a keyed pseudonym (a random key per export, so two exports cannot be joined
and no key can open them), every other object a number within the export; with the
identifiable option the V-number and the reference. An attribute value is written only when it
differs from the object's previous value of that attribute (a second intake with the same
nationality, a move from one azc to another, adds nothing). A value the object has from its
start (a person's nationality, a case's track, a flight's date) is written at the Unix epoch,
as OCEL 2.0 writes initial values; a value a later event sets (location, stance, a nationality
that changed at re-entry) at that event's time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

#: The object types, and the attributes each one carries with their OCEL types.
OBJECT_TYPES: dict[str, dict[str, str]] = {
    "person": {"nationality": "string", "location": "string", "stance": "string"},
    "case": {"track": "string"},
    "procedure": {"kind": "string"},
    "document_request": {"kind": "string", "country": "string"},
    "flight": {"date": "time", "destination": "string", "escort": "string"},
}
EPOCH = "1970-01-01T00:00:00Z"


@dataclass
class Objects:
    """The objects met so far, by their export id, in the order they were met."""

    pseudonymous: bool
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[tuple[str, str, str], str] = field(default_factory=dict)
    latest: dict[tuple[str, str], str] = field(default_factory=dict)  # (id, attribute): value

    def person(self, v_number: str) -> str:
        if not self.pseudonymous:
            name = f"person:{v_number}"
        else:
            digest = hmac.new(self.key, v_number.encode(), hashlib.sha256).hexdigest()[:16]
            name = f"person:{digest}"
        self._meet(name, "person")
        return name

    def numbered(self, kind: str, owner: str, local: str) -> str:
        """The export id of a case (by its intake) or another object (by its reference)."""
        key = (kind, owner, local)
        if key not in self.numbers:
            self.numbers[key] = (
                f"{kind}:{len(self.numbers) + 1}"
                if self.pseudonymous
                else f"{kind}:{owner}:{local}"
            )
        self._meet(self.numbers[key], kind)
        return self.numbers[key]

    def relate(self, source: str, target: str, qualifier: str) -> None:
        relations = self.found[source]["relationships"]
        if {"objectId": target, "qualifier": qualifier} not in relations:
            relations.append({"objectId": target, "qualifier": qualifier})

    def attribute(self, oid: str, name: str, value: str, time: str, *, initial: bool) -> None:
        """Set `name` of `oid` to `value` at `time` (at the epoch if it is the first value of
        an attribute the object has from its start); nothing when the value is unchanged."""
        before = self.latest.get((oid, name))
        if before == value:
            return
        self.latest[(oid, name)] = value
        at = EPOCH if before is None and initial else time
        self.found[oid]["attributes"].append({"name": name, "value": value, "time": at})

    def _meet(self, oid: str, kind: str) -> None:
        self.found.setdefault(oid, {"id": oid, "type": kind, "attributes": [],
                                    "relationships": []})  # fmt: skip
