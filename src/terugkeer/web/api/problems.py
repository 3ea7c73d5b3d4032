"""Every error of the API as application/problem+json (RFC 9457), none as HTML."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from terugkeer.web.api.models import API_VERSION, InvalidParam, Problem

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 413: "Content Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 500: "Internal Server Error", 503: "Service Unavailable",
}  # fmt: skip


class ProblemError(Exception):
    def __init__(self, status: int, detail: str, invalid: list[InvalidParam] | None = None,
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(detail)
        self.status, self.detail, self.invalid, self.headers = (
            status,
            detail,
            invalid or [],
            headers,
        )


def problem_response(request: Request, status: int, detail: str | None,
                     invalid: list[InvalidParam] | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail,
                   instance=_instance(request), invalid_params=invalid or [])  # fmt: skip
    return JSONResponse(body.model_dump(by_alias=True, exclude_none=True), status_code=status,
                        media_type=PROBLEM_JSON, headers=headers)  # fmt: skip


def _instance(request: Request) -> str | None:
    """The operation's path template (`/api/v1/persons/{v_number}`), never the path as sent:
    an error carries no V-number (BIO: no personal data in errors or the logs they reach)."""
    route = request.scope.get("route")
    template = getattr(route, "path_format", None)
    return f"{request.scope.get('root_path', '')}{template}" if template else None


def install(api: FastAPI) -> None:
    @api.exception_handler(ProblemError)
    async def problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem_response(request, error.status, error.detail, error.invalid, error.headers)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return http_problem(request, error)

    @api.exception_handler(Exception)
    async def crashed(request: Request, _: Exception) -> JSONResponse:
        # Starlette's default is a plain-text 500; the error still reaches the server's log.
        # Answered outside the API's middleware: its version header is set here.
        return problem_response(request, 500, "the request could not be handled", None,
                                {"API-Version": API_VERSION})  # fmt: skip

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        params = [InvalidParam(name=".".join(str(p) for p in e["loc"]), reason=str(e["msg"]))
                  for e in error.errors()]  # fmt: skip
        return problem_response(request, 400, "the request is not valid", params)


def http_problem(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """An HTTP error (a 404 of no route, a 405) as a problem."""
    return problem_response(request, error.status_code, str(error.detail), None,
                            dict(error.headers or {}))  # fmt: skip


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI entries of error responses (moved to problem+json by `as_problems`)."""
    return {status: {"description": TITLES[status], "model": Problem} for status in statuses}


def as_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Error responses are documented as application/problem+json, as they are served."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return document
