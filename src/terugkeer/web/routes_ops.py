"""What operations probe and scrape: `/health` (the process answers), `/ready` (it can serve:
the database answers and is at this code's schema; the webhook backlog beside it) and
`/metrics` (Prometheus). Served by the one app of `terugkeer serve`, for the pages and the API
mounted in it alike. JSON and the exposition format for machines, in English.

/health and /ready are open to anyone (a load balancer's probe carries no credentials) and say
nothing personal. /metrics takes the bearer token `metrics_token`; without one configured it
answers only a request made on this machine that no proxy forwarded (docs/operations.md).
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from terugkeer.monitoring.metrics import CONTENT_TYPE_LATEST, exposition
from terugkeer.services.health import readiness, store_snapshot
from terugkeer.web.context import system_of
from terugkeer.web.permissions import public

router = APIRouter()
#: Asked by address (a load balancer, Prometheus), so exempt from the Host check (web/hosts.py):
#: nothing in their answers is built from the Host header.
PROBES = frozenset({"/health", "/ready", "/metrics"})
_NOT_CACHED = {"cache-control": "no-store"}
#: Headers a proxy adds: a request carrying one was forwarded, so its loopback peer is the proxy.
_FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


@router.get("/health", dependencies=[Depends(public)])
async def health() -> JSONResponse:
    """Liveness: the process answers. Touches nothing else (a restart would not cure the
    database)."""
    return JSONResponse({"status": "ok"}, headers=_NOT_CACHED)


@router.get("/ready", dependencies=[Depends(public)])
async def ready(request: Request) -> JSONResponse:
    """200 when this process can serve; 503 naming the failed checks when it cannot."""
    found = await run_in_threadpool(readiness, system_of(request))
    body = {
        "status": "ready" if found.ready else "not ready",
        "failed": found.failed,
        "checks": found.checks,
    }
    return JSONResponse(body, status_code=200 if found.ready else 503, headers=_NOT_CACHED)


@router.get("/metrics", dependencies=[Depends(public)])
async def metrics(request: Request) -> Response:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    system = system_of(request)
    text = await run_in_threadpool(exposition, lambda: store_snapshot(system))
    return Response(text, media_type=CONTENT_TYPE_LATEST, headers=_NOT_CACHED)


def _refusal(request: Request) -> Response | None:
    token = system_of(request).settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if hmac.compare_digest(given.encode(), expected.encode()):
            return None
        return PlainTextResponse(
            "401: /metrics takes the bearer token of TERUGKEER_METRICS_TOKEN", status_code=401,
            headers={"www-authenticate": 'Bearer realm="metrics"', **_NOT_CACHED},
        )  # fmt: skip
    if _local(request):
        return None
    return PlainTextResponse(
        "403: without TERUGKEER_METRICS_TOKEN, /metrics answers on this machine only",
        status_code=403, headers=_NOT_CACHED,
    )  # fmt: skip


def _local(request: Request) -> bool:
    """Made on this machine and not forwarded by a proxy (which would be on loopback too)."""
    peer = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
    forwarded = any(name in _FORWARDED for name, _ in request.scope.get("headers", []))
    return loopback and not forwarded
