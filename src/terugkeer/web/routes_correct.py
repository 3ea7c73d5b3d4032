"""Correcting an entry of the timeline: the entry's own form, filled with its values, and a
reason (not preselected); storing withdraws the entry and records the corrected fact in one
transaction (services/corrections.correct). Same rights as withdrawing; stored at most once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.services.corrections import REASONS, Entry, correct
from terugkeer.services.recording import (
    RECORDABLE,
    Form,
    RecordRejectedError,
    UnconfirmedError,
    form_fields,
    own_id,
)
from terugkeer.services.references import case_now, references
from terugkeer.services.typed import shown_day
from terugkeer.web.context import language_of, origin_of, system_of, work_date
from terugkeer.web.i18n import Formats
from terugkeer.web.permissions import Granted
from terugkeer.web.record_form import form_page, posted, shown_key, with_new_key
from terugkeer.web.routes_auth import checked
from terugkeer.web.routes_withdraw import RECORD, entry_or_repeat, scoped

router = APIRouter()


def _values(entry: Entry, language: str) -> dict[str, str]:
    """The entry's values as its form shows them (as a user would type them)."""
    local = entry.occurred_at.astimezone(AMSTERDAM)
    values = {"day": shown_day(local.date()), "at": local.strftime("%H:%M")}
    for field in form_fields(entry.type):
        value = entry.data.get(field.name)
        if value is None or value is False:
            continue
        if field.kind == "flag":
            values[field.name] = "on"
        elif field.kind == "number" and isinstance(value, int | float):
            values[field.name] = Formats(language).number(value)
        elif field.kind == "date":
            values[field.name] = shown_day(date.fromisoformat(str(value)))
        else:
            values[field.name] = str(value)
    return values


def _page(
    request: Request, v_number: str, entry: Entry, form: Form | None = None,
    problem: RecordRejectedError | UnconfirmedError | None = None, key: str | None = None,
) -> HTMLResponse:  # fmt: skip
    picks = references(case_now(system_of(request), v_number), entry.type)
    return form_page(
        request, entry.type, form, values=_values(entry, language_of(request)), problem=problem,
        references=picks, v_number=v_number, correcting=entry, reasons=REASONS,
        action=f"/cases/{v_number}/correct/{entry.seq}", key=key,
    )  # fmt: skip


def _correctable(request: Request, granted: Granted, v_number: str, seq: int,
                 repeat: str | None = None) -> Entry | str:  # fmt: skip
    scoped(request, granted, v_number, "correct")
    entry = entry_or_repeat(request, granted, v_number, seq, repeat)
    if isinstance(entry, Entry) and entry.type not in RECORDABLE:
        raise HTTPException(404)
    return entry


@router.get("/cases/{v_number}/correct/{seq}", response_model=None)
def correct_form(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    key = shown_key(request)
    repeat = None if key is None else own_id(system_of(request), key)
    entry = _correctable(request, granted, v_number, seq, repeat)
    if isinstance(entry, str):  # back to a correction that was stored: its result
        return RedirectResponse(entry, status_code=303)
    if key is None:
        return with_new_key(request)
    return _page(request, v_number, entry, key=key)


@router.post("/cases/{v_number}/correct/{seq}")
async def correct_post(
    request: Request, v_number: str, seq: int, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    await checked(request)
    form = await posted(request)
    system = system_of(request)
    entry = _correctable(request, granted, v_number, seq, own_id(system, form.key))
    if isinstance(entry, str):
        return RedirectResponse(entry, status_code=303)
    reason = form.values.get("reason", "")
    try:
        done = correct(
            system, granted.session.user, v_number, entry.event_id, reason, entry.type, form,
            today=work_date(request), origin=origin_of(request),
        )  # fmt: skip
    except (RecordRejectedError, UnconfirmedError) as problem:
        return _page(request, v_number, entry, form, problem)
    again = done.again or "corrected"
    return RedirectResponse(f"/cases/{done.v_number}?recorded={done.seq}&again={again}",
                            status_code=303)  # fmt: skip
