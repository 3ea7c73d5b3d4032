"""Running the pages: uvicorn with the app built on the given system."""

from __future__ import annotations

from terugkeer.bootstrap import System


def run_web(system: System, host: str, port: int) -> None:
    import uvicorn

    from terugkeer.web.app import create_app

    uvicorn.run(create_app(system), host=host, port=port, log_level="warning", access_log=False)
