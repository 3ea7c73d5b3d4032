"""What the API reads back (issue 10), to a partner's token or a signed-in user's session:
scoped, every read in the access log (refused ones too).

A chain partner always reads back the events it sent itself. The case file (with `case` in
its agreement) and the other senders' events of the types its agreement lists only for a
person in its reach (services/reach.py: a case director's share, an administrator's reach
rule over facts the agency established) — never because it reported on the person: a fact
it invents would widen its own reach. A person outside its reach is answered as unknown: a
token learns nothing about who else is in the store. An analyst token reads aggregates only.
Key figures are open to every token in the published form (tens, <5 hidden); the exact
counts to analysts. The monthly publications (`terugkeer publish`, public at /cijfers) are
open to every token and every user.

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
from terugkeer.domain.rules import NoRuleInForceError
from terugkeer.reports.model import KeyFigures, PublishedKeyFigures
from terugkeer.reports.period import Period
from terugkeer.services.cases import Access, CaseFile, case_file
from terugkeer.services.errors import ServiceError, UnanswerableDayError, UnknownPersonError
from terugkeer.services.key_figures import key_figures_of, published
from terugkeer.services.partners import ANALYST, CASE, TYPES, Partner
from terugkeer.services.publication import MANIFEST, Listed, publication_file, publications
from terugkeer.services.reach import ground_for
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


#: One sentence for a person the partner may not read and for one nobody knows: nothing leaks.
_UNKNOWN = "no events are stored for this V-number"


def _reach(system: System, reader: Reader, v_number: str, action: str, origin: str,
           needs: str) -> str | None:  # fmt: skip
    """Refuse (logged) unless the reader may read this of the person; the ground it reads on.

    A partner: the agreement must list `needs` (the case file), and the person must be in its
    reach today (services/reach.py: a share, a reach rule) — for events, its own events about
    the person are enough (then the ground is None: its own events only). A user: the role's
    grant and case scope."""
    if isinstance(reader, User):
        access = Access(reader.name, "api", action, origin, v_number)
        admit(system, reader, _USER_NEEDS[action], access)
        return "scope"
    refusal: ServiceError | None = None
    ground = None
    if reader.kind == ANALYST:
        refusal = NotInAgreementError("an analyst token reads aggregates only")
    elif needs == CASE and CASE not in reader.reads:
        refusal = NotInAgreementError("this token's agreement does not list the case file")
    else:
        ground = ground_for(system, reader, v_number)
        if ground is None:
            with system.engine.connect() as connection:
                own = needs != CASE and reader.source is not None and rows.reported_on(
                    connection, reader.source, v_number)  # fmt: skip
            if not own:
                # The same sentence as for a V-number nobody knows: nothing leaks.
                refusal = UnknownPersonError(_UNKNOWN)
    if refusal is not None:
        _log(system, reader, f"{action}.refused", origin, v_number)
        raise refusal
    return ground


def _via(ground: str | None) -> str:
    return f"via {ground}" if ground else "own events only"


def events_of(system: System, reader: Reader, v_number: str, *, after: int, limit: int,
              origin: str) -> EventsPage:  # fmt: skip
    """The person's events a partner may read back: those it sent itself, always; and, while
    the person is in its reach, the other senders' events of the types its agreement lists.
    A user: every event (the case page's timeline). After receipt `after`."""
    ground = _reach(system, reader, v_number, "api.events.read", origin, needs="events")
    if isinstance(reader, User):
        types, own = frozenset(TYPES), None
    else:
        types = reader.reads - {CASE} if ground is not None else frozenset()
        own = reader.source
    with writing(system.engine) as connection:
        found = rows.person_events_page(connection, v_number, types, after, limit + 1, own)
        shown = min(len(found), limit)
        record(connection, Access(reader.name, "api", "api.events.read", origin, v_number,
                                  f"{shown} events {_via(ground)}"), system.clock())  # fmt: skip
    page = found[:limit]
    more = len(found) > limit
    return EventsPage([json.loads(body) for _, body in page], page[-1][0] if more else None)


def case_file_of(system: System, reader: Reader, v_number: str, *, on: date,
                 origin: str) -> CaseFile:  # fmt: skip
    """The person's case file on `on` (cases, case state, removal readiness, Dublin)."""
    ground = _reach(system, reader, v_number, "api.case.read", origin, needs=CASE)
    reading = Access(reader.name, "api", "api.case.read", origin, v_number, _via(ground))
    try:
        return case_file(system, v_number=v_number, on=on, reader=reading)
    except NoRuleInForceError:
        raise UnanswerableDayError("no rule of the rules table is in force on that day") from None


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
    ground = _reach(system, reader, v_number, "api.worklist.read", origin, needs=CASE)
    with writing(system.engine) as connection:
        found = workplace.items_of(connection, [v_number], on)
        detail = f"{len(found)} items {_via(ground)}"
        record(connection, Access(reader.name, "api", "api.worklist.read", origin, v_number,
                                  detail), system.clock())  # fmt: skip
    return [WorkItem(i.kind, i.due, i.source, i.details) for i in found]


def figures_of(
    system: System,
    reader: Reader,
    period: Period,
    *,
    exact: bool,
    origin: str,
    known_by: str | None = None,
) -> KeyFigures | PublishedKeyFigures:
    """The key figures of `period`: published form for every token, exact for analysts; either
    form for a user whose role reads figures (the dashboard's exact counts), none for others.
    `known_by` (a `recorded_at` value): as known then."""
    detail = f"{period.start}..{period.end}{' exact' if exact else ''}"
    if known_by is not None:
        detail += f" as of {known_by}"
    if isinstance(reader, User):
        access = Access(reader.name, "api", "api.key_figures.read", origin, detail=detail)
        admit(system, reader, Resource.FIGURES, access)
    elif exact and reader.kind != ANALYST:
        _log(system, reader, "api.key_figures.read.refused", origin, detail=detail)
        raise NotInAgreementError("exact key figures are for analyst tokens; ask the "
                                  "published form")  # fmt: skip
    _log(system, reader, "api.key_figures.read", origin, detail=detail)
    figures = key_figures_of(system, period, known_by=known_by)
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
