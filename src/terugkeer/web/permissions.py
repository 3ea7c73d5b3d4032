"""Every route declares what it needs: a permission from domain/permissions.py, or PUBLIC.

`permit(resource, action)` is a FastAPI dependency: it finds the signed-in user (else the
page redirects to /login), refuses a role without a grant (403), and hands the route the user
with the scope it was granted. A test walks the route table and fails on a route that declares
neither.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from terugkeer.domain.permissions import Action, Resource, Scope, scope_of
from terugkeer.services.users import Session
from terugkeer.web.context import current_session


class NotSignedIn(Exception):  # noqa: N818 - a control-flow signal, answered with a redirect
    pass


class Forbidden(Exception):  # noqa: N818
    """A refusal (403). The handler in web/app.py logs it, with the route and what was asked
    for (web/refusals.py), unless `logged`: a service logged it already, under its own action
    (`case.read.refused`, ...)."""

    def __init__(self, reason: str = "not in scope", *, logged: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.logged = reason, logged


class PasswordChangeRequired(Exception):  # noqa: N818 - answered with a redirect
    """Signed in with a one-time password: every page but the change form waits for it."""


@dataclass(frozen=True, slots=True)
class Granted:
    session: Session
    scope: Scope


Dependency = Callable[[Request], Awaitable[Granted]]

#: What each permission dependency declares, for the route-table test and the docs.
DECLARED: dict[Callable[..., object], tuple[Resource, Action] | str] = {}


def permit(resource: Resource, action: Action) -> Dependency:
    async def granted(request: Request) -> Granted:
        session = current_session(request)
        if session is None:
            raise NotSignedIn
        if session.user.must_change:
            raise PasswordChangeRequired
        scope = scope_of(session.user.role, resource, action)
        if scope is None:
            raise Forbidden(f"no grant {resource.value}.{action.value}")
        return Granted(session, scope)

    DECLARED[granted] = (resource, action)
    return granted


async def public(request: Request) -> None:
    """Declares a route open to anyone (the login page, static files, the language switch)."""


DECLARED[public] = "public"


async def signed_in(request: Request) -> Session:
    """Any signed-in user, also one who must still replace a one-time password (the form
    that does so)."""
    session = current_session(request)
    if session is None:
        raise NotSignedIn
    return session


DECLARED[signed_in] = "signed in"
