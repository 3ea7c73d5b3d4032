"""A refused page or form in the access log: one row per refusal, naming the route and what
was asked for (RULES.md §8, BIO2). Called from the refusal handlers of web/app.py, so every
route is covered without a line of its own.

The target: a V-number goes in the log's V-number column (from the path, the "go to" field or
the ticked people of an assignment form); the other path parameters (a family, an entry, an
account) go in the detail beside the route's template. Never a raw value: the row's hash covers
the detail, so retention could never remove a V-number or a name typed into a path. A value
without the form it should have is logged as `malformed`: a V-number that is no ten ASCII
digits, a family id that is not one of ours, any other parameter that is no short token.
"""

from __future__ import annotations

import re

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from terugkeer.services.refusals import MALFORMED, as_v_number, family_detail, log_refused
from terugkeer.web.context import current_session, origin_of, system_of

ACTION = "page.refused"
#: The actor of a request without a session.
NOBODY = "-"
#: A path parameter other than a V-number or a family (an account, an entry's seq, an event
#: type, a month) is logged when it is such a token: short, ASCII, and without ten digits in a
#: row (a V-number typed into the wrong place).
_TOKEN = re.compile(r"[A-Za-z0-9_.@-]{1,40}", re.ASCII)
_TEN_DIGITS = re.compile(r"[0-9]{10}", re.ASCII)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def route_of(request: Request) -> str:
    """The method and the route's template (`GET /cases/{v_number}`), not the path as sent."""
    template = getattr(request.scope.get("route"), "path_format", None)
    return f"{request.method} {template or '?'}"


async def _chosen(request: Request) -> list[str]:
    """The values a request asks for as V-numbers outside its path: the "go to" field (a route
    that takes `v`), or the people ticked in an assignment form — as sent, malformed or not."""
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
    return [v for v in found if v]


def _word(name: str, value: str) -> str:
    """A path parameter as the detail names it (never a raw value without its form)."""
    if name == "v_number":
        return f"v_number={MALFORMED}"  # a well-formed one is in its column
    if name == "family":
        return family_detail(value)
    safe = _TOKEN.fullmatch(value) is not None and _TEN_DIGITS.search(value) is None
    return f"{name}={value if safe else MALFORMED}"


async def target_of(request: Request) -> tuple[str | None, str]:
    """(the V-number asked for, the other parameters as `name=value` words)."""
    params = {k: str(v) for k, v in request.path_params.items()}
    v_number = as_v_number(params.get("v_number"))
    if v_number is not None:
        del params["v_number"]  # in its column
    words = [_word(name, value) for name, value in params.items()]
    if v_number is None and "v_number" not in params:
        chosen = await _chosen(request)
        well_formed = [v for v in chosen if as_v_number(v)]
        v_number = well_formed[0] if well_formed else None
        if len(well_formed) > 1:
            words.append(f"and {len(well_formed) - 1} more")
        if len(well_formed) < len(chosen):
            words.append(f"v={MALFORMED}")
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
