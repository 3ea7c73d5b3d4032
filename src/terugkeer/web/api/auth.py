"""Who calls: a partner with `Authorization: Bearer TOKEN` (services/partners.py), or — for
reads only — a user signed in on the pages, with the same session cookie (web/routes_auth.py).

Writes take a partner's token only. A browser sends a cookie by itself on any request to the
site, so a cookie must never be enough to change anything (CSRF); a bearer token is sent only
by code that holds it. Reads with a cookie are safe to allow: the cookie is SameSite=Strict,
and CORS is off, so another site's page can neither send it nor read the answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from terugkeer.bootstrap import System
from terugkeer.services.api_reads import Reader
from terugkeer.services.partners import Partner, partner_of
from terugkeer.web.api.problems import ProblemError
from terugkeer.web.context import SESSION_COOKIE, current_session
from terugkeer.web.origin import origin_of as origin_of  # pages and API log one origin

_BEARER = HTTPBearer(auto_error=False, description="the partner's API token")
_SESSION = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, scheme_name="sessionCookie",
    description="a user's session, as set by signing in on the pages (/login, outside this API); "
    "accepted on GET operations only, scoped by the user's role (docs/permissions.md)",
)  # fmt: skip
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def system_of(request: Request) -> System:
    system: System = request.app.state.system
    return system


def partner(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Partner:
    """The calling partner; 401 without a valid token (revoked, unknown, or an old one past
    its overlap). A session cookie is not looked at: this is how writes are authenticated."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(401, "send the partner's API token as Authorization: Bearer TOKEN "
                           "(a signed-in session reads only)", headers=_CHALLENGE)  # fmt: skip
    found = partner_of(system_of(request), credentials.credentials)
    if found is None:
        raise ProblemError(401, "the token is not valid (unknown, revoked or replaced)",
                           headers=_CHALLENGE)  # fmt: skip
    return found


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    cookie: Annotated[str | None, Depends(_SESSION)],
) -> Reader:
    """Who reads: the partner of a token, else the user of a live session; 401 without
    either. A request with an Authorization header is judged by it alone (a wrong token is a
    401 even beside a valid cookie)."""
    if credentials is not None or "authorization" in request.headers:
        return partner(request, credentials)
    session = current_session(request) if cookie else None
    if session is not None and session.user.must_change:  # a one-time password: pages only
        session = None
    if session is None:
        raise ProblemError(401, "sign in on the pages, or send a partner's API token as "
                           "Authorization: Bearer TOKEN", headers=_CHALLENGE)  # fmt: skip
    return session.user
