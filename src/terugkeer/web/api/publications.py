"""The monthly open data over the API: what `/cijfers` offers, for every token and every
signed-in user (issue 10, "reads ... publications"). services/api_reads.py logs each read;
this module renders."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from terugkeer.services.api_reads import (
    Reader,
    publication_file_of,
    publication_manifest_of,
    publications_of,
)
from terugkeer.services.errors import ServiceError
from terugkeer.services.publication import (
    FILE_NAME_PATTERN,
    MEDIA_TYPES,
    MONTH_PATTERN,
    media_type,
)
from terugkeer.web.api import cursors
from terugkeer.web.api.auth import caller, origin_of, system_of
from terugkeer.web.api.models import (
    PublicationFileOut,
    PublicationListed,
    PublicationOut,
    Publications,
)
from terugkeer.web.api.problems import responses
from terugkeer.web.api.reads import refused

router = APIRouter()

Month = Annotated[str, Path(pattern=MONTH_PATTERN, description="the month published, YYYY-MM")]
FileName = Annotated[str, Path(pattern=FILE_NAME_PATTERN)]


@router.get(
    "/publications",
    response_model=Publications,
    summary="The monthly publications of the figures, newest first",
    responses=responses(400, 401),
    operation_id="listPublications",
)
async def publications(
    request: Request,
    response: Response,
    reader: Annotated[Reader, Depends(caller)],
    cursor: Annotated[str | None, Query(max_length=64, description="from `next`")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> Publications:
    """Public data (as `/cijfers`): counts rounded to tens, under 5 shown as <5, no person."""
    before = None if cursor is None else cursors.decode(cursor, "before", MONTH_PATTERN[1:-1])
    found = await run_in_threadpool(
        publications_of, system_of(request), reader, origin=origin_of(request)
    )
    newer_first = [p for p in found if before is None or p.month < before]
    page = newer_first[:limit]
    following = None
    if len(newer_first) > limit:
        following = cursors.encode("before", page[-1].month)
        url = request.url.include_query_params(cursor=following, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    items = [PublicationListed(month=p.month, as_of=p.as_of, href=f"/api/v1/publications/{p.month}")
             for p in page]  # fmt: skip
    return Publications(items=items, next=following)


@router.get(
    "/publications/{month}",
    response_model=PublicationOut,
    summary="A publication's manifest: as-of moment, chain head and the SHA-256 of every file",
    responses=responses(400, 401, 404),
    operation_id="getPublication",
)
async def publication(
    request: Request, month: Month, reader: Annotated[Reader, Depends(caller)]
) -> PublicationOut:
    try:
        manifest = await run_in_threadpool(
            publication_manifest_of, system_of(request), reader, month, origin=origin_of(request)
        )
    except ServiceError as error:
        raise refused(error) from None
    base = f"/api/v1/publications/{month}/files"
    files = [PublicationFileOut(name=name, sha256=digest, href=f"{base}/{name}")
             for name, digest in sorted(manifest["files"].items())]  # fmt: skip
    day = (manifest.get("complete_from") or {}).get("day")
    complete_from = None if day is None else date.fromisoformat(day)
    return PublicationOut(month=manifest["month"], as_of=manifest["as_of"],
                          chain_head_hash=manifest["chain_head_hash"], files=files,
                          complete_from=complete_from)  # fmt: skip


#: Every media type a publication's file may be served as (the document must name each).
_FILE_CONTENT = {
    # Each JSON file of a publication is one object (a table, the key figures, the manifest).
    kind: {"schema": {"type": "object" if kind == "application/json" else "string"}}
    for kind in sorted({*MEDIA_TYPES.values(), media_type("")})
}
_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the file", "content": _FILE_CONTENT},
    **responses(400, 401, 404),
}


@router.get(
    "/publications/{month}/files/{name}",
    response_class=Response,
    summary="A file of a publication (CSV, JSON, HTML or the README), as its manifest lists it",
    responses=_FILE_RESPONSES,
    operation_id="getPublicationFile",
)
async def publication_file(
    request: Request, month: Month, name: FileName, reader: Annotated[Reader, Depends(caller)]
) -> Response:
    try:
        body = await run_in_threadpool(
            publication_file_of, system_of(request), reader, month, name,
            origin=origin_of(request),
        )  # fmt: skip
    except ServiceError as error:
        raise refused(error) from None
    return Response(body, media_type=media_type(name))
