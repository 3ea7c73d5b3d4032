"""The Host header checked against the configured names (`allowed_hosts`) before anything
else: an answer never carries a host name a client made up (the API's `Link` headers are built
from the request's URL, so from the checked host), and the error is in the channel's own form —
problem+json on /api, the HTML error page otherwise. (Starlette's TrustedHostMiddleware answers
in plain text on every path, hence this one.)"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from terugkeer.services.refusals import log_refused
from terugkeer.web.api.models import API_VERSION
from terugkeer.web.api.problems import problem_response
from terugkeer.web.context import render, system_of
from terugkeer.web.origin import origin_of

#: A host name or IPv4 address with an optional port, or an IPv6 address in brackets.
_HOST = re.compile(r"(?P<name>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """The name a Host header asks for (lower case, no port or brackets); None if malformed."""
    found = _HOST.fullmatch(header.strip())
    return found["name"].strip("[]").lower() if found else None


class HostCheck:
    def __init__(self, app: ASGIApp, allowed: Iterable[str], exempt: Iterable[str] = ()) -> None:
        """`exempt`: paths answered whatever the Host (the operations' probes, asked by
        address: their answers carry no host name)."""
        self.app = app
        self.allowed = frozenset(name.lower() for name in allowed)
        self.exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
        name = host_name(hosts[0].decode("latin-1")) if len(hosts) == 1 else None
        if name is not None and name in self.allowed:
            await self.app(scope, receive, send)
            return
        await _log(scope, hosts)
        await _refusal(scope)(scope, receive, send)


#: What a refused Host may show in the log: a host name's characters, cut short.
_SHOWN = re.compile(r"[^A-Za-z0-9.:\[\]-]")


async def _log(scope: Scope, hosts: list[bytes]) -> None:
    """One access-log row: which host was asked for (as text a host name may hold), from where."""
    request = Request(scope)
    asked = _SHOWN.sub("?", hosts[0].decode("latin-1")[:60]) if len(hosts) == 1 else None
    why = f"host {asked}" if asked else ("several Host headers" if hosts else "no Host header")
    channel = "api" if str(scope.get("path", "")).startswith("/api/") else "web"
    await run_in_threadpool(
        log_refused, system_of(request), actor="-", channel=channel, action="host.refused",
        origin=origin_of(request), v_number=None, detail=f"400 {why} not served here",
    )  # fmt: skip


def _refusal(scope: Scope) -> Response:
    # The scope's Host is untrusted: nothing below may echo it (render uses the path only).
    scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", []) if k != b"host"]}
    request = Request(scope)
    if str(scope.get("path", "")).startswith("/api/"):
        answer = problem_response(request, 400, "this server does not answer to that host name")
        answer.headers["API-Version"] = API_VERSION
        return answer
    request.state.session = None  # answered before anything else: no session is read
    return render(request, "error.html", {"status": 400}, status_code=400)
