"""A refused page or form in the access log: one row per refusal, naming the route and what
was asked for (RULES.md §8, BIO2). Called from the refusal handlers of web/app.py, so every
route is covered without a line of its own.

The target: a V-number goes in the log's V-number column (from the path, the "go to" field or
the ticked people of an assignment form); the other path parameters (a family, an entry, an
account) go in the detail beside the route's template.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from terugkeer.services.refusals import as_v_number, log_refused
from terugkeer.web.context import current_session, origin_of, system_of

ACTION = "page.refused"
#: The actor of a request without a session.
NOBODY = "-"
#: A path parameter in the detail is cut to this length (a junk segment is no target).
PARAMETER_MAX = 40
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def route_of(request: Request) -> str:
    """The method and the route's template (`GET /cases/{v_number}`), not the path as sent."""
    template = getattr(request.scope.get("route"), "path_format", None)
    return f"{request.method} {template or '?'}"


async def _chosen(request: Request) -> list[str]:
    """The V-numbers a request asks for outside its path: the "go to" field (a route that
    takes `v`), or the people ticked in an assignment form."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    takes = {q.alias for q in dependant.query_params} if dependant is not None else set()
    found = [request.query_params.get("v", "").strip()] if "v" in takes else []
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and content_type.startswith(FORM_TYPES):
        try:
            form = await request.form()  # read once: a handler's form is cached on it
        except HTTPException:  # a broken body: refused all the same, without a form target
            return found
        found += [v for v in form.getlist("v") if isinstance(v, str)]
    return [v for v in found if as_v_number(v)]


def _printable(value: str) -> str:
    """A path parameter as the detail shows it: cut short, a control character as `?` (a
    decoded %0A would otherwise start a new line in an export)."""
    return "".join(c if c.isprintable() else "?" for c in value[:PARAMETER_MAX])


async def target_of(request: Request) -> tuple[str | None, str]:
    """(the V-number asked for, the other parameters as `name=value` words)."""
    params = {k: str(v) for k, v in request.path_params.items()}
    v_number = as_v_number(params.get("v_number"))
    if v_number is not None:
        del params["v_number"]  # in its column; a malformed one stays in the detail
    words = [f"{name}={_printable(value)}" for name, value in params.items()]
    if v_number is None:
        chosen = await _chosen(request)
        if chosen:
            v_number = chosen[0]
            if len(chosen) > 1:
                words.append(f"and {len(chosen) - 1} more")
    return v_number, " ".join(words)


async def log_page_refusal(request: Request, status: int, reason: str) -> None:
    session = current_session(request)
    v_number, words = await target_of(request)
    detail = " ".join(part for part in (str(status), route_of(request), words, reason) if part)
    await run_in_threadpool(
        log_refused, system_of(request), actor=session.user.name if session else NOBODY,
        channel="web", action=ACTION, origin=origin_of(request), v_number=v_number,
        detail=detail,
    )  # fmt: skip
