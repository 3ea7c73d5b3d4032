"""`terugkeer serve --workers N`: what it refuses, what it warns of, and that a worker that
dies is replaced while the others answer."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from terugkeer.cli.app import app
from tests.integration.servers.processes import free_port, serve_process

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
        # the operator is told, in the log's JSON like every other line (the collector reads
        # JSON: a line of another form is one it cannot parse)
        said = [json.loads(text) for text in served.log.read_text().splitlines() if text]
        assert any(f"[{victim}] died" in record["message"]
                   and record["logger"] == "uvicorn.error" for record in said)  # fmt: skip


def _login_pages_counted(url: str) -> float:
    """What a scrape says of the answered GETs of /login (over every worker, if it adds up)."""
    scraped = httpx.get(f"{url}/metrics", timeout=30)
    assert scraped.status_code == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
        if sample.name == "terugkeer_http_request_duration_seconds_count"
        and sample.labels["route"] == "/login"
        and sample.labels["method"] == "GET"
    )


def test_a_scrape_of_any_worker_counts_the_requests_of_every_worker(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator sets nothing: `serve --workers N` gives its workers one directory to count
    in (prometheus-client's multiprocess mode), removed when they stop."""
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with serve_process(database_url, tmp_path, workers=2) as served:
        folders = set()
        for worker in _workers(served.process.pid):
            environment = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
            named = [v for v in environment if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
            assert len(named) == 1, "a worker counts for itself alone"
            folders.add(named[0].split(b"=", 1)[1].decode())
        (folder,) = folders  # one directory, shared by the workers
        assert Path(folder).is_dir()
        before = _login_pages_counted(served.url)
        for _ in range(30):  # each on a connection of its own: the workers share them out
            assert httpx.get(f"{served.url}/login", timeout=30).status_code == 200
        for _ in range(6):  # whichever worker answers the scrape, it counts all thirty
            assert _login_pages_counted(served.url) == before + 30
    assert not Path(folder).exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_metrics_directory_that_cannot_be_written_is_refused_before_serving(
    tmp_path: Path, workers: int
) -> None:
    """Started on it, every request's count would fail with a traceback in the log while
    /ready says all is well; refused, the operator reads what to do."""
    missing, store = tmp_path / "metrics", tmp_path / "a.db"
    command = [sys.executable, "-m", "terugkeer", "serve", "--port", str(free_port()),
               "--workers", str(workers), "--database-url", f"sqlite:///{store}"]  # fmt: skip
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(missing)}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError("serve started on a metrics directory it cannot write") from None
    assert process.returncode == 2
    said = " ".join(err.decode().split())
    assert f"PROMETHEUS_MULTIPROC_DIR={missing} is not a directory this user may write in" in said
    assert not store.exists()  # refused before anything was opened


def test_a_worker_whose_database_is_down_says_so_in_one_json_line_and_exits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker started while PostgreSQL is down (it was being replaced during a restart): one
    JSON log line naming the store without its password, then an exit for the supervisor to
    start it again after a pause, instead of a traceback twice a second."""
    from terugkeer.web import worker

    url = f"postgresql+psycopg://terugkeer:secret-word@127.0.0.1:{free_port()}/terugkeer"
    monkeypatch.setenv("TERUGKEER_DATABASE_URL", url)
    monkeypatch.setenv("TERUGKEER_LOG_FORMAT", "json")
    monkeypatch.setattr(worker, "RETRY_SECONDS", 0.0)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # the worker configures the root logger
    try:
        with pytest.raises(SystemExit) as exited:
            worker.create()
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
    assert exited.value.code == 1
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    [said] = [line for line in lines if "cannot start" in line["message"]]
    assert said["level"] == "ERROR"
    assert "127.0.0.1" in said["message"] and "secret-word" not in json.dumps(lines)
