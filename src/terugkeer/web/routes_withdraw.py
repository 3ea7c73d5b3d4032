"""Withdrawing an entry of the timeline (EVENTS.md v1.1): the agency's own entries, by the
director who recorded them or a team lead, with a reason; the history keeps both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.corrections import (
    REASONS,
    Entry,
    NotWithdrawableError,
    withdraw,
    withdrawable_entry,
)
from terugkeer.services.recording import RecordRejectedError
from terugkeer.services.workplace import in_scope, log_view
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()
RECORD = permit(Resource.CASE, Action.RECORD)


def _entry(request: Request, granted: Granted, v_number: str, seq: int) -> Entry:
    if not (len(v_number) == 10 and v_number.isdigit()):
        raise HTTPException(404)
    system, user = system_of(request), granted.session.user
    if not in_scope(system, user, v_number, Resource.CASE, Action.RECORD):
        log_view(system, user, "case.withdraw.refused", origin_of(request))
        raise Forbidden
    try:
        return withdrawable_entry(system, user, v_number, seq)
    except NotWithdrawableError:
        raise HTTPException(404) from None


def _page(
    request: Request, v_number: str, entry: Entry, reason: str,
    error: RecordRejectedError | None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {"v_number": v_number, "entry": entry, "reasons": REASONS, "reason": reason,
               "error": error}  # fmt: skip
    return render(request, "withdraw.html", context, status_code=status)


@router.get("/cases/{v_number}/withdraw/{seq}", response_class=HTMLResponse)
def withdraw_form(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> HTMLResponse:
    return _page(request, v_number, _entry(request, granted, v_number, seq), "", None)


@router.post("/cases/{v_number}/withdraw/{seq}")
async def withdraw_post(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    await checked(request)
    entry = _entry(request, granted, v_number, seq)
    form = await request.form()
    reason = str(form.get("reason", ""))
    try:
        withdraw(system_of(request), granted.session.user, v_number, entry.event_id, reason,
                 origin=origin_of(request))  # fmt: skip
    except RecordRejectedError as error:
        return _page(request, v_number, entry, reason, error, status=422)
    return RedirectResponse(f"/cases/{v_number}#timeline", status_code=303)
