"""The API Design Rules on a running server: the probes find nothing on ours and find each
fault on a bare FastAPI app that has them; `terugkeer api lint --url` lints what is served."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.middleware.base import RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from typer.testing import CliRunner

from terugkeer.cli.app import app as cli
from terugkeer.services.partners import add_partner
from terugkeer.settings import Settings
from terugkeer.web.api.app import openapi_document
from terugkeer.web.api.design_probes import probe
from terugkeer.web.api.design_rules import RULES, Finding
from tests.web.server import Site, serving_app

PROBLEM = "application/problem+json"


def test_the_running_api_passes_every_probe_and_the_cli_lint(site: Site) -> None:
    assert [str(f) for f in probe(f"{site.url}/api/v1")] == []
    linted = CliRunner().invoke(cli, ["api", "lint", "--url", f"{site.url}/api/v1"])
    assert linted.exit_code == 0, linted.output
    assert f"{len(RULES)} of {len(RULES)} design rules pass; 0 findings" in linted.output


def test_a_trailing_slash_is_a_404_problem_not_a_redirect(site: Site) -> None:
    token = add_partner(site.system, "coa", "COA", ["intake"])
    bearer = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/events/", "/api/v1/key-figures/", "/api/v1/", "/api/v1"):
        answer = httpx.get(f"{site.url}{path}", headers=bearer)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == PROBLEM, path
        assert answer.headers["API-Version"] == "1.1.0", path
    posted = httpx.post(f"{site.url}/api/v1/events/", headers=bearer, json=[])
    assert posted.status_code == 404 and "location" not in posted.headers


def test_only_the_document_is_open_to_other_websites(site: Site) -> None:
    document = httpx.get(f"{site.url}/api/v1/openapi.json", headers={"Origin": "https://x.nl"})
    assert document.status_code == 200
    assert document.headers["Access-Control-Allow-Origin"] == "*"
    assert document.json()["info"]["contact"]["email"]
    token = add_partner(site.system, "coa", "COA", ["intake"])
    headers = {"Authorization": f"Bearer {token}", "Origin": "https://x.nl"}
    period = {"from": "2023-01-01", "to": "2023-03-31"}
    figures = httpx.get(f"{site.url}/api/v1/key-figures", params=period, headers=headers)
    assert figures.status_code == 200
    assert "access-control-allow-origin" not in figures.headers


def test_an_invalid_query_is_the_documented_400_not_a_422(site: Site) -> None:
    token = add_partner(site.system, "coa", "COA", ["intake"])
    answer = httpx.get(f"{site.url}/api/v1/key-figures", params={"from": "someday"},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 400
    documented = httpx.get(f"{site.url}/api/v1/openapi.json").json()
    assert set(documented["paths"]["/key-figures"]["get"]["responses"]) == {
        "200", "400", "401", "403"}  # fmt: skip


def _careless() -> FastAPI:
    """A FastAPI app as it comes: redirects a trailing slash, no CORS on its document, no
    API-Version, errors as plain JSON."""
    app = FastAPI(openapi_url=None)
    document = openapi_document(Settings())

    @app.get("/api/v1/openapi.json")
    async def served() -> JSONResponse:
        return JSONResponse(document)

    @app.post("/api/v1/events")
    async def intake() -> dict[str, str]:
        return {}

    @app.get("/api/v1/key-figures")
    @app.get("/api/v1/publications")
    async def listed() -> dict[str, str]:
        return {}

    return app


def test_the_probes_find_what_a_careless_api_gets_wrong() -> None:
    with serving_app(_careless()) as url:
        found = probe(f"{url}/api/v1")
    rules = {f.rule for f in found}
    assert rules == {
        "/core/publish-openapi",
        "/core/version-header",
        "/core/no-trailing-slash",
        "/core/error-handling/problem-details",
        "/core/http-methods",  # its /openapi.json answers HEAD with 405
    }, [str(f) for f in found]
    assert "GET /key-figures/: answered 307, not 404" in [f"{f.where}: {f.message}" for f in found]


def _probed_with_header(name: str, value: str) -> list[Finding]:
    """The probes' findings for the careless app that also adds `name: value` to every answer."""
    app = _careless()

    @app.middleware("http")
    async def add(request: Request, call_next: RequestResponseEndpoint) -> Response:
        answer = await call_next(request)
        answer.headers[name] = value
        return answer

    with serving_app(app) as url:
        return probe(f"{url}/api/v1")


def test_the_probes_find_cors_opened_for_every_answer() -> None:
    found = _probed_with_header("Access-Control-Allow-Origin", "*")
    assert "/core/transport/cors" in {f.rule for f in found}


def test_the_probes_find_a_server_banner() -> None:
    found = _probed_with_header("Server", "uvicorn")
    assert "GET /openapi.json: names its server software ('uvicorn')" in [
        f"{f.where}: {f.message}" for f in found if f.rule == "/core/hide-implementation"
    ]
