"""A failure inside the app still answers in its channel's form, with the security headers.

Starlette answers an unhandled error from its outermost middleware, outside the one that adds
the security headers (web/security.py): a plain-text 500 without CSP. This middleware sits
inside that one: a page gets the HTML error page; an API call has had its problem+json from
the API's own handler (web/api/problems.py), which raises the error on afterwards. The error
is logged here, once, and not raised further: the server would close the connection after a
complete answer, and the client's next request on it fail. An answer cut off halfway is
raised on, so that the connection is closed.

The log gets the route's template, the error's kind and where it was raised (the frames of
the traceback), not its message: a message may hold a V-number or a name (BIO: no personal
data in the logs).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The answer to an error (the outage page for a database briefly away, web/outage.py).
ErrorPage = Callable[[Request, Exception], Awaitable[Response]]
log = logging.getLogger("terugkeer.web")


class CrashPage:
    def __init__(self, app: ASGIApp, page: ErrorPage) -> None:
        self.app, self.page = app, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = False

        async def watched(message: Message) -> None:
            nonlocal started, finished
            started = started or message["type"] == "http.response.start"
            finished = message["type"] == "http.response.body" and not message.get("more_body")
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            if not started:
                answer = await self.page(Request(scope, receive), error)
                if answer.status_code != 503:  # an outage is logged where it is answered
                    _log(scope, error)
                await answer(scope, receive, send)
            else:
                _log(scope, error)
                if not finished:
                    raise


def _log(scope: Scope, error: Exception) -> None:
    route = getattr(scope.get("route"), "path_format", "?")  # the template: no V-number
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s answering %s %s\n%s", type(error).__name__, scope["method"],
              route, frames)  # fmt: skip
