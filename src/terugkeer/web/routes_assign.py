"""New inflow for team leads: the open cases no director has yet, handed to the team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource
from terugkeer.services.assigning import assign_people, unassigned_of
from terugkeer.services.errors import ServiceError
from terugkeer.services.workplace import NotYoursError, team_directors
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Forbidden, Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()


def _page(request: Request, granted: Granted, *, error: str | None = None,
          chosen: list[str] | None = None, done: int = 0) -> HTMLResponse:  # fmt: skip
    system, user = system_of(request), granted.session.user
    found = unassigned_of(system, user, origin_of(request))
    context = {
        "unassigned": found, "directors": team_directors(system, user.team), "error": error,
        "chosen": chosen or [], "done": done,
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
async def assign(
    request: Request,
    granted: Annotated[Granted, Depends(permit(Resource.ASSIGNMENT, Action.RECORD))],
) -> Response:
    await checked(request)
    form = await request.form()
    chosen = [v for v in form.getlist("v") if isinstance(v, str)]
    director = form.get("director")
    system, user = system_of(request), granted.session.user
    if not chosen:
        return _page(request, granted, error="none_chosen")
    if not isinstance(director, str) or director not in team_directors(system, user.team):
        return _page(request, granted, error="no_director", chosen=chosen)
    try:
        assigned = assign_people(system, user, chosen, director, origin_of(request))
    except NotYoursError:
        raise Forbidden from None
    except ServiceError:  # closed meanwhile, or the director was disabled since the page
        return _page(request, granted, error="changed", chosen=chosen)
    return RedirectResponse(f"/unassigned?done={len(assigned)}", status_code=303)
