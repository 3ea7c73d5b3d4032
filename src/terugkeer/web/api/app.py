"""The API application, mounted at /api/v1 by the web app (web/app.py)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from terugkeer.bootstrap import System
from terugkeer.chain_events.schema import Envelope
from terugkeer.settings import Settings
from terugkeer.web.api import events, outage, publications, reads
from terugkeer.web.api.document import event_schema, finish
from terugkeer.web.api.models import API_VERSION
from terugkeer.web.api.problems import install


class Api(FastAPI):
    """The OpenAPI document as the API Design Rules want it (document.py)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            settings: Settings = self.state.settings
            made = get_openapi(title=self.title, version=self.version,
                               description=self.description, routes=self.routes)  # fmt: skip
            contact = {"name": settings.api_contact_name, "email": settings.api_contact_email,
                       "url": settings.api_contact_url}  # fmt: skip
            self.openapi_schema = finish(made, contact=contact, server_url=settings.api_server_url,
                                         event=event_schema(_envelope_schema()))  # fmt: skip
        return self.openapi_schema


def create_api(system: System) -> FastAPI:
    api = _api(system.settings)
    api.state.system = system
    return api


def openapi_document(settings: Settings) -> dict[str, Any]:
    """The document as the API serves it, built without a store (`terugkeer api lint`)."""
    return _api(settings).openapi()


def _api(settings: Settings) -> Api:
    api = Api(
        title="terugkeer API", version=API_VERSION, docs_url=None, redoc_url=None,
        openapi_url=None,  # served below, with CORS
        # /core/no-trailing-slash: `/events/` is a 404, never a redirect to `/events`.
        redirect_slashes=False,
        description="Chain partners send v1 events and read what their agreement lists. "
        "Users signed in on the pages read (GET only) with their session cookie, within "
        "their role's grants and case scope (docs/permissions.md). "
        "Errors are application/problem+json (RFC 9457).",
    )  # fmt: skip
    api.state.settings = settings
    install(api)
    outage.install(api)

    @api.get("/openapi.json", include_in_schema=False)
    async def document() -> JSONResponse:
        """/core/publish-openapi: readable by any website, unlike the rest of the API (auth.py:
        a cookie reads, so CORS stays off there)."""
        return JSONResponse(api.openapi(), headers={"Access-Control-Allow-Origin": "*"})

    api.include_router(events.router)
    api.include_router(reads.router)
    api.include_router(publications.router)

    api.add_middleware(Versioned)
    return api


async def base_url(_: Request) -> Response:
    """`/api/v1` itself, which the mount does not match: no resource, so a 404 problem like any
    unknown path under it, where Starlette would redirect to `/api/v1/` (the design rules
    want no trailing slash and no redirect; developer.overheid.nl asks the base URL for its
    API-Version). The web app routes it here for every method."""
    raise StarletteHTTPException(404, "no resource here: the API's are in /api/v1/openapi.json")


class Versioned:
    """`API-Version` on every response. Plain ASGI: `@app.middleware("http")` passes each
    request and response body through a stream of its own, which a partner's batch pays for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def versioned(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["API-Version"] = API_VERSION
            await send(message)

        await self.app(scope, receive, versioned)


def _envelope_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(Envelope).json_schema()
