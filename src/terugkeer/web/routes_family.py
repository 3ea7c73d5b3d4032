"""The family page: every member's readiness side by side, the family's shared deadlines, and
actions recorded for the whole family (one event per member, in one transaction)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.recording import (
    FOR_FAMILIES,
    Form,
    RecordRejectedError,
    UnconfirmedError,
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
from terugkeer.web.record_form import form_page, fresh_values, posted, shown_key, with_new_key
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
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    except UnknownFamilyError:
        raise HTTPException(404) from None
    return render(request, "family.html", {"page": page, "actions": FOR_FAMILIES})


def _members(request: Request, granted: Granted, family: str, event_type: str) -> list[str]:
    if event_type not in FOR_FAMILIES:
        raise HTTPException(404)
    system, user = system_of(request), granted.session.user
    try:
        page = family_page(system, user, family, work_date(request), origin_of(request))
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    except UnknownFamilyError:
        raise HTTPException(404) from None
    members = [m.v_number for m in page.members if m.no_open_case is None]
    if not all(in_scope(system, user, v, Resource.FAMILY, Action.RECORD) for v in members):
        raise Forbidden
    return members


def _form(
    request: Request, family: str, event_type: str, form: Form | None,
    problem: RecordRejectedError | UnconfirmedError | None = None, key: str | None = None,
) -> HTMLResponse:  # fmt: skip
    return form_page(
        request, event_type, form, values=fresh_values(work_date(request)), problem=problem,
        key=key,
        action=f"/families/{family}/record/{event_type}", back=f"/families/{family}",
        family=family, v_number="",
    )  # fmt: skip


@router.get("/families/{family}/record/{event_type}", response_model=None)
def family_form(
    request: Request,
    family: str,
    event_type: str,
    granted: Annotated[Granted, Depends(permit(Resource.FAMILY, Action.RECORD))],
) -> Response:
    _members(request, granted, family, event_type)
    if (key := shown_key(request)) is None:
        return with_new_key(request)
    return _form(request, family, event_type, None, key=key)


@router.post("/families/{family}/record/{event_type}")
async def family_post(
    request: Request,
    family: str,
    event_type: str,
    granted: Annotated[Granted, Depends(permit(Resource.FAMILY, Action.RECORD))],
) -> Response:
    await checked(request)
    members = _members(request, granted, family, event_type)
    form = await posted(request)
    try:
        recorded = record_work(
            system_of(request), granted.session.user, members, event_type, form,
            today=work_date(request), origin=origin_of(request),
        )  # fmt: skip
    except (RecordRejectedError, UnconfirmedError) as problem:
        return _form(request, family, event_type, form, problem)
    again = f"&again={recorded.again}" if recorded.again else ""
    return RedirectResponse(f"/families/{family}?recorded={event_type}{again}", status_code=303)
