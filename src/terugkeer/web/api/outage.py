"""The database briefly away, as the API answers it: 503 problem+json with `Retry-After`, never
a 500 (the pages' side, and why nothing needs rolling back here: web/outage.py)."""

from __future__ import annotations

import logging
import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import Response

from terugkeer.services.errors import DATABASE_ERRORS, is_outage
from terugkeer.web.api.models import API_VERSION
from terugkeer.web.api.problems import problem_response

#: What a client is told to wait: a PostgreSQL restart takes a few seconds.
RETRY_AFTER_SECONDS = 5
DETAIL = (
    "the service is briefly unavailable (its database cannot be reached); send the request "
    "again after Retry-After seconds. A batch may be sent again as it was: events already "
    "stored answer known, none is stored twice"
)
log = logging.getLogger("terugkeer.web")


class _Quiet:
    """One log line per outage and per ten seconds of it, not one per refused request."""

    def __init__(self, every: float = 10.0) -> None:
        self._every, self._lock = every, threading.Lock()
        self._last, self._held = -every, 0

    def note(self, request: Request, error: BaseException) -> None:
        route = getattr(request.scope.get("route"), "path_format", "?")  # the template only
        now = time.monotonic()
        with self._lock:
            if now - self._last < self._every:
                self._held += 1
                return
            held, self._held, self._last = self._held, 0, now
        # The error's kind, never its text: a driver's message may quote a statement's values.
        cause = getattr(error, "orig", None) or getattr(error.__cause__, "orig", None) or error
        kind = type(cause).__name__
        log.warning("database unavailable (%s) answering %s %s: 503%s", kind, request.method,
                    route, f"; {held} more 503 since the last line" if held else "")  # fmt: skip


quiet = _Quiet()


def install(api: FastAPI) -> None:
    async def unavailable(request: Request, error: Exception) -> Response:
        if not is_outage(error):
            raise error  # a fault of ours: the API's 500 problem (problems.py)
        quiet.note(request, error)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "API-Version": API_VERSION}
        return problem_response(request, 503, DETAIL, None, headers)

    for kind in DATABASE_ERRORS:
        api.add_exception_handler(kind, unavailable)
