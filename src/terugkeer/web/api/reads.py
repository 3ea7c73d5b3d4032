"""What callers read back: a person's events and case file (partners by agreement, signed-in
users by role and case scope) and the key figures of a period (every token; exact counts for
analyst tokens and for users whose role reads figures). services/api_reads.py holds the scope
rules; this module parses and renders."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime
from starlette.concurrency import run_in_threadpool

from terugkeer.domain.calendar import FIRST_DAY, LAST_DAY
from terugkeer.reports import model as figures
from terugkeer.services.api_reads import (
    Reader,
    UnknownPublicationError,
    case_file_of,
    events_of,
    figures_of,
    work_items_of,
)
from terugkeer.services.case_json import case_file_json
from terugkeer.services.completeness import completeness
from terugkeer.services.errors import ServiceError, UnanswerableDayError, UnknownPersonError
from terugkeer.services.key_figures import Period
from terugkeer.services.known import LOOK, WAIT_SECONDS, awaiting, looked_again
from terugkeer.services.publication import recorded_by
from terugkeer.web.api import cursors
from terugkeer.web.api.auth import caller, origin_of, system_of
from terugkeer.web.api.days import Day
from terugkeer.web.api.models import (
    CaseFileOut,
    EventsPage,
    InvalidParam,
    KeyFigures,
    PublishedKeyFigures,
    WorkItemOut,
    WorkItems,
)
from terugkeer.web.api.problems import ProblemError, responses

router = APIRouter()

#: The V-number is the resource's identity: the one piece of personal data in a URL.
VNumber = Annotated[str, Path(pattern=r"^[0-9]{10}$", description="the person's V-number")]


#: The chain's seq up to which the projections an answer was read from reflect the events, and
#: — only when a read could not wait for them (services/known.py, a second at most) — how many
#: events recorded before the read began they still lack (issue 30).
PROJECTED_HEADER = "Terugkeer-Projected-Seq"
BEHIND_HEADER = "Terugkeer-Projections-Behind"


async def caught_up(request: Request, response: Response) -> None:
    """Wait until the projections reflect every event recorded before this read (as
    services/known.py `awaited`, without holding a worker thread while it waits: reads
    waiting for a projector that is down must not keep the intake from the threads), and
    say in the answer's headers how far they reach."""
    system = system_of(request)
    found = await run_in_threadpool(awaiting, system)
    deadline = time.monotonic() + WAIT_SECONDS
    while found.behind > 0 and time.monotonic() < deadline:
        await asyncio.sleep(LOOK)
        found = await run_in_threadpool(looked_again, system, found)
    response.headers[PROJECTED_HEADER] = str(found.projected)
    if found.behind > 0:
        response.headers[BEHIND_HEADER] = str(found.behind)


def refused(error: ServiceError) -> ProblemError:
    if isinstance(error, UnanswerableDayError):
        invalid = [InvalidParam(name="query.on", reason=error.message)]
        return ProblemError(400, "the day asked about cannot be answered", invalid)
    status = 404 if isinstance(error, UnknownPersonError | UnknownPublicationError) else 403
    return ProblemError(status, error.message)


def _cursor(text: str | None) -> int:
    """The receipt position an opaque cursor stands for (0: from the start)."""
    return 0 if text is None else int(cursors.decode(text, "after", r"[0-9]{1,18}"))


def _encode(after: int) -> str:
    return cursors.encode("after", str(after))


@router.get(
    "/persons/{v_number}/events",
    response_model=EventsPage,
    summary="A person's events the caller may read back",
    responses=responses(400, 401, 403, 404),
    operation_id="getPersonEvents",
)
async def person_events(
    request: Request,
    response: Response,
    v_number: VNumber,
    reader: Annotated[Reader, Depends(caller)],
    cursor: Annotated[str | None, Query(max_length=64, description="from `next`")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventsPage:
    """The partner's own events about the person, and — for a person in its reach (a share,
    a reach rule) — other senders' events of the types in its agreement, in receipt order; a
    person outside its reach of whom it sent nothing is not found (404). A signed-in user reads
    every event of a person in their case scope (the case page's timeline); outside it, 403."""
    after = _cursor(cursor)
    await caught_up(request, response)
    try:
        page = await run_in_threadpool(
            events_of, system_of(request), reader, v_number, after=after, limit=limit,
            origin=origin_of(request),
        )  # fmt: skip
    except ServiceError as error:
        raise refused(error) from None
    following = None if page.next_after is None else _encode(page.next_after)
    if following is not None:
        url = request.url.include_query_params(cursor=following, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return EventsPage(items=page.events, next=following)


@router.get(
    "/persons/{v_number}",
    response_model=CaseFileOut,
    summary="A person's case file: cases, case state, removal readiness, Dublin",
    responses=responses(400, 401, 403, 404),
    operation_id="getPerson",
)
async def person(
    request: Request,
    response: Response,
    v_number: VNumber,
    reader: Annotated[Reader, Depends(caller)],
    on: Annotated[Day | None, Query(description="the day asked about (default: today)")] = None,
) -> Any:
    """As `terugkeer case show --format json`, for a partner whose agreement lists `case` and
    that has the person in its reach (a share, a reach rule), or a user whose role reads
    cases and who has the person in their case scope. Readiness informs a person's decision;
    it decides nothing."""
    system = system_of(request)
    await caught_up(request, response)
    try:
        found = await run_in_threadpool(
            case_file_of, system, reader, v_number, on=on or system.today(),
            origin=origin_of(request),
        )  # fmt: skip
    except ServiceError as error:
        raise refused(error) from None
    return CaseFileOut.model_validate(case_file_json(found))


@router.get(
    "/persons/{v_number}/worklist-items",
    response_model=WorkItems,
    summary="What is due for a person: deadlines, reviews, flights, with the rule behind each",
    responses=responses(400, 401, 403, 404),
    operation_id="getPersonWorklistItems",
)
async def person_work_items(
    request: Request,
    response: Response,
    v_number: VNumber,
    reader: Annotated[Reader, Depends(caller)],
    on: Annotated[Day | None, Query(description="the day asked about (default: today)")] = None,
) -> WorkItems:
    """The items the case director's worklist shows for the person on that day, soonest
    first, for an agreement that lists `case` or a user whose worklist scope holds the person
    (a handful per person: no pages)."""
    system = system_of(request)
    day = on or system.today()
    await caught_up(request, response)
    try:
        found = await run_in_threadpool(
            work_items_of, system, reader, v_number, on=day, origin=origin_of(request)
        )
    except ServiceError as error:
        raise refused(error) from None
    items = [WorkItemOut(kind=i.kind, due=i.due, source=i.source, details=i.details)
             for i in found]  # fmt: skip
    return WorkItems(on=day, items=items)


@router.get(
    "/key-figures",
    response_model=KeyFigures | PublishedKeyFigures,
    summary="The key figures of a period (EVENTS.md definitions)",
    responses=responses(400, 401, 403),
    operation_id="getKeyFigures",
)
async def key_figures(
    request: Request,
    response: Response,
    reader: Annotated[Reader, Depends(caller)],
    start: Annotated[date, Query(alias="from", description="first day, Europe/Amsterdam")],
    end: Annotated[date, Query(alias="to", description="last day, inclusive")],
    exact: Annotated[
        bool, Query(description="exact counts (analyst tokens; users whose role reads figures)")
    ] = False,
    as_of: Annotated[
        AwareDatetime | None,
        Query(
            alias="asOf",
            description="the figures as known at this moment (RFC 3339 with an offset): "
            "from the events recorded by then, as a publication made then had them",
        ),
    ] = None,
) -> Any:
    """Published form (counts rounded to tens, under 5 shown as <5) unless `exact`. Open to
    every token; of signed-in users, to the roles that read figures (the dashboard's). Beside
    the figures: from when the store holds the caseload whole (as set by `asOf`), and
    whether the period lies there (a period before it holds only part of the caseload: not
    comparable)."""
    for name, day in (("from", start), ("to", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            reason = f"outside {FIRST_DAY}..{LAST_DAY}"
            invalid = [InvalidParam(name=f"query.{name}", reason=reason)]
            raise ProblemError(400, "the period is outside the years the store can hold", invalid)
    if end < start:
        invalid = [InvalidParam(name="query.to", reason="is before from")]
        raise ProblemError(400, "the period ends before it starts", invalid)
    system = system_of(request)
    known_by = None if as_of is None else recorded_by(as_of)
    await caught_up(request, response)
    try:
        found = await run_in_threadpool(
            figures_of, system, reader, Period(start, end), exact=exact,
            origin=origin_of(request), known_by=known_by,
        )  # fmt: skip
    except ServiceError as error:
        raise refused(error) from None
    whole = await run_in_threadpool(partial(completeness, system, known_by=known_by))
    shown = KeyFigures if isinstance(found, figures.KeyFigures) else PublishedKeyFigures
    return shown.model_validate({**found.model_dump(), "complete_from": whole.complete_from,
                                 "comparable": whole.covers(start)})  # fmt: skip
