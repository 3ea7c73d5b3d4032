"""`terugkeer serve`: the workplace's pages on a local address."""

from __future__ import annotations

from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the web pages (worklist, case pages, access log) and the API until stopped with
    Ctrl-C; /health, /ready and /metrics for operations (docs/operations.md)."""
    from terugkeer.web.serve import run_web

    run_web(system(database_url), host, port)
