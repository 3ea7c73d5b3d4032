"""The access log for the auditor: filters checked before anything is read (a reversed period
is the auditor's typing error, said next to the field), a page at a time, and an export of the
current filter that is itself logged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.identifiers import is_v_number
from terugkeer.monitoring.context import accepted_request_id
from terugkeer.services.users import User
from terugkeer.store import audit as rows
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text

PAGE_SIZE = 50
#: At most this many rows in one export; a larger one is refused (narrow the filter).
EXPORT_LIMIT = 100_000
_DUTCH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")


@dataclass(frozen=True, slots=True)
class Filters:
    actor: str | None = None
    v_number: str | None = None
    since: date | None = None
    until: date | None = None
    #: The X-Request-ID of an answer, as the server's log and the access log have it.
    request_id: str | None = None
    #: field -> problem (bad_date, reversed, v_number, request_id), to say next to the field.
    errors: dict[str, str] = field(default_factory=dict)


def _day(text: str) -> date | None:
    """A day as the browser's picker sends it (2023-03-10) or as a Dutch user types it."""
    text = text.strip()
    if not text:
        return None
    dutch = _DUTCH_DAY.fullmatch(text)
    try:
        day = (
            date(int(dutch[3]), int(dutch[2]), int(dutch[1])) if dutch else date.fromisoformat(text)
        )
    except ValueError:
        raise ValueError(text) from None
    if not 1900 <= day.year <= 9998:  # a bound a day either side must stay a date (no 500)
        raise ValueError(text)
    return day


def filters_of(user: str, case: str, since: str, until: str, request: str = "") -> Filters:
    """The filters of the form; impossible ones are named in `errors` (nothing is read)."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, text in (("since", since), ("until", until)):
        try:
            days[name] = _day(text)
        except ValueError:
            days[name], errors[name] = None, "bad_date"
    first, last = days["since"], days["until"]
    if first and last and last < first:
        errors["until"] = "reversed"
    case = case.strip()
    if case and not is_v_number(case):
        errors["case"] = "v_number"
    request = request.strip()
    if request and accepted_request_id(request) is None:  # no id has any other form
        errors["request"] = "request_id"
    return Filters(user.strip() or None, case or None, first, last, request or None, errors)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    actor: str
    channel: str
    action: str
    origin: str
    v_number: str | None
    detail: str | None
    request_id: str | None = None


def _bound(day: date | None) -> str | None:
    return utc_text(datetime.combine(day, time.min, AMSTERDAM)) if day else None


def _entries(system: System, filters: Filters, before: int | None, limit: int) -> list[Entry]:
    until = filters.until + timedelta(days=1) if filters.until else None
    with system.engine.connect() as connection:
        found = rows.access_entries(
            connection, actor=filters.actor, v_number=filters.v_number,
            request_id=filters.request_id, since=_bound(filters.since), until=_bound(until),
            before=before, limit=limit,
        )  # fmt: skip
    return [
        Entry(r["id"], datetime.strptime(r["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
              r["actor"], r["channel"], r["action"], r["origin"], r["v_number"], r["detail"],
              r["request_id"])
        for r in found
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class AccessPage:
    entries: list[Entry]
    #: The `before` of the next (older) page; None on the last page.
    older: int | None


def access_page(
    system: System, auditor: User, filters: Filters, before: int | None, origin: str
) -> AccessPage:
    """One page of the entries, newest first; the view is logged (after the page was read,
    so that it does not show itself)."""
    found = [] if filters.errors else _entries(system, filters, before, PAGE_SIZE + 1)
    with writing(system.engine) as connection:
        record(connection, Access(auditor.name, "web", "access_log.read", origin,
                                  filters.v_number), system.clock())  # fmt: skip
    shown = found[:PAGE_SIZE]
    return AccessPage(shown, shown[-1].id if len(found) > PAGE_SIZE else None)


class ExportTooLargeError(Exception):
    pass


def export(system: System, auditor: User, filters: Filters, origin: str) -> list[Entry]:
    """Every entry of the filter (at most EXPORT_LIMIT), newest first; the export is logged
    with the filter and the number of rows (the V-number filtered on in its column)."""
    found = _entries(system, filters, None, EXPORT_LIMIT + 1)
    if len(found) > EXPORT_LIMIT:
        raise ExportTooLargeError(EXPORT_LIMIT)
    period = f"{filters.since or ''}..{filters.until or ''}"
    detail = f"rows={len(found)}; user={filters.actor or '*'}; {period}"[:120]
    with writing(system.engine) as connection:
        record(connection, Access(auditor.name, "web", "access_log.export", origin,
                                  filters.v_number, detail), system.clock())  # fmt: skip
    return found
