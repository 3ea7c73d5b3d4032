"""The design rules a document cannot show, checked on a running API over HTTP, without
credentials (as developer.overheid.nl's validator does): the document is public and readable
by any site; every answer carries `API-Version`; a trailing slash is a 404, not a redirect;
an unsupported method is a 405 naming the allowed ones; errors are problem+json; and no
answer but the document's opens CORS.

Only safe requests (GET, and one DELETE that the API refuses for every path it has)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from terugkeer.web.api.design_rules import PROBLEM, Finding, operations


def probe(base_url: str, client: httpx.Client | None = None) -> list[Finding]:
    """Findings of the API at `base_url` (e.g. https://host/api/v1, no trailing slash)."""
    own = client is None
    http = client or httpx.Client(timeout=30, follow_redirects=False)
    try:
        return list(_probe(base_url.rstrip("/"), http))
    finally:
        if own:
            http.close()


def _probe(base: str, http: httpx.Client) -> Iterator[Finding]:
    rule = "/core/publish-openapi"
    answer = http.get(f"{base}/openapi.json")
    if answer.status_code != 200:
        yield Finding(rule, "GET /openapi.json", f"answered {answer.status_code} without "
                      "credentials")  # fmt: skip
        return
    try:
        document = answer.json()
    except ValueError:
        yield Finding(rule, "GET /openapi.json", "is not JSON")
        return
    if answer.headers.get("access-control-allow-origin") != "*":
        yield Finding(rule, "GET /openapi.json", "no Access-Control-Allow-Origin: *")
    version = str(document.get("info", {}).get("version", ""))
    yield from _versioned(answer, version, "GET /openapi.json")
    yield from _bannerless(answer, "GET /openapi.json")
    head = http.head(f"{base}/openapi.json")
    if head.status_code != 200 or head.content:
        yield Finding("/core/http-methods", "HEAD /openapi.json", f"answered {head.status_code}"
                      f" with {len(head.content)} bytes, not GET's 200 without a body")  # fmt: skip

    plain = [path for path, method, _ in operations(document)
             if method == "get" and "{" not in path]  # fmt: skip
    for path in plain:
        slashed = http.get(f"{base}{path}/")
        yield from _versioned(slashed, version, f"GET {path}/")
        if slashed.status_code != 404:
            yield Finding("/core/no-trailing-slash", f"GET {path}/",
                          f"answered {slashed.status_code}, not 404")  # fmt: skip
        yield from _problem(slashed, f"GET {path}/")
        yield from _closed(slashed, f"GET {path}/")
        found = http.get(f"{base}{path}")
        if found.status_code == 405:
            yield Finding("/core/http-methods", f"GET {path}", "answered 405")
        yield from _versioned(found, version, f"GET {path}")

    root = http.get(base)  # developer.overheid.nl asks the base URL for the version
    yield from _versioned(root, version, "GET (the base URL)")
    if 300 <= root.status_code < 400:
        yield Finding("/core/no-trailing-slash", "GET (the base URL)",
                      f"redirects ({root.status_code}) instead of answering")  # fmt: skip
    missing = http.get(f"{base}/no-such-resource")
    yield from _versioned(missing, version, "GET /no-such-resource")
    yield from _bannerless(missing, "GET /no-such-resource")
    yield from _problem(missing, "GET /no-such-resource")
    yield from _closed(missing, "GET /no-such-resource")
    for path, item in document.get("paths", {}).items():
        if "delete" not in item and "{" not in path and path != "/openapi.json":
            refused = http.delete(f"{base}{path}")
            where = f"DELETE {path}"
            if refused.status_code != 405 or "allow" not in refused.headers:
                yield Finding("/core/http-methods", where, f"answered {refused.status_code} "
                              "without Allow, not 405 with Allow")  # fmt: skip
            yield from _versioned(refused, version, where)
            break


def _versioned(answer: httpx.Response, version: str, where: str) -> Iterator[Finding]:
    sent = answer.headers.get("api-version")
    if sent != version:
        yield Finding("/core/version-header", where,
                      f"API-Version {sent!r}, the document says {version!r}")  # fmt: skip


def _problem(answer: httpx.Response, where: str) -> Iterator[Finding]:
    kind = answer.headers.get("content-type", "").split(";")[0]
    if answer.status_code >= 400 and kind != PROBLEM:
        yield Finding("/core/error-handling/problem-details", where,
                      f"a {answer.status_code} as {kind or 'no content type'}")  # fmt: skip


def _bannerless(answer: httpx.Response, where: str) -> Iterator[Finding]:
    """A `server` banner names the software an attacker should try (hide-implementation)."""
    if "server" in answer.headers:
        yield Finding("/core/hide-implementation", where,
                      f"names its server software ({answer.headers['server']!r})")  # fmt: skip


def _closed(answer: httpx.Response, where: str) -> Iterator[Finding]:
    """CORS is for the document only: a cookie reads the API (auth.py)."""
    if "access-control-allow-origin" in answer.headers:
        yield Finding("/core/transport/cors", where, "opens CORS outside the document")
