"""The route a request is counted and logged under: its template, never its path."""

from __future__ import annotations

from starlette.routing import Mount, Route

from terugkeer.web.signals import channel_of, route_template


async def _nothing(*_: object) -> None:
    return None


def test_a_page_route_is_its_template() -> None:
    route = Route("/cases/{v_number}", _nothing)
    scope = {"route": route, "root_path": "", "path": "/cases/1000000001"}
    assert route_template(scope) == "/cases/{v_number}"
    assert channel_of("/cases/{v_number}") == "page"


def test_a_route_of_the_mounted_api_has_the_mounts_path() -> None:
    route = Route("/persons/{v_number}", _nothing)
    scope = {"route": route, "root_path": "/api/v1", "path": "/api/v1/persons/1000000001"}
    assert route_template(scope) == "/api/v1/persons/{v_number}"
    assert channel_of("/api/v1/persons/{v_number}") == "api"


def test_nothing_matched_inside_a_mount_or_at_all_is_no_path() -> None:
    mount = Mount("/static", app=_nothing)
    scope = {"route": mount, "root_path": "/static", "path": "/static/1000000001.css"}
    assert route_template(scope) == "/static/{path}"
    assert route_template({"path": "/1000000001"}) == "unmatched"
    assert channel_of("/health") == "ops" and channel_of("/static/{path}") == "static"
