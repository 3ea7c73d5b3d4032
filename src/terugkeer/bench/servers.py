"""`terugkeer serve` in processes of their own on loopback ports, as two hosts would run it."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from terugkeer.services.errors import ServiceError


class ServerError(ServiceError):
    """A server that did not start, or a target that is not this machine."""


def check_loopback(host: str) -> None:
    """A load run sends its load to this machine only: never to a host someone else uses."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ServerError(f"{host} is not a loopback address: a load run stays on this machine")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def serve(url: str, host: str, port: int, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """`terugkeer serve` on `url`, its output in `log`; returns once it answers."""
    check_loopback(host)
    env = {**os.environ, "TERUGKEER_DATABASE_URL": url,
           **{f"TERUGKEER_{k.upper()}": v for k, v in settings.items()}}  # fmt: skip
    command = [sys.executable, "-c", "from terugkeer.cli.app import main; main()",
               "serve", "--host", host, "--port", str(port)]  # fmt: skip
    with log.open("ab") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://{host}:{port}/api/v1/openapi.json").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise ServerError(f"the server on port {port} did not start (its output: {log})")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
