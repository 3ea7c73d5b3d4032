"""Running the pages: uvicorn with the app built on the given system."""

from __future__ import annotations

from typing import TYPE_CHECKING

from terugkeer.bootstrap import System

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp


def server_config(system: System, host: str, port: int) -> uvicorn.Config:
    """How the app is served (the CLI, the bench, the tests alike)."""
    from terugkeer.web.app import create_app

    return uvicorn_config(create_app(system), host, port)


def uvicorn_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """uvicorn's own proxy headers stay off: by default it believes X-Forwarded-For from
    127.0.0.1, so anyone on the machine could write their own origin into the access log; the
    app decides instead, from `trusted_proxies` (web/origin.py). No `server` header: a banner
    naming the server software tells an attacker what to try (BIO2). No access log and no
    logging configuration of uvicorn's own: its access lines carry the raw path (V-numbers);
    the app logs each request by its route's template instead (web/signals.py), and
    uvicorn's remaining records go through the handler `run_web` configures."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          proxy_headers=False, server_header=False,
                          log_config=None)  # fmt: skip


def run_web(system: System, host: str, port: int) -> None:
    import uvicorn

    from terugkeer.monitoring.logs import configure

    configure(system.settings.log_format, system.settings.log_level)
    uvicorn.Server(server_config(system, host, port)).run()
