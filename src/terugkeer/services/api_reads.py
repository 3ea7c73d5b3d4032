"""What the API reads back (issue 10), to a partner's token or a signed-in user's session:
scoped, every read in the access log (refused ones too).

A chain partner reads, for a person it reported on (an event of its `source` about them is
stored), the event types its agreement lists and — with `case` in it — the case file. A
person it never reported on is answered as unknown: a token learns nothing about who else is
in the store. An analyst token reads aggregates only. Key figures are open to every token in
the published form (tens, <5 hidden); the exact counts to analysts. The monthly publications
(`terugkeer publish`, public at /cijfers) are open to every token and every user.

A signed-in user reads what the pages show them, by the same permission table and the same
case scope (`workplace.admit`): a person's case file and events (the case page's timeline)
with a `case read` grant, their worklist items with `worklist read`, each only for a person
in the user's scope (own cases, the team's); key figures, exact or published, with `figures
read`. Refused like the pages refuse: 403, and the same sentence for a colleague's case as
for a V-number nobody knows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Resource
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.services.cases import Access, CaseFile, case_file
from terugkeer.services.errors import ServiceError, UnknownPersonError
from terugkeer.services.key_figures import key_figures_of, published
from terugkeer.services.partners import ANALYST, CASE, TYPES, Partner
from terugkeer.services.publication import MANIFEST, Listed, publication_file, publications
from terugkeer.services.users import User
from terugkeer.services.workplace import admit
from terugkeer.store import partners as rows
from terugkeer.store import workplace
from terugkeer.store.access_log import record
from terugkeer.store.engine import writing

#: Who reads: a partner's (or analyst's) token, or a signed-in user.
Reader = Partner | User

#: What a user's role must be granted for each read of a person (domain/permissions.py): the
#: events are what the case page shows as the timeline.
_USER_NEEDS = {
    "api.events.read": Resource.CASE,
    "api.case.read": Resource.CASE,
    "api.worklist.read": Resource.WORKLIST,
}


class NotInAgreementError(ServiceError):
    """The token's agreement does not list this read (403)."""


class UnknownPublicationError(ServiceError):
    """No publication of that month, or no such file in it, is listed (404)."""


@dataclass(frozen=True, slots=True)
class EventsPage:
    events: list[dict[str, Any]]  # v1 events as stored, in receipt order
    #: The receipt position to continue after; None on the last page.
    next_after: int | None


def _log(system: System, reader: Reader, action: str, origin: str,
         v_number: str | None = None, detail: str | None = None) -> None:  # fmt: skip
    with writing(system.engine) as connection:
        record(connection, Access(reader.name, "api", action, origin, v_number, detail),
               system.clock())  # fmt: skip


def _reach(system: System, reader: Reader, v_number: str, action: str, origin: str,
           needs: str) -> None:  # fmt: skip
    """Refuse (logged) unless the partner's agreement lists `needs` and it reported on the
    person; a user, unless the role's grant and case scope admit the person."""
    if isinstance(reader, User):
        access = Access(reader.name, "api", action, origin, v_number)
        admit(system, reader, _USER_NEEDS[action], access)
        return
    refusal: ServiceError | None = None
    if reader.kind == ANALYST:
        refusal = NotInAgreementError("an analyst token reads aggregates only")
    elif needs == CASE and CASE not in reader.reads:
        refusal = NotInAgreementError("this token's agreement does not list the case file")
    elif needs != CASE and not reader.reads - {CASE}:
        refusal = NotInAgreementError("this token's agreement lists no events to read back")
    else:
        with system.engine.connect() as connection:
            if reader.source is None or not rows.reported_on(connection, reader.source, v_number):
                # The same sentence as for a V-number nobody reported: nothing leaks.
                refusal = UnknownPersonError("no events are stored for this V-number")
    if refusal is not None:
        _log(system, reader, f"{action}.refused", origin, v_number)
        raise refusal


def events_of(system: System, reader: Reader, v_number: str, *, after: int, limit: int,
              origin: str) -> EventsPage:  # fmt: skip
    """The person's events of the types the partner may read back (a user: all of them, as
    the case page's timeline), after receipt `after`."""
    _reach(system, reader, v_number, "api.events.read", origin, needs="events")
    types = frozenset(TYPES) if isinstance(reader, User) else reader.reads - {CASE}
    with writing(system.engine) as connection:
        found = rows.person_events_page(connection, v_number, types, after, limit + 1)
        record(connection, Access(reader.name, "api", "api.events.read", origin, v_number,
                                  f"{min(len(found), limit)} events"), system.clock())  # fmt: skip
    page = found[:limit]
    more = len(found) > limit
    return EventsPage([json.loads(body) for _, body in page], page[-1][0] if more else None)


def case_file_of(system: System, reader: Reader, v_number: str, *, on: date,
                 origin: str) -> CaseFile:  # fmt: skip
    """The person's case file on `on` (cases, case state, removal readiness, Dublin)."""
    _reach(system, reader, v_number, "api.case.read", origin, needs=CASE)
    reading = Access(reader.name, "api", "api.case.read", origin, v_number)
    return case_file(system, v_number=v_number, on=on, reader=reading)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """What the agency must do for the person, by when, and the rule that says so."""

    kind: str
    due: date
    source: str
    details: dict[str, str]


def work_items_of(system: System, reader: Reader, v_number: str, *, on: date,
                  origin: str) -> list[WorkItem]:  # fmt: skip
    """The person's worklist items showing on `on` (deadlines, reviews, flights), for an
    agreement that lists `case`; who the case director is stays out."""
    _reach(system, reader, v_number, "api.worklist.read", origin, needs=CASE)
    with writing(system.engine) as connection:
        found = workplace.items_of(connection, [v_number], on)
        record(connection, Access(reader.name, "api", "api.worklist.read", origin, v_number,
                                  f"{len(found)} items"), system.clock())  # fmt: skip
    return [WorkItem(i.kind, i.due, i.source, i.details) for i in found]


def figures_of(system: System, reader: Reader, period: Period, *, exact: bool,
               origin: str) -> KeyFigures | PublishedKeyFigures:  # fmt: skip
    """The key figures of `period`: published form for every token, exact for analysts; either
    form for a user whose role reads figures (the dashboard's exact counts), none for others."""
    detail = f"{period.start}..{period.end}{' exact' if exact else ''}"
    if isinstance(reader, User):
        access = Access(reader.name, "api", "api.key_figures.read", origin, detail=detail)
        admit(system, reader, Resource.FIGURES, access)
    elif exact and reader.kind != ANALYST:
        _log(system, reader, "api.key_figures.read.refused", origin, detail=detail)
        raise NotInAgreementError("exact key figures are for analyst tokens; ask the "
                                  "published form")  # fmt: skip
    _log(system, reader, "api.key_figures.read", origin, detail=detail)
    figures = key_figures_of(system, period)
    return figures if exact else published(figures)


def publications_of(system: System, reader: Reader, *, origin: str) -> list[Listed]:
    """The monthly open data as `/cijfers` lists it, newest first: public, so open to every
    token and every user; the read is logged like any other."""
    found = publications(system)
    _log(system, reader, "api.publications.read", origin, detail=f"{len(found)} publications")
    return found


def publication_manifest_of(system: System, reader: Reader, month: str, *,
                            origin: str) -> dict[str, Any]:  # fmt: skip
    """The manifest of one publication (month, as-of moment, chain head, SHA-256 per file)."""
    body = publication_file(system, month, MANIFEST)
    _log(system, reader, "api.publication.read" if body else "api.publication.read.unknown",
         origin, detail=month)  # fmt: skip
    if body is None:
        raise UnknownPublicationError(f"no publication of {month} is listed")
    manifest: dict[str, Any] = json.loads(body)
    return manifest


def publication_file_of(system: System, reader: Reader, month: str, name: str, *,
                        origin: str) -> bytes:  # fmt: skip
    """A file of a publication, only when its manifest lists it."""
    body = publication_file(system, month, name)
    action = "api.publication.file.read" + ("" if body is not None else ".unknown")
    _log(system, reader, action, origin, detail=f"{month}/{name}")
    if body is None:
        raise UnknownPublicationError(f"the publication of {month} lists no file {name}")
    return body
