"""The app of one worker process of `terugkeer serve --workers N` (uvicorn imports `create`)."""

from __future__ import annotations

from fastapi import FastAPI

from terugkeer.bootstrap import bootstrap
from terugkeer.web.app import create_app


def create() -> FastAPI:
    """The app on a system of this process, from the environment (TERUGKEER_*). It never
    migrates: `serve` brought the schema up to date before starting the workers, and a store
    another version migrated meanwhile is refused with the command to run. Its log lines go
    out as `run_web` configures them for one process (JSON, no personal data)."""
    from terugkeer.monitoring.logs import configure

    system = bootstrap(migrate=False)
    configure(system.settings.log_format, system.settings.log_level)
    return create_app(system)
