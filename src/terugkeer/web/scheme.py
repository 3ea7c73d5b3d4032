"""Behind a proxy that terminates TLS the connection to the server is plain HTTP, yet every
address the site hands out must be https: the API's `Link` to the next page (built from the
request's URL), the single sign-on callback derived from the request. With `served_over_tls`
the site is reached over HTTPS only, so each request's scheme is https whatever the last hop
spoke. X-Forwarded-Proto is not read: the setting already says it, and a header could lie."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

_SECURE = {"http": "https", "websocket": "wss"}


class HttpsScheme:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in _SECURE:
            scope = {**scope, "scheme": _SECURE[scope["type"]]}
        await self.app(scope, receive, send)
