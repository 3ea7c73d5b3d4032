"""The public page of the monthly open data (/cijfers): no sign-in, no personal data — only
the files of publications `terugkeer publish` wrote, each as its manifest lists it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from terugkeer.services.publication import publication_file, publications
from terugkeer.web.context import render, system_of
from terugkeer.web.permissions import public

router = APIRouter()

_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json",
          ".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
          ".css": "text/css; charset=utf-8"}  # fmt: skip


@router.get("/cijfers", response_class=HTMLResponse, dependencies=[Depends(public)])
def figures(request: Request) -> HTMLResponse:
    return render(request, "cijfers.html", {"publications": publications(system_of(request))})


@router.get("/cijfers/{month}/{name}", dependencies=[Depends(public)])
def figures_file(
    request: Request,
    month: Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}$")],
    name: Annotated[str, Path(pattern=r"^[a-z0-9.-]+$")],
) -> Response:
    found = publication_file(system_of(request), month, name)
    if found is None:
        raise HTTPException(404)
    kind = _TYPES.get(name[name.rfind(".") :], "application/octet-stream")
    return Response(found, media_type=kind)
