"""Single sign-on pages: /login/sso sends the browser to the identity provider, the callback
takes it back and opens a session; the sign-out (routes_auth) ends the provider's session too.

Two cookies, two SameSite modes, on purpose. The callback is a navigation from the provider's
site, so a SameSite=Strict cookie is not sent on it: the flow in progress (state, nonce, PKCE
verifier) travels in a short-lived SameSite=Lax cookie, readable by the callback alone. And the
session cookie stays Strict: a browser does not send it on the rest of that cross-site
navigation either, so the callback answers with a page of our own that moves on to the user's
home page, a navigation that starts on this site.
"""

from __future__ import annotations

import hmac
import re
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from terugkeer.domain.permissions import HOME
from terugkeer.services.single_sign_on import SignInRefused, refuse, sign_in
from terugkeer.settings import Settings
from terugkeer.web.context import SESSION_COOKIE, origin_of, render, system_of
from terugkeer.web.oidc import Pending, ProviderFailed, provider_of
from terugkeer.web.permissions import public

router = APIRouter()
FLOW_COOKIE = "sso_flow"
CALLBACK = "/login/sso/callback"
#: Long enough to sign in at the provider (a second factor included), short enough to be gone.
FLOW_SECONDS = 600
#: Refusals about the person's account, not about the exchange with the provider.
ACCOUNT = {"no_name", "bad_name", "no_subject", "no_role", "two_roles", "no_team",
           "local_account", "other_subject", "disabled"}  # fmt: skip
#: An error code from the provider is logged only when it has the shape of one (RFC 6749 4.1.2.1).
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


def _redirect_uri(request: Request) -> str:
    configured = system_of(request).settings.oidc_redirect_uri
    return configured or str(request.url_for("sso_callback"))


def _refused(request: Request, reason: str) -> HTMLResponse:
    status = 403 if reason in ACCOUNT else 502 if reason == "provider_unreachable" else 400
    response = render(request, "sso_refused.html", {"reason": reason}, status_code=status)
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
    return response


@router.get("/login/sso", dependencies=[Depends(public)])
async def sso_start(request: Request) -> Response:
    provider = provider_of(request)
    if provider is None:  # single sign-on is off: the login page has the local form
        return RedirectResponse("/login", status_code=303)
    try:
        address, pending = await provider.start(_redirect_uri(request))
    except ProviderFailed as failed:
        await run_in_threadpool(refuse, system_of(request), failed.reason, origin_of(request))
        return _refused(request, failed.reason)
    response = RedirectResponse(address, status_code=303)
    response.set_cookie(
        FLOW_COOKIE, pending.text(), max_age=FLOW_SECONDS, path=CALLBACK, httponly=True,
        samesite="lax", secure=system_of(request).settings.cookie_secure,
    )  # fmt: skip
    return response


@router.get(CALLBACK, name="sso_callback", dependencies=[Depends(public)])
async def sso_callback(
    request: Request,
    state: Annotated[str, Query()] = "",
    code: Annotated[str, Query()] = "",
    error: Annotated[str, Query()] = "",
) -> Response:
    provider = provider_of(request)
    if provider is None:  # single sign-on is off: the login page has the local form
        return RedirectResponse("/login", status_code=303)
    system, origin = system_of(request), origin_of(request)
    pending = Pending.parse(request.cookies.get(FLOW_COOKIE, ""))
    reason = None
    if error:
        reason = "provider:" + (error if _ERROR_CODE.fullmatch(error) else "other")
    elif pending is None:
        reason = "no_flow"  # expired, or a callback this browser never started
    elif not hmac.compare_digest(pending.state.encode(), state.encode()):
        reason = "state_mismatch"
    elif not code:
        reason = "no_code"
    if reason is not None or pending is None:
        await run_in_threadpool(refuse, system, reason or "no_flow", origin)
        return _refused(request, reason or "no_flow")
    try:
        claims, id_token = await provider.finish(pending, code, _redirect_uri(request))
        token, session = await run_in_threadpool(sign_in, system, claims, id_token, origin)
    except ProviderFailed as failed:
        await run_in_threadpool(refuse, system, failed.reason, origin)
        return _refused(request, failed.reason)
    except SignInRefused as refused:  # logged by sign_in
        return _refused(request, refused.reason)
    home = HOME.get(session.user.role, "/")
    request.state.session = session  # the page below greets the user who just signed in
    response = render(request, "sso_signed_in.html", {"home": home})
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", path="/",
        secure=system.settings.cookie_secure,
    )  # fmt: skip
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
    return response


async def end_session_address(request: Request, id_token: str) -> str | None:
    """After a single sign-on session ended here: the provider's sign-out, which comes back to
    /login; None when the provider offers none."""
    provider = provider_of(request)
    if provider is None:
        return None
    back = _redirect_uri(request).removesuffix(CALLBACK.removeprefix("/login"))
    return await provider.end_session_url(id_token, back)


def login_choices(request: Request) -> dict[str, object]:
    """What the login page offers: the provider's button, the local form, or both."""
    settings = system_of(request).settings
    return {
        "sso": bool(settings.oidc_issuer),
        "sso_name": settings.oidc_provider_name,
        "local_login": settings.local_login or not settings.oidc_issuer,
    }


def form_targets(settings: Settings) -> tuple[str, ...]:
    """The provider's origin, for the CSP's form-action: the sign-out form's redirect ends at
    its end_session_endpoint (docs/sso.md: one on another origin is not followed)."""
    if not settings.oidc_issuer:
        return ()
    parts = urlsplit(settings.oidc_issuer)
    return (f"{parts.scheme}://{parts.netloc}",)
