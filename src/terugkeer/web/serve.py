"""Running the pages: uvicorn with the app built on the given system."""

from __future__ import annotations

from typing import TYPE_CHECKING

from terugkeer.bootstrap import System

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp


def server_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """How the app is served, here and in the tests that go over real HTTP. No `server`
    header: a banner naming the server software tells an attacker what to try (BIO2)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          server_header=False)  # fmt: skip


def run_web(system: System, host: str, port: int) -> None:
    import uvicorn

    from terugkeer.web.app import create_app

    uvicorn.Server(server_config(create_app(system), host, port)).run()
