"""The family page: every member's readiness side by side, the family's shared deadlines, and
actions recorded for the whole family (one event per member, in one transaction)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.recording import (
    FOR_FAMILIES,
    RecordRejectedError,
    form_fields,
    record_work,
)
from terugkeer.services.workplace import (
    NotYoursError,
    UnknownFamilyError,
    family_page,
    in_scope,
)
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()


@router.get("/families/{family}", response_class=HTMLResponse)
def family(
    request: Request,
    family: str,
    granted: Annotated[Granted, Depends(permit(Resource.FAMILY, Action.READ))],
) -> HTMLResponse:
    system = system_of(request)
    try:
        page = family_page(system, granted.session.user, family, work_date(request),
                           origin_of(request))  # fmt: skip
    except NotYoursError:
        raise Forbidden from None
    except UnknownFamilyError:
        raise HTTPException(404) from None
    return render(request, "family.html", {"page": page, "actions": FOR_FAMILIES})


def _members(request: Request, granted: Granted, family: str, event_type: str) -> list[str]:
    if event_type not in FOR_FAMILIES:
        raise HTTPException(404)
    system, user = system_of(request), granted.session.user
    try:
        page = family_page(system, user, family, work_date(request), origin_of(request))
    except NotYoursError:
        raise Forbidden from None
    except UnknownFamilyError:
        raise HTTPException(404) from None
    members = [m.v_number for m in page.members if m.no_open_case is None]
    if not all(in_scope(system, user, v, Resource.FAMILY, Action.RECORD) for v in members):
        raise Forbidden
    return members


def _form(
    request: Request, family: str, event_type: str, values: dict[str, str],
    error: RecordRejectedError | None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "event_type": event_type, "fields": form_fields(event_type), "values": values,
        "error": error, "action": f"/families/{family}/record/{event_type}",
        "back": f"/families/{family}", "family": family, "v_number": "",
    }  # fmt: skip
    return render(request, "record.html", context, status_code=status)


@router.get("/families/{family}/record/{event_type}", response_class=HTMLResponse)
def family_form(
    request: Request,
    family: str,
    event_type: str,
    granted: Annotated[Granted, Depends(permit(Resource.FAMILY, Action.RECORD))],
) -> HTMLResponse:
    _members(request, granted, family, event_type)
    today = work_date(request).isoformat()
    return _form(request, family, event_type, {"day": today, "at": "12:00"}, None)


@router.post("/families/{family}/record/{event_type}")
async def family_post(
    request: Request,
    family: str,
    event_type: str,
    granted: Annotated[Granted, Depends(permit(Resource.FAMILY, Action.RECORD))],
) -> Response:
    await checked(request)
    members = _members(request, granted, family, event_type)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        record_work(
            system_of(request), granted.session.user, members, event_type,
            day=values.get("day", ""), at=values.get("at", ""), values=values,
            origin=origin_of(request),
        )  # fmt: skip
    except RecordRejectedError as error:
        return _form(request, family, event_type, values, error, status=422)
    return RedirectResponse(f"/families/{family}", status_code=303)
