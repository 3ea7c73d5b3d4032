"""`terugkeer serve --workers N`: what it refuses, what it warns of, and that a worker that
dies is replaced while the others answer."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.servers.processes import serve_process

pytestmark = pytest.mark.slow


def test_several_workers_on_an_in_memory_database_are_refused_with_the_reason() -> None:
    done = CliRunner().invoke(app, ["serve", "--workers", "2", "--database-url", "sqlite://"])
    assert done.exit_code == 2
    said = " ".join(done.output.replace("│", " ").split())  # as one line, without the box
    assert "an in-memory SQLite database is one per process" in said


def _workers(supervisor: int) -> set[int]:
    """The worker processes of a uvicorn supervisor (its spawned children, not the
    multiprocessing resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return {
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    }


def test_a_worker_that_dies_is_replaced_and_the_others_answer_meanwhile(
    database_url: str, tmp_path: Path
) -> None:
    with serve_process(database_url, tmp_path, workers=2) as served:
        if database_url.startswith("sqlite"):  # said once, before the workers start
            assert "every write waits for the one before it" in served.log.read_text()
        before = _workers(served.process.pid)
        assert len(before) == 2
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        for _ in range(20):  # the port is the supervisor's: the other worker takes them all
            assert httpx.get(f"{served.url}/login", timeout=30).status_code == 200
        deadline = time.monotonic() + 60
        while len(after := _workers(served.process.pid)) < 2 or victim in after:
            assert time.monotonic() < deadline, "the dead worker was not replaced"
            time.sleep(0.2)
        assert httpx.get(f"{served.url}/login", timeout=30).status_code == 200
