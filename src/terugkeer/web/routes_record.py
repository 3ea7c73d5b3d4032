"""Recording work on a case: one form per event type a case director reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.recording import RECORDABLE, RecordRejectedError, form_fields, record_work
from terugkeer.services.workplace import in_scope, log_view
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()
RECORD = permit(Resource.CASE, Action.RECORD)


def _allowed(request: Request, granted: Granted, v_number: str, event_type: str) -> None:
    if event_type not in RECORDABLE or not (len(v_number) == 10 and v_number.isdigit()):
        raise HTTPException(404)
    system, user = system_of(request), granted.session.user
    if not in_scope(system, user, v_number, Resource.CASE, Action.RECORD):
        log_view(system, user, "case.record.refused", origin_of(request))
        raise Forbidden


def _form(
    request: Request, v_number: str, event_type: str, values: dict[str, str],
    error: RecordRejectedError | None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "v_number": v_number, "event_type": event_type, "fields": form_fields(event_type),
        "values": values, "error": error,
    }  # fmt: skip
    return render(request, "record.html", context, status_code=status)


@router.get("/cases/{v_number}/record/{event_type}", response_class=HTMLResponse)
def record_form(
    request: Request,
    v_number: str,
    event_type: str,
    granted: Annotated[Granted, Depends(RECORD)],
) -> HTMLResponse:
    _allowed(request, granted, v_number, event_type)
    today = work_date(request).isoformat()
    return _form(request, v_number, event_type, {"day": today, "at": "12:00"}, None)


@router.post("/cases/{v_number}/record/{event_type}")
async def record_post(
    request: Request,
    v_number: str,
    event_type: str,
    granted: Annotated[Granted, Depends(RECORD)],
) -> Response:
    await checked(request)
    _allowed(request, granted, v_number, event_type)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    system = system_of(request)
    try:
        record_work(
            system, granted.session.user, [v_number], event_type, day=values.get("day", ""),
            at=values.get("at", ""), values=values, origin=origin_of(request),
        )  # fmt: skip
    except RecordRejectedError as error:
        return _form(request, v_number, event_type, values, error, status=422)
    return RedirectResponse(f"/cases/{v_number}", status_code=303)
