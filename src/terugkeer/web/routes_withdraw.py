"""Withdrawing an entry of the timeline (EVENTS.md v1.1): the agency's own entries, by the
director who recorded it or a team lead, with a reason; the history keeps both. A repeat of
the form (a double click, back-and-resubmit) withdraws nothing more and shows the result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.corrections import (
    REASONS,
    Entry,
    NotWithdrawableError,
    withdraw,
    withdrawable_entry,
)
from terugkeer.services.recording import RecordRejectedError, earlier, own_id, submission_key
from terugkeer.services.workplace import in_scope, log_view
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.record_form import shown_key, with_new_key
from terugkeer.web.routes_auth import checked

router = APIRouter()
RECORD = permit(Resource.CASE, Action.RECORD)


def scoped(request: Request, granted: Granted, v_number: str, action: str) -> None:
    """404 for a malformed V-number; 403 (logged) for a case outside the user's scope."""
    if not is_v_number(v_number):
        raise HTTPException(404)
    system, user = system_of(request), granted.session.user
    if not in_scope(system, user, v_number, Resource.CASE, Action.RECORD):
        log_view(system, user, f"case.{action}.refused", origin_of(request), v_number)
        raise Forbidden(logged=True)


def entry_or_repeat(
    request: Request, granted: Granted, v_number: str, seq: int, repeat: str | None = None
) -> Entry | str:
    """Entry `seq` when the user may withdraw or correct it; else, when `repeat` (an event
    id a submission makes) is stored, where its result is shown; else 404."""
    system = system_of(request)
    try:
        return withdrawable_entry(system, granted.session.user, v_number, seq)
    except NotWithdrawableError:
        done = earlier(system, repeat) if repeat else None
        if done is None:
            raise HTTPException(404) from None
        return f"/cases/{done[1]}?recorded={done[0]}&again=same"


def _page(
    request: Request, v_number: str, entry: Entry, reason: str,
    error: RecordRejectedError | None, key: str, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {"v_number": v_number, "entry": entry, "reasons": REASONS, "reason": reason,
               "error": error, "submission": key}  # fmt: skip
    return render(request, "withdraw.html", context, status_code=status)


@router.get("/cases/{v_number}/withdraw/{seq}", response_model=None)
def withdraw_form(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    scoped(request, granted, v_number, "withdraw")
    key = shown_key(request)
    repeat = None if key is None else own_id(system_of(request), f"{key}-r")
    entry = entry_or_repeat(request, granted, v_number, seq, repeat)
    if isinstance(entry, str):  # back to a withdrawal that was stored: the timeline
        return RedirectResponse(f"/cases/{v_number}#timeline", status_code=303)
    if key is None:
        return with_new_key(request)
    return _page(request, v_number, entry, "", None, key)


@router.post("/cases/{v_number}/withdraw/{seq}")
async def withdraw_post(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    await checked(request)
    scoped(request, granted, v_number, "withdraw")
    form = await request.form()
    sent = form.get("submission")
    key = submission_key(sent if isinstance(sent, str) else None)
    system = system_of(request)
    entry = entry_or_repeat(request, granted, v_number, seq, own_id(system, f"{key}-r"))
    if isinstance(entry, str):
        return RedirectResponse(f"/cases/{v_number}#timeline", status_code=303)
    reason = str(form.get("reason", ""))
    try:
        withdraw(system, granted.session.user, v_number, entry.event_id, reason, key=key,
                 origin=origin_of(request))  # fmt: skip
    except RecordRejectedError as error:
        return _page(request, v_number, entry, reason, error, key, status=422)
    return RedirectResponse(f"/cases/{v_number}#timeline", status_code=303)
