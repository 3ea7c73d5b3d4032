"""Every refused page or form, for every role and for a visitor not signed in, leaves exactly one
access-log row naming the actor, the route and what was asked for (issue 31 §3: before, an
analyst's, auditor's or admin's refusal and a refused assignment left no trace)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from terugkeer.domain.permissions import Role, scope_of
from terugkeer.store.tables import access_log
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import FAMILY, MINE, USERS, Site
from tests.web.test_permissions import _declared, _path, _routes

#: One user of each role (bram is a second case director: his scope is another test's).
ROLES = {role: name for name, role, _ in reversed(USERS)}
NOBODY = "-"


@dataclass(frozen=True)
class Row:
    actor: str
    channel: str
    action: str
    v_number: str | None
    detail: str | None


def _last_id(site: Site) -> int:
    with site.system.engine.connect() as connection:
        return connection.execute(select(func.coalesce(func.max(access_log.c.id), 0))).scalar_one()


def _rows_after(site: Site, last: int) -> list[Row]:
    query = select(access_log.c.actor, access_log.c.channel, access_log.c.action,
                   access_log.c.v_number, access_log.c.detail)  # fmt: skip
    with site.system.engine.connect() as connection:
        found = connection.execute(query.where(access_log.c.id > last).order_by(access_log.c.id))
        return [Row(*r) for r in found]


def _ask(client: httpx.Client, route: APIRoute, csrf: str) -> httpx.Response:
    """The route as a user would ask it: a form post with a valid CSRF token and a ticked
    person (the assignment forms), the "go to" field filled in."""
    path = _path(route)
    if "POST" in route.methods:
        return client.post(path, data={"csrf_token": csrf, "v": MINE, "director": "anna"})
    return client.get(path, params={"v": MINE} if route.path == "/go" else None)


def _assert_names_its_target(row: Row, route: APIRoute) -> None:
    method = "POST" if "POST" in route.methods else "GET"
    assert row.detail is not None and f"{method} {route.path}" in row.detail, row
    form = method == "POST" and route.path in ("/unassigned", "/team")  # the ticked people
    if "{v_number}" in route.path or route.path == "/go" or form:
        assert row.v_number == MINE, (route.path, row)  # asked for in the path, field or form
    if "{family}" in route.path:
        assert f"family={FAMILY}" in row.detail, row
    if "{account}" in route.path:
        assert "account=anna" in row.detail, row


def test_every_refused_route_for_every_role_is_one_log_row_naming_its_target(
    site: Site,
) -> None:
    routes = [r for r in _routes() if isinstance(_declared(r), tuple)]
    refused = 0
    for role in Role:
        name = ROLES[role]
        client = signed_in(site, name)
        csrf = csrf_of(client.get("/password").text)
        for route in routes:
            declared = _declared(route)
            assert isinstance(declared, tuple)
            if scope_of(role, *declared) is not None:
                continue
            refused += 1
            before = _last_id(site)
            answer = _ask(client, route, csrf)
            assert answer.status_code == 403, (route.path, role, answer.status_code)
            assert answer.headers["content-type"].startswith("text/html")
            rows = _rows_after(site, before)
            assert len(rows) == 1, (route.path, role, rows)
            row = rows[0]
            assert (row.actor, row.channel, row.action) == (name, "web", "page.refused")
            assert row.detail is not None and row.detail.startswith("403 "), row
            _assert_names_its_target(row, route)
    # The closing note of issue 31 quotes these numbers.
    print(f"route x role matrix: {len(routes)} routes x {len(Role)} roles, {refused} refused")
    assert refused >= len(routes)  # every route is refused to some role


def test_every_route_refused_to_a_visitor_not_signed_in_is_one_log_row(site: Site) -> None:
    """The answer is the way to the sign-in page; the row's actor is "-"."""
    routes = [r for r in _routes() if _declared(r) != "public"]
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    for route in routes:
        before = _last_id(site)
        answer = _ask(client, route, "none")
        assert answer.status_code == 303, route.path
        assert answer.headers["location"] == "/login"
        rows = _rows_after(site, before)
        assert len(rows) == 1, (route.path, rows)
        assert (rows[0].actor, rows[0].action) == (NOBODY, "page.refused")
        assert rows[0].detail is not None and rows[0].detail.startswith("303 "), rows[0]
        _assert_names_its_target(rows[0], route)
    print(f"not signed in: {len(routes)} routes refused")


def test_a_family_outside_the_scope_is_refused_with_the_family_in_the_log(site: Site) -> None:
    bram = signed_in(site, "bram")  # a director of another team
    before = _last_id(site)
    assert bram.get(f"/families/{FAMILY}").status_code == 403
    rows = _rows_after(site, before)
    assert [(r.actor, r.action, r.detail) for r in rows] == [
        ("bram", "family.read.refused", f"family={FAMILY}")
    ]


def test_a_forged_form_is_refused_and_logged_once(site: Site) -> None:
    lead = signed_in(site, "lead")
    before = _last_id(site)
    answer = lead.post(f"/cases/{MINE}/assign", data={"csrf_token": "forged", "director": "anna"})
    assert answer.status_code == 403
    rows = _rows_after(site, before)
    assert len(rows) == 1, rows
    assert (rows[0].actor, rows[0].action, rows[0].v_number) == ("lead", "page.refused", MINE)
    assert rows[0].detail == "403 POST /cases/{v_number}/assign csrf token"


def test_a_refused_page_shows_it_is_logged_and_the_log_page_names_it(site: Site) -> None:
    english = {"Accept-Language": "en"}
    page = signed_in(site, "ana").get(f"/cases/{MINE}", headers=english)
    assert page.status_code == 403
    assert "recorded in the access log" in page.text
    audit = signed_in(site, "audi").get("/audit", params={"user": "ana"}, headers=english)
    assert audit.status_code == 200
    assert "asked for a page (refused)" in audit.text


def test_a_v_number_is_the_target_only_where_the_route_asks_for_one(site: Site) -> None:
    """`?v=` names the person on "go to"; elsewhere it is noise, not what was asked for."""
    anna = signed_in(site, "anna")
    before = _last_id(site)
    assert anna.get("/audit", params={"v": MINE}).status_code == 403
    rows = _rows_after(site, before)
    assert [(r.v_number, r.detail) for r in rows] == [
        (None, "403 GET /audit no grant access_log.read")
    ]


def test_a_refused_post_with_a_broken_body_is_still_logged(site: Site) -> None:
    analyst = signed_in(site, "ana")
    before = _last_id(site)
    answer = analyst.post("/unassigned", content=b"--x\r\njunk",
                          headers={"content-type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert answer.status_code == 403
    rows = _rows_after(site, before)
    assert [(r.actor, r.action, r.detail) for r in rows] == [
        ("ana", "page.refused", "403 POST /unassigned no grant assignment.record")
    ]


def test_a_control_character_in_a_path_is_not_written_into_the_log(site: Site) -> None:
    client = signed_in(site, "ana")  # the sign-in has its own row: count after it
    before = _last_id(site)
    assert client.get("/families/fam%0Ax").status_code == 403
    (row,) = _rows_after(site, before)
    assert row.detail == "403 GET /families/{family} family=malformed no grant family.read"


#: Paths whose value is not what the route's parameter should hold; what the log says of each.
#: The value itself may be personal data, and the row's hash would keep it from retention.
MALFORMED_PATHS = {
    "/cases/%201000000001": "403 GET /cases/{v_number} v_number=malformed no grant case.read",
    "/cases/V1000000001": "403 GET /cases/{v_number} v_number=malformed no grant case.read",
    # Arabic-Indic digits: str.isdigit() says yes, a V-number they are not.
    "/cases/\u0661\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0661": (
        "403 GET /cases/{v_number} v_number=malformed no grant case.read"
    ),
    "/families/Jansen%20family": "403 GET /families/{family} family=malformed no grant family.read",
    "/families/fam-1000000001": "403 GET /families/{family} family=malformed no grant family.read",
}


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_a_malformed_target_is_logged_as_malformed_never_as_sent(site: Site, path: str) -> None:
    client = signed_in(site, "ana")
    before = _last_id(site)
    assert client.get(path).status_code == 403
    (row,) = _rows_after(site, before)
    assert (row.v_number, row.detail) == (None, MALFORMED_PATHS[path])


def test_a_v_number_typed_into_another_parameter_is_not_logged(site: Site) -> None:
    client = signed_in(site, "anna")  # a case director may not see the accounts
    before = _last_id(site)
    assert client.get(f"/admin/users/{MINE}").status_code == 403
    (row,) = _rows_after(site, before)
    assert row.detail is not None and MINE not in row.detail
    assert "account=malformed" in row.detail, row


def test_a_malformed_go_to_field_is_logged_as_malformed(site: Site) -> None:
    client = signed_in(site, "root")  # an admin has no worklist to go from
    before = _last_id(site)
    assert client.get("/go", params={"v": "V" + MINE}).status_code == 403
    (row,) = _rows_after(site, before)
    assert row.v_number is None and row.detail is not None and MINE not in row.detail
    assert "v=malformed" in row.detail, row
