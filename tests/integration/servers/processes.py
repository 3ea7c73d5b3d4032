"""`terugkeer serve` as separate operating-system processes on free loopback ports, as an
operator runs them: several processes (or hosts) on one store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.web.server import WORK_DATE

#: What every served process is configured with (the page tests' work date; plain-HTTP
#: cookies for httpx; deliverers that look often).
SERVER_ENVIRONMENT = {
    "TERUGKEER_WORK_DATE": WORK_DATE.isoformat(),
    "TERUGKEER_COOKIE_SECURE": "false",
    "TERUGKEER_WEBHOOK_POLL_SECONDS": "0.05",
}


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL, as a crash: no shutdown, no cleanup of its own."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve_process(
    database_url: str, log_dir: Path, *, workers: int = 1, **environment: str
) -> Iterator[Served]:
    """`terugkeer serve` in a process (and session) of its own, answering on its URL; stopped
    with SIGTERM at the end (its workers with it), SIGKILLed if it does not stop."""
    port = free_port()
    command = [sys.executable, "-m", "terugkeer", "serve", "--port", str(port),
               "--workers", str(workers), "--database-url", database_url]  # fmt: skip
    log = log_dir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **SERVER_ENVIRONMENT, **environment},
        )  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_answering(served)
        yield served
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's group (a supervisor and its workers; workers outlive a
    killed supervisor), SIGKILL after 30 s."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_answering(served: Served) -> None:
    deadline = time.monotonic() + 90  # start-up imports; a busy CI machine
    while True:
        if served.process.poll() is not None:
            raise AssertionError(f"serve stopped: {served.log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{served.url}/login", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "serve did not answer in time"
        time.sleep(0.1)
