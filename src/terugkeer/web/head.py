"""`HEAD` on every `GET` route: answered as the `GET`, headers only (RFC 9110 §9.3.2).

FastAPI's routes list the methods they were declared with and no more (Starlette's own routes
add HEAD by themselves), and adding HEAD to the routes would put a HEAD operation beside every
GET in the API's OpenAPI document. So the request is turned into a GET on the way in and its
body dropped on the way out; the headers (Content-Length included) are the GET's.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
