"""The public page of the monthly open data (/cijfers): no sign-in, no personal data — only
the files of publications `terugkeer publish` wrote, each as its manifest lists it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from terugkeer.services.publication import (
    FILE_NAME_PATTERN,
    MONTH_PATTERN,
    media_type,
    publication_file,
    publications,
)
from terugkeer.web.context import render, system_of
from terugkeer.web.permissions import public

router = APIRouter()


@router.get("/cijfers", response_class=HTMLResponse, dependencies=[Depends(public)])
def figures(request: Request) -> HTMLResponse:
    return render(request, "cijfers.html", {"publications": publications(system_of(request))})


@router.get("/cijfers/{month}/{name}", dependencies=[Depends(public)])
def figures_file(
    request: Request,
    month: Annotated[str, Path(pattern=MONTH_PATTERN)],
    name: Annotated[str, Path(pattern=FILE_NAME_PATTERN)],
) -> Response:
    found = publication_file(system_of(request), month, name)
    if found is None:
        raise HTTPException(404)
    return Response(found, media_type=media_type(name))
