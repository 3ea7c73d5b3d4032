"""`terugkeer serve`: the workplace's pages on a local address."""

from __future__ import annotations

from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, settings, system


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="server processes on this port, each with its own connections and caches "
            "(PostgreSQL; on SQLite they write one at a time)",
        ),
    ] = 1,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the web pages (worklist, case pages, access log) and the API until stopped with
    Ctrl-C; /health, /ready and /metrics for operations (docs/operations.md)."""
    from terugkeer.monitoring.metrics import multiprocess_problem
    from terugkeer.web.serve import WorkersRefusedError, run_web, run_workers, workers_warning

    if (problem := multiprocess_problem()) is not None:
        typer.echo(f"terugkeer: {problem}", err=True)
        raise typer.Exit(2)
    try:  # before anything is opened: a refusal changes nothing
        warning = workers_warning(settings(database_url).database_url, workers)
    except WorkersRefusedError as error:
        raise typer.BadParameter(str(error), param_hint="--workers") from None
    built = system(database_url)  # migrates an older schema once, before any worker starts
    if workers == 1:
        run_web(built, host, port)
        return
    built.close()
    run_workers(built.settings, host, port, workers, warning=warning)
