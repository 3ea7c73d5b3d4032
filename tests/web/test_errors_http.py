"""Every error in its channel's form, with the security headers (issue 31 §4), over real HTTP:
extreme days on the API are a 400 problem, a page never answers FastAPI's JSON, a crash is the
HTML error page (or problem+json) with its CSP, HEAD works on every GET route, no `server`
banner, HSTS only when served over TLS."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, get_args

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import create_engine
from starlette.routing import Mount

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import scope_of
from terugkeer.rules.loader import load_rules
from terugkeer.services.partners import add_partner
from terugkeer.settings import Settings
from terugkeer.web.app import create_app, route_table
from terugkeer.web.routes_ops import PROBES
from tests.integration.lines import line
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import MINE, THEIRS, USERS, Site, running_site
from tests.web.test_permissions import _declared, _path

PAGE, API = "page", "api"
#: Days no question can be about: before the first rule, before the store's years, after.
EXTREME_DAYS = ("0001-01-01", "1000-01-01", "1989-12-31", "2200-01-01", "9999-12-31")
JUNK = ("x", "-1", "99999999999999999999999", "0001-01-01", "9999-12-31", "%00", "2023-02-30")


def _tables() -> dict[str, list[APIRoute]]:
    """The page routes and the API's operations (the API is a mounted app of its own)."""
    app = create_app(System(Settings(), create_engine("sqlite://"), load_rules()))
    api = [r for r in app.routes if isinstance(r, Mount) and r.path == "/api/v1"]
    return {PAGE: list(route_table(app.routes)), API: list(route_table(api[0].app.routes))}


def _mentions(annotation: Any, kind: type) -> bool:
    return annotation is kind or any(_mentions(a, kind) for a in get_args(annotation))


def _queries(route: APIRoute) -> list[Any]:
    """The route's query parameters, also those of its dependencies (a filter form)."""

    def walk(dependant: Dependant) -> Iterator[Any]:
        yield from dependant.query_params
        for inner in dependant.dependencies:
            yield from walk(inner)

    return list(walk(route.dependant))


def _date_queries(route: APIRoute) -> list[str]:
    return [q.alias for q in _queries(route)
            if _mentions(q.field_info.annotation, date) or _mentions(q.field_info.annotation,
                                                                     datetime)]  # fmt: skip


def _granted(route: APIRoute) -> str:
    """A user whose role may use the route (anna where anyone may)."""
    declared = _declared(route)
    if not isinstance(declared, tuple):
        return "anna"
    return next(name for name, role, _ in USERS if scope_of(role, *declared) is not None)


def _assert_headers(answer: httpx.Response) -> None:
    assert "content-security-policy" in answer.headers
    assert "server" not in answer.headers


def _assert_problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    _assert_headers(answer)


def _assert_page(answer: httpx.Response) -> None:
    assert answer.headers["content-type"].startswith("text/html"), answer.text[:200]
    _assert_headers(answer)


def test_every_day_in_an_api_query_outside_the_answerable_is_a_400_problem(site: Site) -> None:
    lead = signed_in(site, "lead")  # reads the case of MINE and the key figures
    found = []
    for route in _tables()[API]:
        for name in _date_queries(route):
            found.append((route.path, name))
            path = "/api/v1" + route.path.replace("{v_number}", MINE)
            for day in EXTREME_DAYS:
                params = {"from": "2023-01-01", "to": "2023-01-31", name: day}
                answer = lead.get(path, params=params)
                _assert_problem(answer, 400)
                assert answer.headers["api-version"]
    assert len(found) >= 4, found  # ?on= twice, ?from= and ?to=
    # Within the store's years but before any rule of the removal readiness: still no 500.
    early = lead.get(f"/api/v1/persons/{MINE}", params={"on": "1995-06-01"})
    _assert_problem(early, 400)
    assert early.json()["invalid-params"][0]["name"] == "query.on"


def test_no_page_answers_junk_in_its_address_with_json_or_a_500(site: Site) -> None:
    clients: dict[str, httpx.Client] = {}
    for route in _tables()[PAGE]:
        if "GET" not in route.methods:
            continue
        name = _granted(route)
        client = clients.setdefault(name, signed_in(site, name))
        names = [q.alias for q in _queries(route)] + ["on", "since", "page"]
        for junk in JUNK:
            answer = client.get(_path(route, name), params=dict.fromkeys(names, junk))
            assert answer.status_code < 500, (route.path, junk)
            if answer.status_code in (200, 400, 403, 404, 422):
                if route.path.endswith((".csv", ".ico", "/{name}")) and answer.status_code < 400:
                    continue  # a file, not a page
                if route.path in PROBES:
                    continue  # the operations' JSON and metrics (web/routes_ops.py): no page
                _assert_page(answer)
            else:
                assert answer.status_code in (303, 307), (route.path, junk, answer.status_code)


def test_no_form_answers_a_junk_post_with_json_or_a_500(site: Site) -> None:
    """An empty post, a broken multipart body, JSON, fields far too long: each answered as a
    page (a refusal, the form's errors, the way on), never FastAPI's JSON."""
    for route in _tables()[PAGE]:
        if "POST" not in route.methods or route.path == "/logout":  # logout: a test of its own
            continue
        name = _granted(route)
        client = signed_in(site, name)
        csrf = csrf_of(client.get("/password").text)
        fields = {"csrf_token": csrf, "v": "1" * 5000, "director": "\x00", "username": "",
                  "password": "", "login_csrf": "", "day": "31-12-9999"}  # fmt: skip
        junk: list[dict[str, Any]] = [
            {},
            {"content": b"--x\r\njunk", "headers": {"content-type": "multipart/form-data; "
                                                                    "boundary=x"}},
            {"json": {"csrf_token": csrf}},
            {"data": fields},
        ]  # fmt: skip
        for more in junk:
            answer = client.post(_path(route, name), **more)
            assert answer.status_code < 500, (route.path, more, answer.status_code)
            _assert_headers(answer)
            if answer.status_code != 303:
                _assert_page(answer)


def test_a_value_of_the_wrong_type_on_a_page_is_the_html_error_page(site: Site) -> None:
    answer = signed_in(site, "lead").get("/team", params={"page": "x"},
                                         headers={"Accept-Language": "en"})  # fmt: skip
    assert answer.status_code == 400
    _assert_page(answer)
    assert "The address cannot be read" in answer.text


def test_a_crash_is_answered_in_its_channels_form_with_the_security_headers(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    anna = signed_in(site, "anna")
    site.system.rules = None  # type: ignore[assignment]  # every case file now fails
    page = anna.get(f"/cases/{MINE}")
    assert page.status_code == 500
    _assert_page(page)
    assert "<h1" in page.text
    call = anna.get(f"/api/v1/persons/{MINE}")
    _assert_problem(call, 500)
    assert call.headers["api-version"]
    assert MINE not in call.text
    # Logged once each, for the operator: the route's template and where, not the V-number.
    logged = _logged(caplog, 2)
    assert [m.splitlines()[0] for m in logged] == [
        "unhandled AttributeError answering GET /cases/{v_number}",
        "unhandled AttributeError answering GET /persons/{v_number}",
    ]
    assert all(MINE not in m and "File " in m for m in logged)


def _logged(caplog: pytest.LogCaptureFixture, count: int) -> list[str]:
    """The app's log lines; the API's error is logged after its answer has gone out."""
    deadline = time.monotonic() + 10
    while True:
        found = [r.getMessage() for r in caplog.records if r.name == "terugkeer.web"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_head_answers_every_get_route_as_get_without_a_body(site: Site) -> None:
    tables = _tables()
    clients: dict[str, httpx.Client] = {}
    checked = 0
    for channel, routes in tables.items():
        for route in routes:
            if "GET" not in route.methods:
                continue
            name = _granted(route) if channel == PAGE else "lead"
            client = clients.setdefault(name, signed_in(site, name))
            path = _path(route, name)
            if channel == API:
                path = "/api/v1" + path.replace("{month}", "2023-01")
            params = {"from": "2023-01-01", "to": "2023-01-31"} if "key-figures" in path else {}
            got, head = client.get(path, params=params), client.head(path, params=params)
            assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
            assert head.content == b"", path
            assert head.headers.get("content-type") == got.headers.get("content-type"), path
            _assert_headers(head)
            checked += 1
    assert checked >= 25
    for path in ("/static/site.css", "/api/v1/openapi.json"):
        assert httpx.head(f"{site.url}{path}").status_code == 200


def test_no_answer_names_the_server_software(site: Site) -> None:
    for path in ("/login", "/nowhere", "/api/v1/openapi.json", "/api/v1/nowhere",
                 "/static/site.css"):  # fmt: skip
        answer = httpx.get(f"{site.url}{path}")
        assert "server" not in answer.headers, path
    assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS


@pytest.fixture
def tls_site(database_url: str) -> Iterator[Site]:
    """Configured as served over TLS (a proxy in front ends it; the test speaks plain HTTP)."""
    with running_site(database_url, cookie_secure=False, served_over_tls=True) as running:
        yield running


def test_hsts_on_every_answer_when_served_over_tls(tls_site: Site) -> None:
    for path in ("/login", "/nowhere", "/api/v1/openapi.json", "/static/site.css"):
        answer = httpx.get(f"{tls_site.url}{path}")
        assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_addresses_handed_out_are_https_when_served_over_tls(tls_site: Site) -> None:
    """The proxy in front ends TLS and speaks plain HTTP to the server: the API's link to the
    next page still sends the partner to https."""
    token = add_partner(tls_site.system, "kmar", "KMAR", ["location_changed"],
                        reads=["location_changed"])  # fmt: skip
    moves = [json.loads(line(f"k-{day}", "location_changed", THEIRS,
                             f"2023-03-0{day}T10:00:00+01:00", {"kind": "vbl"}, source="KMAR"))
             for day in (6, 7)]  # fmt: skip
    bearer = {"Authorization": f"Bearer {token}"}
    posted = httpx.post(f"{tls_site.url}/api/v1/events", json=moves, headers=bearer)
    assert posted.json()["accepted"] == 2, posted.text
    first = httpx.get(f"{tls_site.url}/api/v1/persons/{THEIRS}/events", params={"limit": 1},
                      headers=bearer)  # fmt: skip
    assert first.headers["Link"].startswith(f"<https://{tls_site.url.removeprefix('http://')}/")
