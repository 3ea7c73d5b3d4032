"""The log of a real `terugkeer serve` process: one JSON object a line, a request id that the
access-log row of the same request carries, and no personal data; and the metrics of several
processes added up in prometheus-client's multiprocess mode."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from terugkeer.store.tables import access_log
from tests.integration.lines import intake
from tests.web.server import CHILD, MINE, PASSWORD, THEIRS, UNASSIGNED, WORK_DATE, prepared

SRC = Path(__file__).parents[2] / "src"
V_NUMBER_SHAPED = re.compile(r"(?<![\d.])\d{10}(?![\d.])")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(database_url: str, **more: str) -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC), "TERUGKEER_DATABASE_URL": database_url,
                   "TERUGKEER_COOKIE_SECURE": "false", "TERUGKEER_WORK_DATE": str(WORK_DATE),
                   "TERUGKEER_WEBHOOKS_IN_SERVER": "false", **more}  # fmt: skip
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment.update(more)
    return environment


@contextmanager
def served(environment: dict[str, str], log: Path) -> Iterator[str]:
    """`terugkeer serve` in a process of its own, its stderr to `log`; its URL."""
    port = _free_port()
    with log.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "terugkeer", "serve", "--port", str(port)],
            env=environment, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                try:
                    if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            process.send_signal(signal.SIGINT)  # as Ctrl-C: uvicorn shuts down cleanly
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _sign_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": PASSWORD,
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client


def test_the_json_log_of_a_case_read_carries_the_access_logs_request_id_and_no_v_number(
    database_url: str, tmp_path: Path
) -> None:
    system, _ = prepared(database_url, cookie_secure=False)
    log = tmp_path / "serve.log"
    environment = _environment(database_url, TERUGKEER_LOG_FORMAT="json")
    with served(environment, log) as url:
        anna = _sign_in(url, "anna")
        read = anna.get(f"/cases/{MINE}?tab=timeline&v={MINE}")
        assert read.status_code == 200
        request_id = read.headers["x-request-id"]
        assert anna.get(f"/cases/{THEIRS}").status_code == 403
    lines = [text for text in log.read_text(encoding="utf-8").splitlines() if text.strip()]
    records: list[dict[str, Any]] = [json.loads(text) for text in lines]  # each line is JSON
    mine = [r for r in records if r.get("request_id") == request_id]
    assert [r["route"] for r in mine] == ["/cases/{v_number}"]
    (entry,) = mine
    assert entry["logger"] == "terugkeer.request" and entry["level"] == "INFO"
    assert entry["method"] == "GET" and entry["status"] == 200
    assert isinstance(entry["duration_ms"], int | float) and entry["timestamp"]
    assert {r.get("route") for r in records} >= {"/login", "/cases/{v_number}"}
    with system.engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.request_id)
            .where(access_log.c.action == "case.read", access_log.c.v_number == MINE)
        ).scalars().all()  # fmt: skip
    assert logged == [request_id]
    everything = log.read_text(encoding="utf-8")
    for v_number in (MINE, CHILD, THEIRS, UNASSIGNED):
        assert v_number not in everything
    assert V_NUMBER_SHAPED.search(everything) is None
    assert "anna" not in everything and "tab=timeline" not in everything
    verified = subprocess.run(
        [sys.executable, "-m", "terugkeer", "audit", "verify"],
        env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    system.close()


def test_text_logs_for_a_terminal_name_the_request_id_too(
    database_url: str, tmp_path: Path
) -> None:
    system, _ = prepared(database_url, cookie_secure=False)
    system.close()
    log = tmp_path / "serve.log"
    with served(_environment(database_url, TERUGKEER_LOG_FORMAT="text"), log) as url:
        answer = httpx.get(f"{url}/login")
    request_id = answer.headers["x-request-id"]
    (line,) = [text for text in log.read_text().splitlines() if request_id in text]
    assert f"[{request_id}] GET /login 200" in line and " INFO terugkeer.request " in line


def _counted(exposition: str, channel: str, outcome: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "terugkeer_intake_events_total" and sample.labels == {
                "channel": channel, "outcome": outcome,
            }:  # fmt: skip
                return sample.value
    return 0.0


def test_in_multiprocess_mode_a_scrape_adds_up_every_processs_counts(
    database_url: str, tmp_path: Path
) -> None:
    """What `serve --workers N` needs: an import in another process is in the server's scrape."""
    system, _ = prepared(database_url, cookie_secure=False)
    system.close()
    shared = tmp_path / "prometheus"
    shared.mkdir()
    environment = _environment(database_url, PROMETHEUS_MULTIPROC_DIR=str(shared))
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(intake(f"m-{n}", f"40000000{n:02d}", "2023-03-01T10:00:00+01:00")
                  for n in range(3)) + "\n", encoding="utf-8",
    )  # fmt: skip
    with served(environment, tmp_path / "serve.log") as url:
        before = _counted(httpx.get(f"{url}/metrics").text, "import", "accepted")
        imported = subprocess.run(
            [sys.executable, "-m", "terugkeer", "import", str(feed)],
            env=environment, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert imported.returncode == 0, imported.stdout + imported.stderr
        after = _counted(httpx.get(f"{url}/metrics").text, "import", "accepted")
    assert after - before == 3
    assert any(shared.iterdir())  # the processes' counts are files there
