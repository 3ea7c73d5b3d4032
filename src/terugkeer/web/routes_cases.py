"""The case page (the worklist: routes_worklist.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.permissions import Action, Resource, Role
from terugkeer.services.errors import UnknownPersonError
from terugkeer.services.recording import RECORDABLE
from terugkeer.services.workplace import (
    NotYoursError,
    case_page,
    team_directors,
)
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Forbidden, Granted, permit

router = APIRouter()


@router.get("/cases/{v_number}", response_class=HTMLResponse)
def case(
    request: Request,
    v_number: str,
    granted: Annotated[Granted, Depends(permit(Resource.CASE, Action.READ))],
) -> HTMLResponse:
    if not is_v_number(v_number):
        raise HTTPException(404)
    system = system_of(request)
    try:
        page = case_page(system, granted.session.user, v_number, work_date(request),
                         origin_of(request))  # fmt: skip
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    except UnknownPersonError:
        raise HTTPException(404) from None
    user = granted.session.user
    directors = team_directors(system, user.team) if user.role is Role.TEAM_LEAD else []
    context = {"page": page, "file": page.file, "recordable": RECORDABLE, "directors": directors}
    return render(request, "case.html", context)
