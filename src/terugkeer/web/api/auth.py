"""Who calls: a partner with `Authorization: Bearer TOKEN` (services/partners.py), or — for
reads only — a user signed in on the pages, with the same session cookie (web/routes_auth.py).

Writes take a partner's token only. A browser sends a cookie by itself on any request to the
site, so a cookie must never be enough to change anything (CSRF); a bearer token is sent only
by code that holds it. Reads with a cookie are safe to allow: the cookie is SameSite=Strict,
and CORS is off, so another site's page can neither send it nor read the answer.

Every call refused here is one access-log row (`api.call.refused`): the actor is the partner
a revoked or replaced token still names, else "-"; the detail says which refusal it was. The
token itself is never logged. Two `Authorization` headers are refused outright (400): which
one counts would depend on who reads them (a proxy, this server).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from terugkeer.bootstrap import System
from terugkeer.services.api_reads import Reader
from terugkeer.services.partners import Partner, check_token
from terugkeer.services.refusals import log_refused
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
ACTION = "api.call.refused"
NOBODY = "-"
#: What the log says of a token that is not valid now (services/partners.py).
_TOKEN = {"unknown": "unknown token", "revoked": "revoked token",
          "replaced": "replaced token past its overlap"}  # fmt: skip


def system_of(request: Request) -> System:
    system: System = request.app.state.system
    return system


def refused(request: Request, status: int, why: str, detail: str, *,
            actor: str = NOBODY) -> ProblemError:  # fmt: skip
    """Log a call refused before it was looked at (`why`, for the auditor), and the problem
    to answer it with (`detail`, for the caller)."""
    # The template, never the path as sent: a path value may be personal data, and the log's
    # hash keeps its detail for good (docs/access-log.md).
    route = getattr(request.scope.get("route"), "path_format", None) or "?"
    operation = f"{request.method} {request.scope.get('root_path', '')}{route}"
    log_refused(system_of(request), actor=actor, channel="api", action=ACTION,
                origin=origin_of(request), v_number=request.path_params.get("v_number"),
                detail=f"{status} {operation} {why}")  # fmt: skip
    return ProblemError(status, detail, headers=_CHALLENGE if status == 401 else None)


def _one_authorization(request: Request) -> None:
    if len(request.headers.getlist("authorization")) > 1:
        raise refused(request, 400, "duplicate Authorization",
                      "send one Authorization header, not several")  # fmt: skip


def partner(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Partner:
    """The calling partner; 401 without a valid token (revoked, unknown, or an old one past
    its overlap). A session cookie is not looked at: this is how writes are authenticated."""
    _one_authorization(request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise refused(request, 401, "no bearer token",
                      "send the partner's API token as Authorization: Bearer TOKEN "
                      "(a signed-in session reads only)")  # fmt: skip
    found = check_token(system_of(request), credentials.credentials)
    if not isinstance(found, Partner):
        raise refused(request, 401, _TOKEN[found.why],
                      "the token is not valid (unknown, revoked or replaced)",
                      actor=found.partner or NOBODY)  # fmt: skip
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
        raise refused(request, 401, "one-time password not yet replaced",
                      "replace the one-time password on the pages first",
                      actor=session.user.name)  # fmt: skip
    if session is None:
        why = "session ended or unknown" if cookie else "no token or session"
        raise refused(request, 401, why, "sign in on the pages, or send a partner's API "
                      "token as Authorization: Bearer TOKEN")  # fmt: skip
    return session.user
