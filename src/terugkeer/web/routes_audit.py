"""The access log, for the auditor: who looked at which case, when, from where."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.workplace import access_log_of, log_view
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Granted, permit

router = APIRouter()


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.ACCESS_LOG, Action.READ))],
    user: str = "",
    case: str = "",
    since: str = "",
    until: str = "",
) -> HTMLResponse:
    system = system_of(request)
    log_view(system, granted.session.user, "access_log.read", origin_of(request))
    entries = access_log_of(
        system, actor=user or None, v_number=case or None, since=_day(since), until=_day(until)
    )
    filters = {"user": user, "case": case, "since": since, "until": until}
    return render(request, "audit.html", {"entries": entries, "filters": filters})
