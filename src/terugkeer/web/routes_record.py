"""Recording work on a case: one form per event type a case director reports. A submission
is stored at most once; the case page then says what was recorded and marks it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from terugkeer.services.recording import (
    RECORDABLE,
    RecordRejectedError,
    UnconfirmedError,
    record_work,
)
from terugkeer.services.references import case_now, references
from terugkeer.web.context import origin_of, system_of, work_date
from terugkeer.web.permissions import Granted
from terugkeer.web.record_form import (
    form_page,
    fresh_values,
    posted,
    shown_at,
    shown_key,
    with_new_key,
)
from terugkeer.web.routes_auth import checked
from terugkeer.web.routes_withdraw import RECORD, scoped

router = APIRouter()


def _allowed(request: Request, granted: Granted, v_number: str, event_type: str) -> None:
    if event_type not in RECORDABLE:
        raise HTTPException(404)
    scoped(request, granted, v_number, "record")


@router.get("/cases/{v_number}/record/{event_type}", response_model=None)
def record_form(
    request: Request,
    v_number: str,
    event_type: str,
    granted: Annotated[Granted, Depends(RECORD)],
) -> Response:
    _allowed(request, granted, v_number, event_type)
    if (key := shown_key(request)) is None:
        return with_new_key(request)
    picks = references(case_now(system_of(request), v_number), event_type)
    return form_page(request, event_type, None, values=fresh_values(work_date(request)),
                     references=picks, v_number=v_number, key=key)  # fmt: skip


@router.post("/cases/{v_number}/record/{event_type}")
async def record_post(
    request: Request,
    v_number: str,
    event_type: str,
    granted: Annotated[Granted, Depends(RECORD)],
) -> Response:
    await checked(request)
    _allowed(request, granted, v_number, event_type)
    form = await posted(request)
    system = system_of(request)
    try:
        recorded = record_work(system, granted.session.user, [v_number], event_type, form,
                               today=work_date(request), origin=origin_of(request))  # fmt: skip
    except (RecordRejectedError, UnconfirmedError) as problem:
        picks = references(case_now(system, v_number), event_type)
        return form_page(request, event_type, form, problem=problem, references=picks,
                         v_number=v_number)  # fmt: skip
    return RedirectResponse(shown_at(recorded, f"/cases/{recorded.v_number}"), status_code=303)
