"""Partners sign their calls with `Authorization: Bearer TOKEN` (services/partners.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from terugkeer.bootstrap import System
from terugkeer.services.partners import Partner, partner_of
from terugkeer.web.api.problems import ProblemError

_BEARER = HTTPBearer(auto_error=False, description="the partner's API token")


def system_of(request: Request) -> System:
    system: System = request.app.state.system
    return system


def origin_of(request: Request) -> str:
    """Where a call came from, for the access log."""
    return request.client.host if request.client else "unknown"


def partner(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Partner:
    """The calling partner; 401 without a valid token (revoked, unknown, or an old one past
    its overlap)."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(401, "send the partner's API token as Authorization: Bearer TOKEN",
                           headers=challenge)  # fmt: skip
    found = partner_of(system_of(request), credentials.credentials)
    if found is None:
        raise ProblemError(401, "the token is not valid (unknown, revoked or replaced)",
                           headers=challenge)  # fmt: skip
    return found
