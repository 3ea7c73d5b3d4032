"""The web application: server-rendered pages (FastAPI + Jinja2), every asset served locally."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from terugkeer.bootstrap import System
from terugkeer.services.errors import is_outage
from terugkeer.services.webhooks import Deliverer
from terugkeer.web import (
    routes_assign,
    routes_audit,
    routes_auth,
    routes_cases,
    routes_correct,
    routes_dashboard,
    routes_family,
    routes_favicon,
    routes_figures,
    routes_ops,
    routes_privacy,
    routes_record,
    routes_sso,
    routes_users,
    routes_webhooks,
    routes_withdraw,
    routes_worklist,
)
from terugkeer.web.api.app import base_url, create_api
from terugkeer.web.api.models import API_VERSION
from terugkeer.web.api.problems import http_problem
from terugkeer.web.context import render
from terugkeer.web.crash import CrashPage
from terugkeer.web.head import HeadAsGet
from terugkeer.web.hosts import HostCheck
from terugkeer.web.i18n import LANGUAGES, translations
from terugkeer.web.outage import install_pages, outage_page
from terugkeer.web.permissions import Forbidden, NotSignedIn, PasswordChangeRequired
from terugkeer.web.refusals import log_page_refusal
from terugkeer.web.scheme import HttpsScheme
from terugkeer.web.security import SecurityHeaders
from terugkeer.web.signals import RequestSignals


def _templates(language: str) -> Jinja2Templates:
    folder = str(resources.files("terugkeer.web") / "templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env)


def route_table(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every page route, also inside included routers (FastAPI includes them lazily)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from route_table(inner.routes)


def create_app(system: System) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The webhook deliverer runs beside the server, never inside a request: intake only
        # writes the outbox (services/webhooks.py).
        deliverer = Deliverer(system) if system.settings.webhooks_in_server else None
        if deliverer is not None:
            deliverer.start()
        try:
            yield
        finally:
            if deliverer is not None:
                await run_in_threadpool(deliverer.stop)  # it waits: not on the event loop

    app = FastAPI(
        title="terugkeer", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.system = system
    app.state.templates = {language: _templates(language) for language in LANGUAGES}
    static = str(resources.files("terugkeer.web") / "static")
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.mount("/api/v1", create_api(system))
    app.add_route("/api/v1", base_url)  # a plain route: no page, no permission to declare
    app.include_router(routes_auth.router)
    app.include_router(routes_sso.router)
    app.include_router(routes_worklist.router)
    app.include_router(routes_cases.router)
    app.include_router(routes_audit.router)
    app.include_router(routes_record.router)
    app.include_router(routes_withdraw.router)
    app.include_router(routes_correct.router)
    app.include_router(routes_family.router)
    app.include_router(routes_assign.router)
    app.include_router(routes_users.router)
    app.include_router(routes_webhooks.router)
    app.include_router(routes_privacy.router)
    app.include_router(routes_figures.router)
    app.include_router(routes_dashboard.router)
    app.include_router(routes_favicon.router)
    app.include_router(routes_ops.router)

    install_pages(app)  # the database briefly away: 503 and "try again", never a crash page

    @app.exception_handler(NotSignedIn)
    async def sign_in_first(request: Request, _: NotSignedIn) -> Response:
        await log_page_refusal(request, 303, "not signed in")
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def change_password_first(request: Request, _: PasswordChangeRequired) -> Response:
        # Refused until the one-time password is replaced: logged like any refusal (the API
        # logs the same case as a refused call).
        await log_page_refusal(request, 303, "one-time password not yet replaced")
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, refusal: Forbidden) -> HTMLResponse:
        if not refusal.logged:  # every refusal is one access-log row (web/refusals.py)
            await log_page_refusal(request, 403, refusal.reason)
        return render(request, "error.html", {"status": 403}, status_code=403)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, _: RequestValidationError) -> HTMLResponse:
        # A page never answers FastAPI's JSON: a value in the address it cannot read (a
        # letter for a number) is the HTML error page. The API answers its own problem+json.
        return render(request, "error.html", {"status": 400}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            # A path the API mount cannot match (a newline in a segment, say) still gets the
            # API's problem+json, not a page.
            answer = http_problem(request, error)
            answer.headers["API-Version"] = API_VERSION
            return answer
        return render(request, "error.html", {"status": error.status_code}, error.status_code)

    # Outermost last: HEAD as GET around the request's signals (its id, latency and log line)
    # around the security headers around the host check around the crash page: a refused
    # host's answer and a crash page have the headers, an id and a log line too. The probes
    # pass the host check: a load balancer asks by address, and they echo no host.
    app.add_middleware(CrashPage, page=_crash_page)
    app.add_middleware(HostCheck, allowed=system.settings.allowed_hosts,
                       exempt=routes_ops.PROBES)  # fmt: skip
    app.add_middleware(SecurityHeaders, form_targets=routes_sso.form_targets(system.settings),
                       served_over_tls=system.settings.served_over_tls)  # fmt: skip
    app.add_middleware(RequestSignals, trusted_proxies=tuple(system.settings.trusted_proxies))
    app.add_middleware(HeadAsGet)
    if system.settings.served_over_tls:  # outermost: every layer sees the site's own scheme
        app.add_middleware(HttpsScheme)
    return app


PLAIN_500 = (
    '<!doctype html><html lang="nl"><meta charset="utf-8"><title>500</title>'
    "<p>Er ging iets mis. / Something went wrong.</p></html>"
)


async def _crash_page(request: Request, error: Exception) -> Response:
    """The answer to an unhandled error of a page: the HTML error page (the API answers its
    own with problem+json, web/api/problems.py). Drawn without the database, which may be the
    very thing that failed; when it is briefly away (an error page's own access-log row could
    not be written, say), the outage page."""
    if is_outage(error):
        return await outage_page(request, error)
    request.state.session = None  # no session lookup: the store may be down
    try:
        return render(request, "error.html", {"status": 500}, status_code=500)
    except Exception:  # the error page itself failed: the plainest answer
        return HTMLResponse(PLAIN_500, status_code=500)
