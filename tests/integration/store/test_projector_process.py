"""A bulk import's projector is a process of its own (store/projector_process.py): killed with
SIGKILL, nothing is lost. The import brings the projections up itself when its projector died;
when the import itself is killed, `terugkeer db project` does; `audit verify` is clean after
either, and says how far the projections reach while they are behind.

The importer is a real `terugkeer import -` process reading a pipe this test feeds, 20 lines to
a batch, so the test decides when the import goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from terugkeer.cli.app import app
from terugkeer.store.engine import make_engine
from terugkeer.store.projector import head_seq, projected_seq
from tests.integration.backup_helpers import person_lines, runner
from tests.integration.spawned import spawned_child, until

pytestmark = pytest.mark.slow  # subprocesses: the scheduler starts it early (conftest)

BATCH = 20


def lines(first: int, count: int) -> bytes:
    """The intake and interview of persons first… first+count-1."""
    found = [t for n in range(first, first + count) for t in person_lines(n, f"{4400000000 + n}",
                                                                      2023)[:2]]  # fmt: skip
    return "".join(f"{text}\n" for text in found).encode()


def reach(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return projected_seq(connection), head_seq(connection)


def projector_of(importer: subprocess.Popen[bytes]) -> int | None:
    """The pid of the importer's projector process (a multiprocessing child), if running."""
    return spawned_child(importer.pid)


def start_import(database_url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    assert runner.invoke(app, ["db", "upgrade", "--database-url", database_url]).exit_code == 0
    environment = {**os.environ, "TERUGKEER_IMPORT_BATCH_LINES": str(BATCH),
                   "TERUGKEER_IMPORT_PROJECTOR_AFTER": str(BATCH)}  # fmt: skip
    with (tmp_path / "import.err").open("wb") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "terugkeer", "import", "-", "--database-url", database_url],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=environment,
            start_new_session=True,
        )  # fmt: skip


def projecting(importer: subprocess.Popen[bytes], engine: Engine, *, first: int) -> int:
    """Feed three batches (the second starts the projector); once the projector has
    projected a batch, its pid."""
    assert importer.stdin is not None
    importer.stdin.write(lines(first, 30))
    importer.stdin.flush()
    until(lambda: projector_of(importer) is not None, "the projector starts")
    until(lambda: reach(engine)[0] > BATCH, "the projector projects a batch")
    projector = projector_of(importer)
    assert projector is not None
    return projector


def verify(database_url: str) -> str:
    result = runner.invoke(app, ["audit", "verify", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_import_catches_up_when_its_projector_is_killed(
    database_url: str, tmp_path: Path
) -> None:
    importer = start_import(database_url, tmp_path)
    engine = make_engine(database_url)
    try:
        projector = projecting(importer, engine, first=0)
        # It gives way to the writer, the pages and the demo's simulator.
        niceness = os.getpriority(os.PRIO_PROCESS, projector)
        assert niceness == min(os.getpriority(os.PRIO_PROCESS, importer.pid) + 10, 19)
        os.kill(projector, signal.SIGKILL)
        assert importer.stdin is not None
        importer.stdin.write(lines(30, 70))
        importer.stdin.close()
        assert importer.wait(120) == 0, (tmp_path / "import.err").read_text()
        assert reach(engine) == (200, 200)
        assert "not projected yet" not in verify(database_url)
    finally:
        importer.kill()
        engine.dispose()


def test_db_project_catches_up_after_the_import_is_killed(
    database_url: str, tmp_path: Path
) -> None:
    importer = start_import(database_url, tmp_path)
    engine = make_engine(database_url)
    try:
        projector = projecting(importer, engine, first=100)
        os.kill(projector, signal.SIGSTOP)  # held, so that it is surely behind when killed
        assert importer.stdin is not None
        importer.stdin.write(lines(130, 50))
        importer.stdin.flush()
        until(lambda: reach(engine)[1] >= 140, "the importer appends on")
        os.killpg(importer.pid, signal.SIGKILL)  # the importer and its projector
        importer.wait(30)
        projected, head = reach(engine)
        assert projected < head
        assert f"up to seq {projected} ({head - projected} after it not projected yet" in verify(
            database_url
        )
        result = runner.invoke(app, ["db", "project", "--database-url", database_url])
        assert result.exit_code == 0, result.output
        assert f"projected seq {projected + 1} to {head}" in result.output
        assert reach(engine) == (head, head)
        assert "not projected yet" not in verify(database_url)
    finally:
        if importer.poll() is None:
            os.killpg(importer.pid, signal.SIGKILL)
        engine.dispose()
