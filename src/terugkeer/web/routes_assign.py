"""A team lead hands out cases: new inflow ("Nieuwe zaken"), one person from the case page, or
many of the team's cases at once from the team page. A family always moves together: when the
chosen people have family members who were not chosen, the page first offers the whole family,
then assigns it in one transaction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.identifiers import is_v_number
from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.assigning import (
    AssignConflictError,
    Change,
    assign_people,
    family_along,
    unassigned_of,
)
from terugkeer.services.team import team_cases_of, workload_of
from terugkeer.services.workplace import NotYoursError, team_directors
from terugkeer.web.context import origin_of, render, system_of, work_date
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()
RECORD = permit(Resource.ASSIGNMENT, Action.RECORD)


#: More people than a lead hands out at once from these pages (a page shows 50 or 200).
MAX_CHOSEN = 1000


def _chosen(form: FormData) -> list[str]:
    """The V-numbers ticked (only what can be one: the form is the client's)."""
    found = [v for v in form.getlist("v") if isinstance(v, str) and is_v_number(v)]
    return list(dict.fromkeys(found))[:MAX_CHOSEN]


def _page(request: Request, granted: Granted, *, error: str | None = None,
          chosen: list[str] | None = None, done: int = 0,
          changes: list[Change] | None = None) -> HTMLResponse:  # fmt: skip
    system, user = system_of(request), granted.session.user
    found = unassigned_of(system, user, origin_of(request))
    context = {
        "unassigned": found, "directors": team_directors(system, user.team), "error": error,
        "chosen": chosen or [], "done": done, "changes": changes or [],
    }  # fmt: skip
    return render(request, "unassigned.html", context, status_code=422 if error else 200)


@router.get("/unassigned", response_class=HTMLResponse)
def unassigned(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.UNASSIGNED, Action.READ))],
    done: int = 0,
) -> HTMLResponse:
    return _page(request, granted, done=max(done, 0))


@router.post("/unassigned")
async def assign(request: Request, granted: Annotated[Granted, Depends(RECORD)]) -> Response:
    """All or nothing: a case closed or handed out since the page was shown assigns none."""
    await checked(request)
    form = await request.form()
    chosen = _chosen(form)
    director = form.get("director")
    system, user = system_of(request), granted.session.user
    if not chosen:
        return _page(request, granted, error="none_chosen")
    if not isinstance(director, str) or director not in team_directors(system, user.team):
        return _page(request, granted, error="no_director", chosen=chosen)
    try:
        assigned = assign_people(system, user, chosen, director, origin_of(request),
                                 new_only=True)  # fmt: skip
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    except AssignConflictError as conflict:
        return _page(request, granted, error="changed", chosen=chosen, changes=conflict.changes)
    return RedirectResponse(f"/unassigned?done={len(assigned)}", status_code=303)


async def _reassign(
    request: Request, granted: Granted, chosen: list[str], back: str, action: str
) -> Response:
    """Offer the whole family when the choice splits one, else assign (all or nothing)."""
    form = await request.form()
    director = form.get("director")
    system, user = system_of(request), granted.session.user
    directors = team_directors(system, user.team)
    error = None
    if not chosen:
        error = "none_chosen"
    elif not isinstance(director, str) or director not in directors:
        error = "no_director"
    if error is not None:
        return _team_page(request, granted, error=error, chosen=chosen, status=422)
    assert isinstance(director, str)
    try:
        along = family_along(system, user, chosen, origin_of(request))
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    if along and form.get("whole_family") != "1":
        context = {"chosen": chosen, "along": along, "director": director, "action": action,
                   "back": back}  # fmt: skip
        return render(request, "reassign_confirm.html", context)
    try:
        assigned = assign_people(system, user, chosen, director, origin_of(request))
    except NotYoursError as refusal:
        raise Forbidden(logged=refusal.logged) from None
    except AssignConflictError as conflict:
        return _team_page(request, granted, error="changed", chosen=chosen,
                          changes=conflict.changes, status=422)  # fmt: skip
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}moved={len(assigned)}", status_code=303)


@router.post("/cases/{v_number}/assign")
async def assign_one(
    request: Request, v_number: str, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    """The case page's "Assign to": the person, and with them their whole family."""
    await checked(request)
    if not is_v_number(v_number):
        raise HTTPException(404)
    return await _reassign(request, granted, [v_number], f"/cases/{v_number}",
                           f"/cases/{v_number}/assign")  # fmt: skip


def _team_page(request: Request, granted: Granted, *, error: str | None = None,
               chosen: list[str] | None = None, changes: list[Change] | None = None,
               director: str | None = None, page: int = 1, moved: int = 0,
               status: int = 200) -> HTMLResponse:  # fmt: skip
    system, user = system_of(request), granted.session.user
    load = workload_of(system, user, work_date(request), origin_of(request))
    directors = [d.director for d in load if not d.gone]
    shown = director if director in {d.director for d in load} else None
    cases = team_cases_of(system, user, director=shown, page=page)
    context = {
        "load": load, "cases": cases, "directors": directors, "error": error,
        "chosen": chosen or [], "changes": changes or [], "moved": moved,
    }  # fmt: skip
    return render(request, "team.html", context, status_code=status)


@router.get("/team", response_class=HTMLResponse)
def team(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.WORKLOAD, Action.READ))],
    director: str = "",
    page: int = 1,
    moved: int = 0,
) -> HTMLResponse:
    """The team's workload per director, and its open cases to reassign."""
    return _team_page(request, granted, director=director or None, page=page,
                      moved=max(moved, 0))  # fmt: skip


@router.post("/team")
async def reassign(request: Request, granted: Annotated[Granted, Depends(RECORD)]) -> Response:
    await checked(request)
    form = await request.form()
    return await _reassign(request, granted, _chosen(form), "/team", "/team")
