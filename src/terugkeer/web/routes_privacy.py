"""The privacy officer's page (/privacy): one person's data for their request (AVG art. 15) —
the facts grouped by sender, so that a rectification request goes to the one who can withdraw
the fact (EVENTS.md v1.1) — downloads as JSON and PDF, and the register of processing
activities (art. 30). A V-number and the request's reference are posted, never put in a URL;
each look and each download is logged with that reference."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.narrative import describe
from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.errors import UnknownPersonError
from terugkeer.services.processing_register import processing_register
from terugkeer.services.subject_access import PseudonymisedPersonError, ReasonError
from terugkeer.services.subject_export import ExportFormat, export_subject, subject_overview
from terugkeer.services.workplace import log_view
from terugkeer.web.access_actions import action_label
from terugkeer.web.context import gettext_of, language_of, origin_of, render, system_of
from terugkeer.web.permissions import Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()
OFFICER = permit(Resource.SUBJECT_ACCESS, Action.READ)


def _page(request: Request, typed: dict[str, str], errors: dict[str, str], found: object = None,
          status: int = 200) -> HTMLResponse:  # fmt: skip
    context = {
        "typed": typed, "errors": errors, "found": found, "describe": describe,
        "register": processing_register(system_of(request)), "when": _utc,
        "label": lambda code: action_label(code, gettext_of(request)),
    }  # fmt: skip
    return render(request, "privacy.html", context, status_code=status)


def _utc(text: str) -> datetime:
    """A time as the store keeps it (UTC text), to be shown in Amsterdam time."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


async def _typed(request: Request) -> tuple[dict[str, str], dict[str, str]]:
    """The posted V-number and reference, and what is wrong with them (field -> code)."""
    form = await request.form()
    typed = {k: str(form.get(k) or "").strip() for k in ("v_number", "why", "format")}
    errors = {}
    if not is_v_number(typed["v_number"]):
        errors["v_number"] = "v_number"
    return typed, errors


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, granted: Annotated[Granted, Depends(OFFICER)]) -> HTMLResponse:
    log_view(system_of(request), granted.session.user, "privacy.read", origin_of(request))
    return _page(request, {"v_number": "", "why": ""}, {})


@router.post("/privacy", response_class=HTMLResponse)
async def look(request: Request, granted: Annotated[Granted, Depends(OFFICER)]) -> HTMLResponse:
    await checked(request)
    typed, errors = await _typed(request)
    if errors:
        return _page(request, typed, errors, status=422)
    try:
        found = await run_in_threadpool(  # off the event loop: a long record takes a while
            subject_overview, system_of(request), granted.session.user, typed["v_number"],
            typed["why"], channel="web", origin=origin_of(request),
        )  # fmt: skip
    except ReasonError as refused:
        return _page(request, typed, {"why": refused.code}, status=422)
    except PseudonymisedPersonError:
        return _page(request, typed, {"v_number": "pseudonymised"}, status=404)
    except UnknownPersonError:
        return _page(request, typed, {"v_number": "unknown"}, status=404)
    return _page(request, typed, {}, found)


@router.post("/privacy/export", response_model=None)
async def download(request: Request, granted: Annotated[Granted, Depends(OFFICER)]) -> Response:
    await checked(request)
    typed, errors = await _typed(request)
    if typed["format"] not in ("json", "pdf"):
        errors["format"] = "format"
    if errors:
        return _page(request, typed, errors, status=422)
    try:
        # Off the event loop: a PDF takes seconds of WeasyPrint, and the process's other
        # requests (the probes among them) would wait for it all that time.
        made = await run_in_threadpool(
            export_subject, system_of(request), granted.session.user, typed["v_number"],
            typed["why"], ExportFormat(typed["format"]), channel="web",
            origin=origin_of(request), lang=language_of(request),
        )  # fmt: skip
    except ReasonError as refused:
        return _page(request, typed, {"why": refused.code}, status=422)
    except PseudonymisedPersonError:
        return _page(request, typed, {"v_number": "pseudonymised"}, status=404)
    except UnknownPersonError:
        return _page(request, typed, {"v_number": "unknown"}, status=404)
    disposition = f'attachment; filename="{made.filename}"'
    return Response(made.body, media_type=made.media_type,
                    headers={"content-disposition": disposition,
                             "cache-control": "no-store"})  # fmt: skip
