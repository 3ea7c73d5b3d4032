"""The worklist (filtered, sorted, paged) and "go to a V-number" from the header of every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.messages import say
from terugkeer.domain.permissions import Action, Resource, Scope
from terugkeer.services.worklist import (
    NoSuchPageError,
    WorklistQuery,
    go_to,
    log_malformed_go_to,
    worklist_of,
)
from terugkeer.services.workplace import NotYoursError, log_view, team_directors
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Granted, permit
from terugkeer.web.worklist_params import KIND_FILTERS, LATEST, parse

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def worklist(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.WORKLIST, Action.READ))],
) -> HTMLResponse:
    system, user = system_of(request), granted.session.user
    directors = team_directors(system, user.team) if granted.scope is Scope.TEAM else None
    parsed = parse(request.query_params, directors)
    errors = dict(parsed.errors)
    on = work_date(request)
    try:
        found = worklist_of(system, user, on, parsed.query)
    except NoSuchPageError as error:
        errors["page"] = say("There is no page %(page)s: the list ends at page %(pages)s.",
                             page=parsed.query.page, pages=error.pages)  # fmt: skip
        found = worklist_of(system, user, on, WorklistQuery(director=parsed.query.director))
    log_view(system, user, "worklist.read", origin_of(request))
    context = {
        "worklist": found, "errors": errors, "given": parsed.given,
        "directors": directors, "kind_filters": KIND_FILTERS, "link": _links(found.query),
    }  # fmt: skip
    return render(request, "worklist.html", context, status_code=400 if errors else 200)


def _links(query: WorklistQuery) -> Callable[..., str]:
    """Addresses of the worklist that keep the checked filters (never a rejected value) and
    change some: `link(kind="detention_review")` is that kind's first page, same director."""
    kept = {"director": query.director or "", "sort": LATEST if query.latest_first else "",
            "kind": query.kind or "", "group": query.group.value if query.group else "",
            "page": str(query.page)}  # fmt: skip

    def link(**changes: object) -> str:
        # Choosing a kind or a group starts from the whole list; a page keeps the rest.
        base = kept if "page" in changes else {**kept, "kind": "", "group": "", "page": ""}
        wanted = {**base, **{name: str(value) for name, value in changes.items()}}
        if wanted.get("page") == "1":
            wanted["page"] = ""
        chosen = {name: value for name, value in wanted.items() if value}
        return "/?" + urlencode(chosen) if chosen else "/"

    return link


def _v_number(typed: str) -> str | None:
    """The V-number as typed with spaces, dots or dashes between its digits, or None."""
    digits = "".join(c for c in typed if c not in " .-")
    return digits if len(digits) == 10 and digits.isascii() and digits.isdigit() else None


@router.get("/go", response_class=HTMLResponse)
def go(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.CASE, Action.READ))],
    v: str = "",
) -> Response:
    system, user = system_of(request), granted.session.user
    typed = v.strip()[:40]
    v_number = _v_number(typed)
    if v_number is None:
        log_malformed_go_to(system, user, origin_of(request))
        context = {"typed": typed, "error": say("A V-number has 10 digits.")}
        return render(request, "go.html", context, status_code=400)
    try:
        go_to(system, user, v_number, origin_of(request))
    except NotYoursError:
        # One sentence for a colleague's case and for a V-number nobody knows (the refusal
        # is logged with it): the answer must not tell whether the person exists.
        context = {"typed": v_number, "not_found": v_number}
        return render(request, "go.html", context, status_code=404)
    return RedirectResponse(f"/cases/{v_number}", status_code=303)
