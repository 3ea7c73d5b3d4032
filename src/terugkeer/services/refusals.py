"""Refused requests in the access log: one row each, naming who asked, for what, from where.

BIO2 and RULES.md §8 ask that every refused access be traceable. The pages log a refusal of
their permission check here (web/refusals.py), the API a call refused for its token
(web/api/auth.py); a refusal a service decides itself (a colleague's case) is logged by that
service under its own action (`case.read.refused`). A token is never logged, only which kind
of refusal it met.
"""

from __future__ import annotations

from terugkeer.bootstrap import System
from terugkeer.domain.identifiers import is_family_id, is_v_number
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing

#: The access log's `detail` column is this long (store/tables.py).
DETAIL_MAX = 120
#: What the log says of a value asked for that has not the form it should: the value itself
#: may be personal data (a V-number mistyped, a name), and the row's hash covers its detail
#: for good — retention could never remove it.
MALFORMED = "malformed"


def family_detail(family: str) -> str:
    """A family asked for, as an access-log row names it (the log has no family column): its
    id only when it has the form of the ids this system gives."""
    return f"family={family if is_family_id(family) else MALFORMED}"


def as_v_number(text: str | None) -> str | None:
    """`text` when it has the form of a V-number (ten ASCII digits), else None."""
    return text if is_v_number(text) else None


def log_refused(
    system: System, *, actor: str, channel: str, action: str, origin: str,
    v_number: str | None, detail: str,
) -> None:  # fmt: skip
    """One access-log row for a refused request; `detail` is cut to the column's length."""
    access = Access(actor[:100], channel, action, origin, as_v_number(v_number),
                    detail[:DETAIL_MAX])  # fmt: skip
    with writing(system.engine) as connection:
        record(connection, access, system.clock())
