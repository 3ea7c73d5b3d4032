"""The access log, for the auditor: who looked at which case, when, from where; a page at a
time in Amsterdam time, action names in the reader's language, and a CSV of the filter."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.audit import (
    EXPORT_LIMIT,
    ExportTooLargeError,
    Filters,
    access_page,
    export,
    filters_of,
)
from terugkeer.web.access_actions import action_label
from terugkeer.web.context import gettext_of, origin_of, render, system_of
from terugkeer.web.permissions import Granted, permit

router = APIRouter()
AUDITOR = permit(Resource.ACCESS_LOG, Action.READ)


@dataclass(frozen=True, slots=True)
class Typed:
    """The filter form as typed (query parameters of the page and of its export)."""

    user: str = ""
    case: str = ""
    since: str = ""
    until: str = ""
    request: str = ""  # a request id, from the server's log or an answer's X-Request-ID

    def filters(self) -> Filters:
        return filters_of(self.user, self.case, self.since, self.until, self.request)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    granted: Annotated[Granted, Depends(AUDITOR)],
    typed: Annotated[Typed, Depends()],
    before: str = "",
) -> HTMLResponse:
    filters = typed.filters()
    status = 422 if filters.errors else 200
    return _page(request, granted, typed, filters, _row_id(before), None, status)


def _page(request: Request, granted: Granted, typed: Typed, filters: Filters,
          before: int | None, export_refused: str | None, status: int) -> HTMLResponse:  # fmt: skip
    page = access_page(system_of(request), granted.session.user, filters, before,
                       origin_of(request))  # fmt: skip
    context = {
        "page": page, "filters": asdict(typed), "errors": filters.errors,
        "label": lambda code: action_label(code, gettext_of(request)), "before": before,
        "query": request.url.query, "export_refused": export_refused,
        "export_limit": EXPORT_LIMIT,
    }  # fmt: skip
    return render(request, "audit.html", context, status_code=status)


#: What a spreadsheet takes for the start of a formula (OWASP, CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A cell that a spreadsheet shows as text: a user name or detail such as '=HYPERLINK(…)'
    gets a leading apostrophe instead of running when the auditor opens the file."""
    return f"'{text}" if text.startswith(_FORMULA) else text


def _row_id(text: str) -> int | None:
    """The `before` of a page link: a row id, or None (the newest page) for anything else, so
    that a hand-made address never reaches the database as a number it cannot hold."""
    text = text.strip()
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    return None


@router.get("/audit/export.csv", response_model=None)
def export_csv(
    request: Request,
    granted: Annotated[Granted, Depends(AUDITOR)],
    typed: Annotated[Typed, Depends()],
) -> Response:
    """The entries of the filter as CSV (UTF-8, times in Amsterdam time); the export is logged."""
    filters = typed.filters()
    if filters.errors:
        return _page(request, granted, typed, filters, None, "filter", 422)
    try:
        found = export(system_of(request), granted.session.user, filters, origin_of(request))
    except ExportTooLargeError:
        return _page(request, granted, typed, filters, None, "too_large", 422)
    gettext = gettext_of(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["time (Europe/Amsterdam)", "user", "channel", "action", "action (label)",
                     "from", "v_number", "detail", "request_id"])  # fmt: skip
    for e in found:
        at = e.at.astimezone(AMSTERDAM).isoformat(timespec="seconds")
        writer.writerow([_cell(c) for c in (at, e.actor, e.channel, e.action,
                         action_label(e.action, gettext), e.origin, e.v_number or "",
                         e.detail or "", e.request_id or "")])  # fmt: skip
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="access-log.csv"'},
    )  # fmt: skip
