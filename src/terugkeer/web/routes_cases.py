"""The worklist and the case page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from terugkeer.domain.permissions import Action, Resource, Role, Scope
from terugkeer.services.errors import UnknownPersonError
from terugkeer.services.recording import RECORDABLE
from terugkeer.services.workplace import (
    NotYoursError,
    case_page,
    log_view,
    team_directors,
    worklist_of,
)
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Forbidden, Granted, permit

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def worklist(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.WORKLIST, Action.READ))],
    director: str | None = None,
) -> HTMLResponse:
    system, user = system_of(request), granted.session.user
    wanted = (director or None) if granted.scope is Scope.TEAM else None
    found = worklist_of(system, user, work_date(request), director=wanted)
    log_view(system, user, "worklist.read", origin_of(request))
    return render(request, "worklist.html", {"worklist": found, "director": wanted or ""})


@router.get("/cases/{v_number}", response_class=HTMLResponse)
def case(
    request: Request,
    v_number: str,
    granted: Annotated[Granted, Depends(permit(Resource.CASE, Action.READ))],
) -> HTMLResponse:
    if not (len(v_number) == 10 and v_number.isdigit()):
        raise HTTPException(404)
    system = system_of(request)
    try:
        page = case_page(system, granted.session.user, v_number, work_date(request),
                         origin_of(request))  # fmt: skip
    except NotYoursError:
        raise Forbidden from None
    except UnknownPersonError:
        raise HTTPException(404) from None
    user = granted.session.user
    directors = team_directors(system, user.team) if user.role is Role.TEAM_LEAD else []
    context = {"page": page, "file": page.file, "recordable": RECORDABLE, "directors": directors}
    return render(request, "case.html", context)
