"""Every route declares its permission, and every role gets exactly what the table grants."""

from __future__ import annotations

import httpx
import pytest
from fastapi.routing import APIRoute

from terugkeer.domain.permissions import GRANTS, Role, scope_of
from terugkeer.web.app import create_app, route_table
from terugkeer.web.permissions import DECLARED
from tests.web.conftest import signed_in
from tests.web.server import FAMILY, MINE, THEIRS, USERS, Site


def _declared(route: APIRoute) -> object:
    found = [DECLARED[d.call] for d in route.dependant.dependencies if d.call in DECLARED]
    return found[0] if len(found) == 1 else None


def _routes() -> list[APIRoute]:
    from sqlalchemy import create_engine

    from terugkeer.bootstrap import System
    from terugkeer.rules.loader import load_rules
    from terugkeer.settings import Settings

    system = System(Settings(), create_engine("sqlite://"), load_rules())
    return list(route_table(create_app(system).routes))


def test_every_route_declares_one_permission() -> None:
    routes = _routes()
    assert len(routes) >= 6
    missing = [f"{sorted(r.methods)} {r.path}" for r in routes if _declared(r) is None]
    assert missing == [], f"routes without a declared permission: {missing}"


def test_the_permission_table_grants_case_content_to_no_auditor_analyst_or_admin() -> None:
    for (resource, _action), roles in GRANTS.items():
        if resource.value in ("case", "family", "worklist"):
            assert set(roles) <= {Role.CASE_DIRECTOR, Role.TEAM_LEAD}


#: A case in each user's own scope (the scope rules themselves: test_pages_http.py).
CASE_OF = {"bram": THEIRS}  # bram has no family: his family routes answer 403 by scope


def _path(route: APIRoute, name: str = "anna") -> str:
    v_number = CASE_OF.get(name, MINE)
    path = route.path.replace("{v_number}", v_number).replace("{language}", "en")
    path = path.replace("{month}", "2023-01").replace("{name}", "manifest.json")
    path = path.replace("{account}", "anna")
    path = path.replace("{seq}", "1")  # the case's intake: a team lead may withdraw it
    return path.replace("{event_type}", "interview").replace("{family}", FAMILY)


@pytest.mark.parametrize(("name", "role"), [(name, role) for name, role, _ in USERS])
def test_every_get_route_as_every_role(site: Site, name: str, role: Role) -> None:
    client = signed_in(site, name)
    for route in _routes():
        if "GET" not in route.methods:
            continue
        declared = _declared(route)
        if name == "bram" and "{family}" in route.path:
            continue  # no family in his scope: scope refusals are tested in test_family_http
        response = client.get(_path(route, name))
        if declared == "signed in":  # the own password: any role
            assert response.status_code == 200, route.path
            continue
        if declared == "public":
            # The test site has published nothing: a publication's file is not found.
            expected = (404,) if "{name}" in route.path else (200, 303)
            assert response.status_code in expected, route.path
            continue
        assert isinstance(declared, tuple)
        allowed = scope_of(role, *declared) is not None
        assert (response.status_code != 403) == allowed, (route.path, role, response.status_code)
        keyed = response.status_code == 303 and "submission=" in response.headers["location"]
        if allowed and keyed:
            # A form gets its submission key in its address first (stored at most once).
            response = client.get(response.headers["location"])
        if allowed and "{seq}" in route.path:
            # Granted, then judged per entry: the agency's own entries, by the director who
            # recorded them or a team lead (tests/web/test_withdraw_http.py).
            assert response.status_code in (200, 404), (route.path, role)
        elif allowed and route.path == "/go":
            # Going to a V-number without one: the form's field error, on a page.
            assert response.status_code == 400, (route.path, role)
            assert response.headers["content-type"].startswith("text/html")
        elif allowed:
            assert response.status_code == 200, (route.path, role)


def test_post_routes_refuse_a_forged_form(site: Site) -> None:
    for route in _routes():
        if "POST" in route.methods and route.path != "/login":
            client = signed_in(site, "anna")
            answer = client.post(_path(route), data={"csrf_token": "forged"})
            assert answer.status_code == 403, route.path
            assert isinstance(answer, httpx.Response)
