"""The projections beside the web server (issue 30, point 3): a projector process keeps them
while the partner intake only judges and appends, and reads wait until the projections reach
what they read (services/known.py, `awaited`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from terugkeer.bootstrap import System, rules_of
from terugkeer.settings import Settings
from terugkeer.store.projector_process import projector_serving

#: What `terugkeer serve --workers` tells its workers when its projector runs (Settings).
BESIDE_VARIABLE = "TERUGKEER_PROJECTOR_BESIDE"


@contextmanager
def beside_the_server(system: System) -> Iterator[None]:
    """Within: the server of `system` (one process) has a projector beside it, when the
    settings ask for one and the store can be shared with another process."""
    if not system.settings.serve_projector:
        yield
        return
    url = system.engine.url.render_as_string(hide_password=False)  # the store served
    with projector_serving(url, system.rules) as keeper:
        system.store.beside = keeper is not None
        try:
            yield
        finally:
            system.store.beside = False


@contextmanager
def beside_the_workers(settings: Settings) -> Iterator[None]:
    """Within: `terugkeer serve --workers`' supervisor runs one projector for all its workers,
    and tells them so through the environment they are started with."""
    if not settings.serve_projector:
        yield
        return
    with projector_serving(settings.database_url, rules_of(settings)) as keeper:
        if keeper is None:
            yield
            return
        os.environ[BESIDE_VARIABLE] = "true"
        try:
            yield
        finally:
            os.environ.pop(BESIDE_VARIABLE, None)
