"""A failure inside the app still answers in its channel's form, with the security headers.

Starlette answers an unhandled error from its outermost middleware, outside the one that adds
the security headers (web/security.py): a plain-text 500 without CSP. This middleware sits
inside it: a page gets the HTML error page, an API call its problem+json (the API's own
handler, web/api/problems.py, answers first). The error is raised on afterwards, so that the
server's log still has it.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ErrorPage = Callable[[Request], Response]


class CrashPage:
    def __init__(self, app: ASGIApp, page: ErrorPage) -> None:
        self.app, self.page = app, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            if not started:
                await self.page(Request(scope, receive))(scope, receive, send)
            raise
