"""Our lint of the OpenAPI document against the Dutch API Design Rules (Logius, ADR 2.x), in
Python so that CI needs no Node for Spectral. Each check is named after the rule it
implements and looks for what Logius' own linter looks for, and a little more (the list,
and what cannot be checked in a document, is in docs/api-design-rules.md). design_probes.py
checks what only a running server shows: the CORS header, a trailing slash's 404.

Pure: a document (the parsed JSON) in, findings out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from terugkeer.web.api.document import SEMVER

METHODS = ("get", "put", "post", "delete", "patch")
#: What a path item may hold besides operations (OpenAPI 3.1 Path Item Object).
PATH_ITEM_FIELDS = ("parameters", "summary", "description", "servers", "$ref")
PROBLEM = "application/problem+json"
PROBLEM_FIELDS = ("type", "title", "status", "detail", "instance")
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.json|\.yaml)?$")
_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
_PASCAL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")
#: FastAPI's own schema names: a document showing them shows the framework.
FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")


@dataclass(frozen=True)
class Finding:
    rule: str  # the design rule, e.g. /core/version-header
    where: str  # a place in the document, e.g. `paths./events.post.responses.200`
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.message}"


Check = Callable[[dict[str, Any]], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    checks: str  # what the lint looks at, one sentence (docs/api-design-rules.md lists them)
    run: Check


def lint(document: dict[str, Any]) -> list[Finding]:
    """Every finding of every rule, in rule order."""
    return [finding for rule in RULES for finding in rule.run(document)]


# --- walking the document ---


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def responses(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, status, response) of every operation's responses, $refs resolved."""
    for path, method, operation in operations(document):
        for status, answer in operation.get("responses", {}).items():
            where = f"paths.{path}.{method}.responses.{status}"
            yield where, str(status), resolve(document, answer)


def resolve(document: dict[str, Any], node: Any) -> Any:
    """`node`, or what its local `$ref` points at (followed until it is no $ref)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        target = pointed(document, node["$ref"])
        if target is None:
            return node
        node, seen = target, seen + 1
    return node


def pointed(document: dict[str, Any], ref: str) -> Any:
    """What a local reference (`#/components/...`) points at; None if nothing."""
    if not ref.startswith("#/"):
        return None
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _refs(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _refs(value, f"{where}[{n}]")


def _headers(document: dict[str, Any], answer: dict[str, Any]) -> set[str]:
    return {name.lower() for name in resolve(document, answer).get("headers", {})}


def _major(document: dict[str, Any]) -> str | None:
    version = str(document.get("info", {}).get("version", ""))
    return version.split(".")[0] if re.match(SEMVER, version) else None


# --- the checks, one per design rule ---


def doc_openapi(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/doc-openapi"
    version = str(document.get("openapi", ""))
    if not re.fullmatch(r"3\.[0-9]+\.[0-9]+", version):
        yield Finding(rule, "openapi", f"not an OpenAPI 3 document: {version or 'no version'}")
    info = document.get("info", {})
    for field in ("title", "version", "description"):
        if not info.get(field):
            yield Finding(rule, "info", f"no {field}")
    if not document.get("paths"):
        yield Finding(rule, "paths", "no paths")
    for where, ref in _refs(document):
        if pointed(document, ref) is None:
            yield Finding(rule, where, f"$ref {ref} does not resolve within the document")
    seen: set[str] = set()
    for path, method, operation in operations(document):
        where = f"paths.{path}.{method}"
        for field in ("operationId", "summary"):
            if not operation.get(field):
                yield Finding(rule, where, f"no {field}")
        identifier = str(operation.get("operationId", ""))
        if identifier and identifier in seen:
            yield Finding(rule, where, f"operationId {identifier} is not unique")
        seen.add(identifier)


def doc_openapi_contact(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/doc-openapi-contact"
    contact = document.get("info", {}).get("contact")
    if not isinstance(contact, dict):
        yield Finding(rule, "info", "no contact")
        return
    for field in ("name", "email", "url"):
        if not contact.get(field):
            yield Finding(rule, "info.contact", f"no {field}")
    if contact.get("email") and "@" not in str(contact["email"]):
        yield Finding(rule, "info.contact.email", "not an e-mail address")
    if contact.get("url") and not str(contact["url"]).startswith(("https://", "http://")):
        yield Finding(rule, "info.contact.url", "not an absolute URL")


def publish_openapi(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/publish-openapi"
    item = document.get("paths", {}).get("/openapi.json")
    if item is None:
        yield Finding(rule, "paths", "no /openapi.json")
        return
    where = "paths./openapi.json"
    if [m for m in METHODS if m in item] != ["get"]:
        yield Finding(rule, where, "must have GET and no other method")
    get = item.get("get", {})
    if get.get("security", document.get("security")) not in ([], [{}]):
        yield Finding(rule, f"{where}.get", "must be readable without authentication")
    ok = resolve(document, get.get("responses", {}).get("200", {}))
    if "access-control-allow-origin" not in _headers(document, ok):
        yield Finding(rule, f"{where}.get.responses.200", "documents no CORS header "
                      "(Access-Control-Allow-Origin: *)")  # fmt: skip


def semver(document: dict[str, Any]) -> Iterator[Finding]:
    version = str(document.get("info", {}).get("version", ""))
    if not re.match(SEMVER, version):
        yield Finding("/core/semver", "info.version", f"not a semantic version: {version!r}")


def uri_version(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/uri-version"
    servers = document.get("servers") or []
    if not servers:
        yield Finding(rule, "servers", "no server: its URL must name the major version")
    major = _major(document)
    for n, server in enumerate(servers):
        url = str(server.get("url", ""))
        found = re.findall(r"/v([0-9]+)(?=/|$)", url)
        if not found:
            yield Finding(rule, f"servers[{n}].url", f"no /v{{major}} in {url!r}")
        elif major is not None and found[-1] != major:
            yield Finding(rule, f"servers[{n}].url", f"v{found[-1]} is not major {major}")
        if re.search(r"/v[0-9]+\.[0-9]", url):
            yield Finding(rule, f"servers[{n}].url", "only the major version belongs in a URI")


def version_header(document: dict[str, Any]) -> Iterator[Finding]:
    for where, _, answer in responses(document):
        if "api-version" not in _headers(document, answer):
            yield Finding("/core/version-header", where, "documents no API-Version header")


def no_trailing_slash(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/no-trailing-slash"
    for path in document.get("paths", {}):
        if path != "/" and path.endswith("/"):
            yield Finding(rule, f"paths.{path}", "ends with a slash")
    for n, server in enumerate(document.get("servers") or []):
        if str(server.get("url", "")).endswith("/"):
            yield Finding(rule, f"servers[{n}].url", "ends with a slash (paths start with one)")


def path_segments_kebab_case(document: dict[str, Any]) -> Iterator[Finding]:
    for path in document.get("paths", {}):
        for segment in path.strip("/").split("/"):
            if segment and not segment.startswith("{") and not _KEBAB.match(segment):
                yield Finding("/core/path-segments-kebab-case", f"paths.{path}",
                              f"segment {segment!r} is not kebab-case")  # fmt: skip


def query_keys_camel_case(document: dict[str, Any]) -> Iterator[Finding]:
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            parameter = resolve(document, parameter)
            name = str(parameter.get("name", ""))
            if parameter.get("in") == "query" and not _CAMEL.match(name):
                yield Finding("/core/query-keys-camel-case", f"paths.{path}.{method}",
                              f"query key {name!r} is not camelCase")  # fmt: skip


def http_methods(document: dict[str, Any]) -> Iterator[Finding]:
    for path, item in document.get("paths", {}).items():
        for key in item:
            if key not in METHODS and key not in PATH_ITEM_FIELDS:
                yield Finding("/core/http-methods", f"paths.{path}",
                              f"{key!r} is not one of {', '.join(METHODS)}")  # fmt: skip


def http_safety(document: dict[str, Any]) -> Iterator[Finding]:
    for path, method, operation in operations(document):
        if method in ("get", "delete") and "requestBody" in operation:
            yield Finding("/core/http-safety", f"paths.{path}.{method}",
                          f"{method.upper()} takes no request body")  # fmt: skip


def problem_details(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/error-handling/problem-details"
    for where, status, answer in responses(document):
        if status[0] not in "45":
            continue
        content = answer.get("content", {})
        if list(content) != [PROBLEM]:
            yield Finding(rule, where, f"an error must be {PROBLEM} only, not {list(content)}")
            continue
        schema = resolve(document, content[PROBLEM].get("schema", {}))
        missing = [f for f in PROBLEM_FIELDS if f not in schema.get("properties", {})]
        if missing:
            yield Finding(rule, where, f"the problem schema lacks {', '.join(missing)} (RFC 9457)")


def invalid_input(document: dict[str, Any]) -> Iterator[Finding]:
    """The server answers a request it cannot read with 400 (problems.py), never 422."""
    rule = "/core/error-handling/invalid-input"
    for path, method, operation in operations(document):
        where = f"paths.{path}.{method}.responses"
        documented = {str(s) for s in operation.get("responses", {})}
        if "422" in documented:
            yield Finding(rule, where, "documents a 422: invalid input is answered with 400")
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input and "400" not in documented:
            yield Finding(rule, where, "takes input but documents no 400")


def http_response_code(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/http-response-code"
    for path, method, operation in operations(document):
        where = f"paths.{path}.{method}.responses"
        documented = {str(s) for s in operation.get("responses", {})}
        if not any(s.startswith("2") for s in documented):
            yield Finding(rule, where, "documents no success (2xx)")
        if operation.get("security", document.get("security")) and "401" not in documented:
            yield Finding(rule, where, "needs credentials but documents no 401")


def hide_implementation(document: dict[str, Any]) -> Iterator[Finding]:
    rule = "/core/hide-implementation"
    for name in document.get("components", {}).get("schemas", {}):
        if name in FRAMEWORK_SCHEMAS or name.startswith("Body_"):
            yield Finding(rule, f"components.schemas.{name}", "a framework's own schema")
        elif not _PASCAL.match(name):
            yield Finding(rule, f"components.schemas.{name}",
                          "not a PascalCase name (a generated type's name?)")  # fmt: skip


def transport_tls(document: dict[str, Any]) -> Iterator[Finding]:
    """A relative server URL resolves against the document's own (TLS) address."""
    for n, server in enumerate(document.get("servers") or []):
        url = str(server.get("url", ""))
        if "://" in url and not url.startswith("https://"):
            yield Finding("/core/transport/tls", f"servers[{n}].url", f"not https: {url}")


RULES = (
    Rule("/core/doc-openapi", "an OpenAPI 3.x document with title, version and description, "
         "every $ref resolving inside it, every operation with a unique operationId and a "
         "summary", doc_openapi),
    Rule("/core/doc-openapi-contact", "`info.contact` with a name, an e-mail address and an "
         "absolute URL", doc_openapi_contact),
    Rule("/core/publish-openapi", "`/openapi.json` documented with GET only, without "
         "authentication, its 200 naming `Access-Control-Allow-Origin`", publish_openapi),
    Rule("/core/semver", "`info.version` is a semantic version", semver),
    Rule("/core/uri-version", "every server URL holds `/v{major}` of `info.version`, and no "
         "minor version", uri_version),
    Rule("/core/version-header", "every response of every operation documents the "
         "`API-Version` header", version_header),
    Rule("/core/no-trailing-slash", "no path and no server URL ends with a slash",
         no_trailing_slash),
    Rule("/core/path-segments-kebab-case", "every fixed path segment is kebab-case",
         path_segments_kebab_case),
    Rule("/core/query-keys-camel-case", "every query parameter name is camelCase",
         query_keys_camel_case),
    Rule("/core/http-methods", "path items hold only GET, PUT, POST, DELETE and PATCH "
         "operations", http_methods),
    Rule("/core/http-safety", "GET and DELETE take no request body", http_safety),
    Rule("/core/http-response-code", "every operation documents a 2xx, and a 401 where it "
         "needs credentials", http_response_code),
    Rule("/core/error-handling/problem-details", "every 4xx and 5xx response is "
         "`application/problem+json` with the RFC 9457 fields", problem_details),
    Rule("/core/error-handling/invalid-input", "no 422 anywhere; every operation that takes "
         "parameters or a body documents 400", invalid_input),
    Rule("/core/hide-implementation", "schema names are PascalCase and none is FastAPI's own "
         "(`HTTPValidationError`, `Body_...`)", hide_implementation),
    Rule("/core/transport/tls", "an absolute server URL is https", transport_tls),
)  # fmt: skip
