"""The admin's account pages: the list with an add form, and one account's page with its
actions (disable or enable, unlock, reset the password, change role or team). A one-time
password is shown once, in the answer to the post that made it (never in a URL)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.permissions import Action, Resource, Role
from terugkeer.services.accounts import (
    AccountRefused,
    accounts,
    add_account,
    change_role,
    disable_account,
    enable_account,
    no_such_role,
    reset_password,
    unlock_account,
)
from terugkeer.services.workplace import log_view
from terugkeer.web.context import origin_of, render, system_of
from terugkeer.web.permissions import Granted, permit
from terugkeer.web.routes_auth import checked

router = APIRouter()
READ = permit(Resource.USERS, Action.READ)
RECORD = permit(Resource.USERS, Action.RECORD)
ACTIONS = {"disable": disable_account, "enable": enable_account, "unlock": unlock_account}


def _list(request: Request, *, refused: AccountRefused | None = None,
          typed: dict[str, str] | None = None, added: tuple[str, str] | None = None,
          status: int = 200) -> HTMLResponse:  # fmt: skip
    found = accounts(system_of(request))
    context = {
        "accounts": found, "roles": list(Role), "teams": sorted({a.team for a in found if a.team}),
        "refused": refused, "typed": typed or {"name": "", "role": "", "team": ""},
        "added": added,
    }  # fmt: skip
    return render(request, "users.html", context, status_code=status)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, granted: Annotated[Granted, Depends(READ)]) -> HTMLResponse:
    log_view(system_of(request), granted.session.user, "users.read", origin_of(request))
    return _list(request)


@router.post("/admin/users")
async def add(request: Request, granted: Annotated[Granted, Depends(RECORD)]) -> Response:
    await checked(request)
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in ("name", "role", "team")}
    try:
        role = Role(typed["role"])
    except ValueError:
        refusal = no_such_role(system_of(request), granted.session.user, "add", typed["name"],
                               origin_of(request))  # fmt: skip
        return _list(request, refused=refusal, typed=typed, status=422)
    try:
        password = add_account(system_of(request), granted.session.user, typed["name"], role,
                               typed["team"], origin_of(request))  # fmt: skip
    except AccountRefused as refused:
        return _list(request, refused=refused, typed=typed, status=422)
    return _list(request, added=(typed["name"].strip(), password))


def _account(
    request: Request, account: str, *, refused: AccountRefused | None = None,
    password: str | None = None, done: str = "", status: int = 200,
) -> HTMLResponse:  # fmt: skip
    found = next((a for a in accounts(system_of(request)) if a.name == account), None)
    if found is None:
        raise HTTPException(404)
    teams = sorted({a.team for a in accounts(system_of(request)) if a.team})
    context = {"account": found, "roles": list(Role), "teams": teams, "refused": refused,
               "password": password, "done": done}  # fmt: skip
    return render(request, "user.html", context, status_code=status)


@router.get("/admin/users/{account}", response_class=HTMLResponse)
def account_page(
    request: Request, account: str, granted: Annotated[Granted, Depends(READ)], done: str = ""
) -> HTMLResponse:
    log_view(system_of(request), granted.session.user, "users.read", origin_of(request))
    return _account(request, account, done=done if done in (*ACTIONS, "change") else "")


@router.post("/admin/users/{account}/{action}")
async def act(
    request: Request, account: str, action: str, granted: Annotated[Granted, Depends(RECORD)]
) -> Response:
    await checked(request)
    system, admin, origin = system_of(request), granted.session.user, origin_of(request)
    try:
        if action in ACTIONS:
            ACTIONS[action](system, admin, account, origin)
        elif action == "reset":
            password = reset_password(system, admin, account, origin)
            return _account(request, account, password=password)
        elif action == "change":
            form = await request.form()
            try:
                role = Role(str(form.get("role") or ""))
            except ValueError:
                refusal = no_such_role(system, admin, "change", account, origin)
                return _account(request, account, refused=refusal, status=422)
            change_role(system, admin, account, role, str(form.get("team") or ""), origin)
        else:
            raise HTTPException(404)
    except AccountRefused as refused:
        if refused.reason == "unknown":
            raise HTTPException(404) from None
        return _account(request, account, refused=refused, status=422)
    return RedirectResponse(f"/admin/users/{quote(account)}?done={action}", status_code=303)
