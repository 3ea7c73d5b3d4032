"""The OpenAPI document finished as the Dutch API Design Rules ask (docs/api-design-rules.md):
what FastAPI generates, plus what it cannot know (contact, server, response headers, the
document's own path, the event schema) and minus what it gets wrong (a 422 the server never
sends, schema names made of Python types). design_rules.py checks the result."""

from __future__ import annotations

import copy
from typing import Any

from terugkeer.web.api.models import API_VERSION
from terugkeer.web.api.problems import as_problems

#: Semantic Versioning 2.0.0, as /core/semver asks of `info.version` and `API-Version`.
SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
VERSION_HEADER = "API-Version"
#: Lower case as Logius' own Spectral ruleset looks it up (a JSON key is case-sensitive).
CORS_HEADER = "access-control-allow-origin"
SCHEMAS = "#/components/schemas/"
HEADERS = "#/components/headers/"

_HEADERS: dict[str, Any] = {
    VERSION_HEADER: {
        "description": "the API's full version (Semantic Versioning); the URI names only its "
        "major version",
        "schema": {"type": "string", "pattern": SEMVER, "example": API_VERSION},
    },
    "Link": {
        "description": 'the next page as `<URL>; rel="next"` (RFC 8288), the same cursor as '
        "`next` in the body; absent on the last page",
        "schema": {"type": "string"},
    },
    CORS_HEADER: {
        "description": "`*`: any website may read this document. Only this document: the rest "
        "of the API sends no CORS headers, so no other site's page can read its answers",
        "schema": {"type": "string", "enum": ["*"]},
    },
}

_OPENAPI_JSON: dict[str, Any] = {
    "get": {
        "operationId": "getOpenapi",
        "summary": "This document",
        "description": "Public: no token is needed, and any website may read it (CORS), so "
        "that documentation viewers and client generators elsewhere can load it.",
        "security": [],
        "responses": {
            "200": {
                "description": "the OpenAPI document",
                "headers": {CORS_HEADER: {"$ref": f"{HEADERS}{CORS_HEADER}"}},
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }
}

#: The two suffixes pydantic gives a generic model of the key figures (reports/model.py) for
#: its two count types, `int` and `int | "<5"`; the lint holds every schema name to PascalCase,
#: so a change of pydantic's naming shows there.
_GENERIC_SUFFIXES = {"_Union_int__Literal___5____": "Published", "_int_": ""}


def finish(
    made: dict[str, Any], *, contact: dict[str, str], server_url: str, event: dict[str, Any]
) -> dict[str, Any]:
    """`made` (FastAPI's document) finished; `event` is the schema of one v1 event."""
    made["info"]["contact"] = contact
    made["servers"] = [{"url": server_url, "description": "this installation"}]
    made["paths"]["/openapi.json"] = copy.deepcopy(_OPENAPI_JSON)
    components = made.setdefault("components", {})
    components["headers"] = copy.deepcopy(_HEADERS)
    schemas = components.setdefault("schemas", {})
    schemas["Event"] = event
    # FastAPI's 422 for a request it could not read: this API answers those with a 400
    # problem (problems.py), which every operation documents itself.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for item in made["paths"].values():
        for operation in item.values():
            _answer_headers(operation)
    _rename_generics(made)
    for name, schema in components["schemas"].items():
        schema["title"] = name  # client generators name their classes by the title
    return as_problems(made)


def _answer_headers(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    responses.pop("422", None)
    paged = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
    for status, answer in responses.items():
        headers = answer.setdefault("headers", {})
        headers[VERSION_HEADER] = {"$ref": f"{HEADERS}{VERSION_HEADER}"}
        if paged and status == "200":
            headers["Link"] = {"$ref": f"{HEADERS}Link"}


def _rename_generics(made: dict[str, Any]) -> None:
    schemas: dict[str, Any] = made["components"]["schemas"]
    renamed = {}
    for name in list(schemas):
        for suffix, prefix in _GENERIC_SUFFIXES.items():
            if name.endswith(suffix):
                clean = prefix + name.removesuffix(suffix)
                if clean in schemas:
                    raise ValueError(f"two schemas would be called {clean}")
                renamed[SCHEMAS + name] = SCHEMAS + clean
                schemas[clean] = schemas.pop(name)
                break
    if renamed:
        _replace_refs(made, renamed)


def _replace_refs(node: Any, renamed: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                node[key] = renamed.get(value, value)
            else:
                _replace_refs(value, renamed)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, renamed)


def event_schema(envelope: dict[str, Any]) -> dict[str, Any]:
    """The schema of one v1 event (EVENTS.md), from the store's own envelope model
    (chain_events/schema.py): the intake judges each event by that model."""
    schema = {key: value for key, value in envelope.items() if key != "$defs"}
    properties = schema["properties"]
    # The envelope parses occurred_at with a validator of its own (an offset is required),
    # which leaves no type in the generated schema.
    properties["occurred_at"] = {
        "type": "string",
        "format": "date-time",
        "description": "when it happened, ISO 8601 with a UTC offset",
    }
    properties["id"]["description"] = (
        "the sender's id of the event: a retry with the same id and content is known, not "
        "stored twice"
    )
    properties["type"]["description"] = "what happened (the types of EVENTS.md)"
    properties["v_number"]["description"] = "the person's V-number"
    properties["source"]["description"] = "the chain partner that sends it"
    properties["data"]["description"] = "the fields of the event's type (EVENTS.md)"
    schema["description"] = "A v1 chain event (EVENTS.md)."
    return schema
