"""Refused requests in the access log: one row each, naming who asked, for what, from where.

BIO2 and RULES.md §8 ask that every refused access be traceable. The pages log a refusal of
their permission check here (web/refusals.py), the API a call refused for its token
(web/api/auth.py); a refusal a service decides itself (a colleague's case) is logged by that
service under its own action (`case.read.refused`). A token is never logged, only which kind
of refusal it met.
"""

from __future__ import annotations

from terugkeer.bootstrap import System
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing

#: The access log's `detail` column is this long (store/tables.py).
DETAIL_MAX = 120
#: The access log's `v_number` column holds a V-number (10 digits) or its pseudonym; a path
#: segment that is no V-number is not a target (and must not overflow the column).
V_NUMBER_DIGITS = 10


def family_detail(family: str) -> str:
    """A family asked for, as an access-log row names it (the log has no family column)."""
    return f"family={family}"[:DETAIL_MAX]


def as_v_number(text: str | None) -> str | None:
    """`text` when it has the form of a V-number, else None."""
    if text is not None and len(text) == V_NUMBER_DIGITS and text.isdigit():
        return text
    return None


def log_refused(
    system: System, *, actor: str, channel: str, action: str, origin: str,
    v_number: str | None, detail: str,
) -> None:  # fmt: skip
    """One access-log row for a refused request; `detail` is cut to the column's length."""
    access = Access(actor[:100], channel, action, origin, as_v_number(v_number),
                    detail[:DETAIL_MAX])  # fmt: skip
    with writing(system.engine) as connection:
        record(connection, access, system.clock())
