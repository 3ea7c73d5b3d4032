"""Running the pages: uvicorn with the app built on the given system, or N worker processes
that each build their own system from the settings (web/worker.py)."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from terugkeer.bootstrap import System
from terugkeer.monitoring.metrics import MULTIPROC

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

    from terugkeer.settings import Settings

#: The app factory each worker process imports (an import string: a spawned process builds
#: its own system from the environment; an engine or a cache cannot be handed over).
WORKER_APP = "terugkeer.web.worker:create"

#: uvicorn's own proxy headers stay off: by default it believes X-Forwarded-For from
#: 127.0.0.1, so anyone on the machine could write their own origin into the access log; the
#: app decides instead, from `trusted_proxies` (web/origin.py). No `server` header: a banner
#: naming the server software tells an attacker what to try (BIO2). No access log and no
#: logging configuration of uvicorn's own: its access lines carry the raw path (V-numbers);
#: the app logs each request by its route's template instead (web/signals.py), and uvicorn's
#: remaining records go through the handler `run_web` (or each worker) configures.
_OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "proxy_headers": False,
    "server_header": False,
    "log_config": None,
}


def server_config(system: System, host: str, port: int) -> uvicorn.Config:
    """How the app is served (the CLI, the bench, the tests alike)."""
    from terugkeer.web.app import create_app

    return uvicorn_config(create_app(system), host, port)


def uvicorn_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, **_OPTIONS)


def run_web(system: System, host: str, port: int) -> None:
    import uvicorn

    from terugkeer.monitoring.logs import configure
    from terugkeer.services.projecting import beside_the_server

    configure(system.settings.log_format, system.settings.log_level)
    with beside_the_server(system):
        uvicorn.Server(server_config(system, host, port)).run()


class WorkersRefusedError(Exception):
    """Several workers cannot serve this store (the message says why)."""


def workers_warning(database_url: str, workers: int) -> str | None:
    """What an operator should know before N workers serve this store; raises when they
    cannot. SQLite serialises writers across processes by its file lock (BEGIN IMMEDIATE,
    waiting up to a minute), so workers on one machine are correct but write one at a time;
    an in-memory database would be one per worker."""
    if workers == 1:
        return None
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise WorkersRefusedError(
            "an in-memory SQLite database is one per process: several workers need a file "
            "or PostgreSQL"
        )
    return (
        f"{workers} workers on SQLite: pages are served in parallel, but every write waits for "
        "the one before it (one file lock), and only on this machine; for several hosts or "
        "heavy intake use PostgreSQL"
    )


def run_workers(
    settings: Settings, host: str, port: int, workers: int, *, warning: str | None = None
) -> None:
    """`workers` processes on one listening socket, each with its own system built from the
    settings: what the command line set goes to them through the environment. uvicorn's
    supervisor (as `uvicorn.run` starts it) restarts a worker that dies, and logs that it did,
    and stops them all on SIGINT or SIGTERM."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from terugkeer.monitoring.logs import configure
    from terugkeer.services.projecting import beside_the_workers

    os.environ["TERUGKEER_DATABASE_URL"] = settings.database_url
    configure(settings.log_format, settings.log_level)  # the supervisor's lines in the same form
    if warning is not None:  # workers_warning's, in the log's form like every other line
        logging.getLogger("terugkeer.serve").warning("%s", warning)
    config = uvicorn.Config(WORKER_APP, factory=True, host=host, port=port, workers=workers,
                            **_OPTIONS)  # fmt: skip
    # The supervisor says (at INFO) when a worker died and was replaced, which the operator
    # must see; the workers' own uvicorn lines stay at WARNING (each configures its own).
    supervisor = logging.getLogger("uvicorn.error")
    supervisor.setLevel(max(logging.INFO, logging.getLogger().level))
    with metrics_directory(), beside_the_workers(settings), suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[config.bind_socket()]).run()


@contextmanager
def metrics_directory() -> Iterator[None]:
    """The workers count into one directory, so that a scrape of any of them adds up all of
    them (monitoring/metrics.py); without it each scrape would answer one worker's counts, and
    the counters would jump between workers. An operator's `PROMETHEUS_MULTIPROC_DIR` is kept
    (shared with a separate `webhooks deliver`, emptied by the unit at each start); without
    one, a new private directory for this run, removed when the workers stop."""
    if os.environ.get(MULTIPROC):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="terugkeer-metrics-") as folder:
        os.environ[MULTIPROC] = folder
        try:
            yield
        finally:
            del os.environ[MULTIPROC]
