"""The app of one worker process of `terugkeer serve --workers N` (uvicorn imports `create`)."""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI

from terugkeer.bootstrap import bootstrap
from terugkeer.services.errors import StoreUnavailableError
from terugkeer.settings import Settings
from terugkeer.web.app import create_app

#: Seconds a worker that cannot open its store waits before it exits. uvicorn's supervisor
#: starts a dead worker again at once: without the wait, a database that is down (a restart of
#: PostgreSQL while a worker was being replaced) is tried twice a second, each try a traceback.
RETRY_SECONDS = 5.0

_log = logging.getLogger(__name__)


def create() -> FastAPI:
    """The app on a system of this process, from the environment (TERUGKEER_*). It never
    migrates: `serve` brought the schema up to date before starting the workers, and a store
    another version migrated meanwhile is refused with the command to run. Its log lines go
    out as `run_web` configures them for one process (JSON, no personal data). A store that
    cannot be opened is one log line, then the worker exits and is started again."""
    from terugkeer.monitoring.logs import configure

    settings = Settings()
    configure(settings.log_format, settings.log_level)
    try:
        system = bootstrap(settings, migrate=False)
    except StoreUnavailableError as error:  # its sentence names the store, password hidden
        _log.error("a worker cannot start: %s; it is started again in %.0f s", error,
                   RETRY_SECONDS)  # fmt: skip
        time.sleep(RETRY_SECONDS)
        raise SystemExit(1) from None
    return create_app(system)
