"""The site's icon, also where browsers look for it without being told (/favicon.ico): a
request there is no 404 in the logs."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from terugkeer.web.permissions import public

router = APIRouter()
_ICON = resources.files("terugkeer.web").joinpath("static/favicon.svg").read_bytes()


@router.get("/favicon.ico", dependencies=[Depends(public)])
def favicon() -> Response:
    return Response(_ICON, media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip
