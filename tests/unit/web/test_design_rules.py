"""The API Design Rules lint: the document the API serves passes every rule, and each rule
fails a document doctored to break it (so a check that can never fail would show here)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app as cli
from terugkeer.settings import Settings
from terugkeer.web.api.app import openapi_document
from terugkeer.web.api.design_rules import RULES, lint

Document = dict[str, Any]


@pytest.fixture(scope="module")
def served() -> Document:
    return openapi_document(Settings())


def test_the_served_document_meets_every_design_rule(served: Document) -> None:
    assert [str(f) for f in lint(served)] == []


def test_the_issue_s_findings_are_fixed_in_the_served_document(served: Document) -> None:
    events = served["paths"]["/events"]["post"]
    assert set(events["responses"]["200"]["headers"]) == {"API-Version"}
    assert set(served["info"]["contact"]) == {"name", "email", "url"}
    assert "422" not in str(served["paths"])
    assert "PublishedClosedProcedures" in served["components"]["schemas"]
    assert not [name for name in served["components"]["schemas"] if "_" in name]
    body = events["requestBody"]["content"]["application/json"]["schema"]
    assert body["items"] == {"$ref": "#/components/schemas/Event"}


def _operation(document: Document, path: str = "/key-figures") -> Document:
    operation: Document = document["paths"][path]["get"]
    return operation


def _contact_without_email(d: Document) -> None:
    del d["info"]["contact"]["email"]


def _openapi_json_behind_a_token(d: Document) -> None:
    d["paths"]["/openapi.json"]["get"]["security"] = [{"HTTPBearer": []}]


def _openapi_json_without_cors(d: Document) -> None:
    del d["paths"]["/openapi.json"]["get"]["responses"]["200"]["headers"][
        "access-control-allow-origin"
    ]


def _no_version_header(d: Document) -> None:
    del _operation(d)["responses"]["200"]["headers"]["API-Version"]


def _a_minor_version_in_the_server(d: Document) -> None:
    d["servers"] = [{"url": "https://api.example.org/api/v1.1"}]


def _a_trailing_slash(d: Document) -> None:
    d["paths"]["/key-figures/"] = d["paths"].pop("/key-figures")


def _a_snake_case_segment(d: Document) -> None:
    d["paths"]["/key_figures"] = d["paths"].pop("/key-figures")


def _a_snake_case_query_key(d: Document) -> None:
    _operation(d)["parameters"][0]["name"] = "from_day"


def _a_trace_operation(d: Document) -> None:
    d["paths"]["/key-figures"]["trace"] = _operation(d)


def _a_get_with_a_body(d: Document) -> None:
    _operation(d)["requestBody"] = {"content": {"application/json": {"schema": {}}}}


def _no_401_on_a_protected_operation(d: Document) -> None:
    del _operation(d)["responses"]["401"]


def _an_error_as_plain_json(d: Document) -> None:
    answer = _operation(d)["responses"]["400"]
    answer["content"] = {"application/json": answer["content"]["application/problem+json"]}


def _fastapi_s_422(d: Document) -> None:
    _operation(d)["responses"]["422"] = {
        "description": "Validation Error",
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": {"type": "object"}}},
    }


def _a_pydantic_generic_name(d: Document) -> None:
    schemas = d["components"]["schemas"]
    schemas["ClosedProcedures_int_"] = schemas.pop("ClosedProcedures")
    d["components"]["schemas"]["KeyFigures"]["properties"]["closed_procedures"] = {
        "$ref": "#/components/schemas/ClosedProcedures_int_"
    }


def _a_plain_http_server(d: Document) -> None:
    d["servers"] = [{"url": "http://api.example.org/api/v1"}]


def _a_dangling_ref(d: Document) -> None:
    del d["components"]["schemas"]["Event"]


def _a_patch_version_only(d: Document) -> None:
    d["info"]["version"] = "1.1"


BROKEN: dict[str, Callable[[Document], None]] = {
    "/core/doc-openapi": _a_dangling_ref,
    "/core/doc-openapi-contact": _contact_without_email,
    "/core/publish-openapi": _openapi_json_behind_a_token,
    "/core/semver": _a_patch_version_only,
    "/core/uri-version": _a_minor_version_in_the_server,
    "/core/version-header": _no_version_header,
    "/core/no-trailing-slash": _a_trailing_slash,
    "/core/path-segments-kebab-case": _a_snake_case_segment,
    "/core/query-keys-camel-case": _a_snake_case_query_key,
    "/core/http-methods": _a_trace_operation,
    "/core/http-safety": _a_get_with_a_body,
    "/core/http-response-code": _no_401_on_a_protected_operation,
    "/core/error-handling/problem-details": _an_error_as_plain_json,
    "/core/error-handling/invalid-input": _fastapi_s_422,
    "/core/hide-implementation": _a_pydantic_generic_name,
    "/core/transport/tls": _a_plain_http_server,
}


def test_every_rule_has_a_doctored_document_that_fails_it() -> None:
    assert list(BROKEN) == [rule.id for rule in RULES]


@pytest.mark.parametrize("rule", list(BROKEN))
def test_a_document_that_breaks_a_rule_fails_that_rule(served: Document, rule: str) -> None:
    doctored = copy.deepcopy(served)
    BROKEN[rule](doctored)
    assert rule in {f.rule for f in lint(doctored)}


def test_the_cors_header_missing_from_the_document_s_own_path_is_found(served: Document) -> None:
    doctored = copy.deepcopy(served)
    _openapi_json_without_cors(doctored)
    assert [f.message for f in lint(doctored)] == [
        "documents no CORS header (Access-Control-Allow-Origin: *)"
    ]


def test_the_cli_lints_the_document_it_would_serve_and_fails_on_a_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    passed = CliRunner().invoke(cli, ["api", "lint"])
    assert passed.exit_code == 0, passed.output
    assert f"{len(RULES)} of {len(RULES)} design rules pass; 0 findings" in passed.output
    monkeypatch.setenv("TERUGKEER_API_SERVER_URL", "http://api.example.org/api/v2")
    failed = CliRunner().invoke(cli, ["api", "lint"])
    assert failed.exit_code == 1
    assert "/core/uri-version: servers[0].url: v2 is not major 1" in failed.output
    assert "/core/transport/tls: servers[0].url: not https" in failed.output


def test_the_docs_list_every_check_of_the_lint_as_it_is() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[3] / "docs" / "api-design-rules.md").read_text()
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.checks} |" in docs, rule.id
