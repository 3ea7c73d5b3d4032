"""Per request, what operations watch: its id, its latency and one log line.

The request id is a proxy's `X-Request-ID` when the request came from a trusted proxy
(`trusted_proxies`, as the origin in web/origin.py) and the id is a plain token without ten
digits in a row; otherwise a new one. It is the id of everything the request does — each log
record and each access-log row it writes (monitoring/context.py) — and the answer's
`X-Request-ID` header.

The latency histogram and the log line name the route by its *template*
(`/cases/{v_number}`), read from the scope after routing: a raw path holds V-numbers. No
query string, user name or body is logged. Plain ASGI (as web/api/app.py's `Versioned`), so
a partner's batch is not streamed through another layer.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from terugkeer.monitoring.context import accepted_request_id, new_request_id, serving
from terugkeer.monitoring.metrics import REQUEST_SECONDS
from terugkeer.web.origin import is_trusted, networks
from terugkeer.web.routes_ops import PROBES

log = logging.getLogger("terugkeer.request")
#: The operations' own routes: in the histogram as channel "ops", in the log at DEBUG (a
#: probe every few seconds would drown the requests of people).
OPS_ROUTES = PROBES
UNMATCHED = "unmatched"


class RequestSignals:
    def __init__(self, app: ASGIApp, trusted_proxies: tuple[str, ...] = ()) -> None:
        self.app = app
        self.trusted = networks(tuple(trusted_proxies))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._incoming(scope) or new_request_id()
        base, started, status = str(scope.get("root_path", "")), time.perf_counter(), 500

        async def answered(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        with serving(request_id):
            try:
                await self.app(scope, receive, answered)
            finally:
                self._observe(scope, base, status, time.perf_counter() - started)

    def _incoming(self, scope: Scope) -> str | None:
        """A trusted proxy's X-Request-ID, if it may be kept."""
        peer = scope.get("client")
        if not self.trusted or not peer or not is_trusted(peer[0], self.trusted):
            return None
        given = [v for k, v in scope.get("headers", []) if k == b"x-request-id"]
        return accepted_request_id(given[0].decode("latin-1")) if len(given) == 1 else None

    def _observe(self, scope: Scope, base: str, status: int, seconds: float) -> None:
        route, method = route_template(scope, base), str(scope.get("method", "?"))
        channel = channel_of(route)
        REQUEST_SECONDS.labels(channel, route, method, f"{status // 100}xx").observe(seconds)
        quiet = channel in ("ops", "static")
        ms = round(seconds * 1000, 1)
        log.log(logging.DEBUG if quiet else logging.INFO, "%s %s %s %.1f ms", method, route,
                status, ms, extra={"route": route, "method": method, "status": status,
                                   "duration_ms": ms})  # fmt: skip


def route_template(scope: Scope, base: str = "") -> str:
    """The matched route's template, with the path of the app it is mounted in (`/api/v1`);
    `unmatched` when no route matched (a 404 or a refused host)."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    mounted = str(scope.get("root_path", ""))[len(base) :]
    if isinstance(route, Mount):  # matched the mount, nothing inside it: static files, a 404
        return f"{mounted}/{{path}}"
    template = getattr(route, "path_format", None)
    return f"{mounted}{template}" if isinstance(template, str) else UNMATCHED


def channel_of(route: str) -> str:
    if route in OPS_ROUTES:
        return "ops"
    if route.startswith("/api/"):
        return "api"
    return "static" if route.startswith("/static/") else "page"
