"""Signing in and out, and the language switch."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terugkeer.domain.passwords import MAX_PASSWORD, MIN_PASSWORD
from terugkeer.domain.permissions import HOME
from terugkeer.services import device_cookies
from terugkeer.services.sign_in import LoginRefused, log_in, log_out, refuse_unjudged
from terugkeer.services.single_sign_on import sign_out as sso_sign_out
from terugkeer.services.users import PasswordRefused, Session, change_own_password
from terugkeer.web.context import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    current_session,
    origin_of,
    render,
    system_of,
)
from terugkeer.web.i18n import LANGUAGES
from terugkeer.web.permissions import Forbidden, NotSignedIn, public, signed_in
from terugkeer.web.routes_sso import end_session_address, login_choices

router = APIRouter()
LOGIN_CSRF_COOKIE = "login_csrf"  # before a session exists: a double-submit token


def _cookie(response: Response, request: Request, name: str, value: str, **extra: object) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="strict",
        secure=system_of(request).settings.cookie_secure, path="/", **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public)])
def login_page(request: Request) -> Response:
    return _login(request, error=None, status=200)


def _login(
    request: Request, error: str | None, status: int, username: str = "", minutes: int = 0
) -> Response:
    token = secrets.token_urlsafe(32)
    context = {
        "login_csrf": token,
        "error": error,
        "username": username,
        "minutes": minutes,
        **login_choices(request),
    }
    response = render(request, "login.html", context, status_code=status)
    _cookie(response, request, LOGIN_CSRF_COOKIE, token)
    if minutes:
        response.headers["retry-after"] = str(minutes * 60)
    return response


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_csrf: Annotated[str, Form()] = "",
) -> Response:
    system, origin = system_of(request), origin_of(request)
    if not login_choices(request)["local_login"]:  # only single sign-on (docs/sso.md)
        refuse_unjudged(system, username, "local_login_off", origin)
        return _login(request, None, 403)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, login_csrf):
        refuse_unjudged(system, username, "csrf", origin)
        return _login(request, "expired", 400, username)
    device = request.cookies.get(device_cookies.DEVICE_COOKIE)
    try:
        token, session = log_in(system, username, password, origin, device=device)
    except LoginRefused as refused:
        # The same words and status for every name, known or not (services/sign_in.py).
        if refused.wait:
            return _login(request, "wait", 429, username, refused.minutes)
        return _login(request, "wrong", 401, username)
    first = "/password" if session.user.must_change else HOME.get(session.user.role, "/")
    response = RedirectResponse(first, status_code=303)
    _cookie(response, request, SESSION_COOKIE, token)
    # This browser is known for this name from now on (a fresh nonce each time): its own
    # attempts are judged on its own counter, whatever strangers try (services/sign_in.py).
    _cookie(response, request, device_cookies.DEVICE_COOKIE,
            device_cookies.issue(system.settings, session.user.name),
            max_age=device_cookies.DEVICE_COOKIE_SECONDS)  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


async def checked(request: Request) -> Session:
    """The session of a form post whose CSRF token matches it; else 403."""
    session = current_session(request)
    if session is None:
        raise NotSignedIn
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf_token):
        raise Forbidden("csrf token")
    return session


@router.post("/logout", dependencies=[Depends(public)])
async def logout(request: Request) -> Response:
    session = await checked(request)
    # A single sign-on session ends here and, where the provider offers it, there too.
    id_token = sso_sign_out(system_of(request), session, origin_of(request))
    if id_token is None:
        log_out(system_of(request), session, origin_of(request))
    provider = await end_session_address(request, id_token) if id_token else None
    response = RedirectResponse(provider or "/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _password_page(
    request: Request, session: Session, error: str | None = None, changed: bool = False
) -> Response:
    context = {
        "forced": session.user.must_change, "error": error, "minimum": MIN_PASSWORD,
        "maximum": MAX_PASSWORD,
        "changed": changed, "home": HOME.get(session.user.role, "/"),
    }  # fmt: skip
    return render(request, "password.html", context, status_code=422 if error else 200)


@router.get("/password", response_class=HTMLResponse)
def password_page(
    request: Request, session: Annotated[Session, Depends(signed_in)], changed: int = 0
) -> Response:
    """Choose a new password; after a one-time password, the only page until it is done."""
    return _password_page(request, session, changed=bool(changed) and not session.user.must_change)


@router.post("/password")
async def change_password(
    request: Request, session: Annotated[Session, Depends(signed_in)]
) -> Response:
    await checked(request)
    form = await request.form()
    given = {k: str(form.get(k) or "") for k in ("current", "new", "repeat")}
    try:
        change_own_password(system_of(request), session, given["current"], given["new"],
                            given["repeat"], origin_of(request))  # fmt: skip
    except PasswordRefused as refused:
        return _password_page(request, session, refused.reason)
    return RedirectResponse("/password?changed=1", status_code=303)


@router.get("/language/{language}", dependencies=[Depends(public)])
def switch_language(request: Request, language: str, back: str = "/") -> Response:
    if language not in LANGUAGES:
        language = "nl"
    # Only a path of this site: "//host" and "/\\host" would leave it (browsers read "\\" as "/").
    local = back.startswith("/") and not back.startswith(("//", "/\\")) and "\\" not in back
    target = back if local else "/"
    response = RedirectResponse(target, status_code=303)
    _cookie(response, request, LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600)
    return response
