"""Serving the pages with work beside them: the server starts at once in this (the main)
thread, so that Ctrl-C and SIGTERM stop it as `run_web` does, while a second thread finishes
what the server does not need (the demo prints its key figures and hands out its accounts'
passwords once they work) and then says where the pages are.

The work is told when the server listens (`Serving.listening`) and when it stops
(`Serving.stopped`); an error in the work stops the server and is raised from `serve_beside`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from terugkeer.bootstrap import System

if TYPE_CHECKING:
    import uvicorn

#: How often the work looks whether the server listens yet (uvicorn says so in a flag only).
_LOOK = 0.02


class Serving:
    """The server as the work beside it sees it."""

    def __init__(self) -> None:
        self._server: uvicorn.Server | None = None
        self._stopped = threading.Event()

    def listening(self) -> bool:
        """Wait until the server answers (True), or has stopped or could not start (False)."""
        while not self._stopped.wait(_LOOK):
            server = self._server
            if server is not None and server.started:
                return True
        return False

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def _stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True


def serve_beside(system: System, host: str, port: int, work: Callable[[Serving], None]) -> None:
    """Serve the pages until stopped, with `work` in a thread of its own from the start (it
    runs while the app is being built); an error in it stops the server and is raised here."""
    import uvicorn

    from terugkeer.monitoring.logs import configure
    from terugkeer.services.projecting import beside_the_server
    from terugkeer.web.serve import server_config

    configure(system.settings.log_format, system.settings.log_level)
    serving, failed = Serving(), list[BaseException]()

    def beside() -> None:
        try:
            work(serving)
        except BaseException as error:  # raised in the main thread once the server stopped
            failed.append(error)
            serving._stop()

    # A daemon: Ctrl-C ends the demo at once, even while the work waits for a hash.
    thread = threading.Thread(target=beside, name="beside-the-server", daemon=True)
    thread.start()
    try:
        serving._server = uvicorn.Server(server_config(system, host, port))
        if failed:  # the work failed while the app was being built
            raise failed[0]
        with beside_the_server(system):
            serving._server.run()
    finally:
        serving._stopped.set()
    if failed:
        raise failed[0]
