"""Which data fields an OCEL export keeps, and as which OCEL type (reports/ocel.py).

Pseudonymised exports leave out what identifies a person or is free text. Two free-text fields
are in practice a vocabulary and a process miner needs them, so they are kept in a form that
cannot carry a note about a person: a detention ground as the law's article (`vw59a`), else
`other`; a support provider when at least `SHARED_BY` people in the export share it (IOM, the
NGOs), else `other` (a typo or a note typed for one person stays out).
"""

from __future__ import annotations

import re
from datetime import date

#: Data fields a pseudonymised export leaves out: they identify, or are free text.
IDENTIFYING = frozenset({
    "reference", "birth_date", "birth_year", "sex", "family", "name", "location",
    "last_known_location", "detail", "interpreter_language",
})  # fmt: skip
#: Fields whose OCEL type is not what their JSON value says: ISO dates are `time` (written as
#: midnight UTC of that calendar day, so the day reads back unchanged), amounts are `float`.
TYPED = {"date": "time", "valid_until": "time", "birth_date": "time", "amount_eur": "float"}
#: How many distinct people must share a provider for a pseudonymised export to name it.
SHARED_BY = 10
OTHER = "other"


def ocel_type(name: str, value: object) -> str:
    if name in TYPED:
        return TYPED[name]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def ocel_text(name: str, value: object) -> str:
    """The attribute value as the OCEL 2.0 JSON schema wants it: a string."""
    if TYPED.get(name) == "time":
        return day_time(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def day_time(day: str) -> str:
    """An ISO date as an OCEL time: midnight UTC of that calendar day."""
    return f"{date.fromisoformat(day).isoformat()}T00:00:00Z"


def legal_ground(value: object) -> str:
    """A detention ground as its article of the Aliens Act (`vw59a`), or `other`."""
    found = re.fullmatch(r"vw\s*(\d+[a-z]?)", str(value).strip().lower())
    return f"vw{found.group(1)}" if found else OTHER


def kept_fields(
    data: dict[str, object], *, pseudonymous: bool, providers: frozenset[str]
) -> dict[str, object]:
    """The data fields of one event as the export writes them, by name."""
    if not pseudonymous:
        return dict(sorted(data.items()))
    kept = {name: value for name, value in sorted(data.items()) if name not in IDENTIFYING}
    if "ground" in kept:
        kept["ground"] = legal_ground(kept["ground"])
    if "provider" in kept and kept["provider"] not in providers:
        kept["provider"] = OTHER
    return kept
