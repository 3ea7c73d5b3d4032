"""`terugkeer serve` keeps the projections in a projector process beside it (issue 30, point 3):
the partner intake only judges and appends, and a read waits until the projections reflect
every event recorded before it — at most a second, after which it answers from what they
reflect and says how far behind that is. The projector is held (SIGSTOP) to make it late on
purpose; killed (SIGKILL), it is started again and nothing is lost. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from terugkeer.bootstrap import bootstrap
from terugkeer.cli.app import app
from terugkeer.services.partners import add_analyst, add_partner
from terugkeer.settings import Settings
from terugkeer.store.engine import make_engine
from terugkeer.store.projector import head_seq, projected_seq
from tests.integration.backup_helpers import runner
from tests.integration.lines import line
from tests.integration.servers.processes import Served, serve_process
from tests.integration.spawned import spawned_child, until

pytestmark = pytest.mark.slow  # server processes: the scheduler starts it early (conftest)

YEAR = {"from": "2023-01-01", "to": "2023-12-31", "exact": "true"}


@pytest.fixture
def tokens(database_url: str) -> Iterator[tuple[str, str]]:
    """A COA partner's token (it sends intakes) and an analyst's (exact key figures)."""
    system = bootstrap(Settings(database_url=database_url))
    try:
        yield add_partner(system, "coa", "COA", ["intake"]), add_analyst(system, "cbs")
    finally:
        system.close()


def _intake(served: Served, token: str, number: int) -> None:
    event = line(f"coa-{number}", "intake", f"{3100000000 + number}", "2023-02-01T10:00:00+01:00",
                 {"nationality": "MAR", "track": "asylum"}, source="COA")  # fmt: skip
    answer = httpx.post(f"{served.url}/api/v1/events", content=event + "\n", timeout=60,
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/jsonl"})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text


def _figures(served: Served, token: str) -> httpx.Response:
    answer = httpx.get(f"{served.url}/api/v1/key-figures", params=YEAR, timeout=60,
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer


def _open_cases(answer: httpx.Response) -> Any:
    """The figure the projections hold: the caseload (from the cases projection)."""
    return answer.json()["caseload"]


def started_projector(served: Served) -> int:
    """The pid of the server's projector (a multiprocessing child of its process), once up."""
    until(lambda: spawned_child(served.process.pid) is not None, "the projector starts")
    found = spawned_child(served.process.pid)
    assert found is not None
    return found


def _caught_up(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return projected_seq(connection) == head_seq(connection) > 0
    finally:
        engine.dispose()


def test_a_read_waits_for_the_projector_and_says_when_it_cannot(
    database_url: str, tokens: tuple[str, str], tmp_path: Path
) -> None:
    coa, analyst = tokens
    with serve_process(database_url, tmp_path) as served:
        projector = started_projector(served)
        _intake(served, coa, 1)
        until(lambda: _caught_up(database_url), "the projector projects the first intake")
        before = _figures(served, analyst)
        assert "Terugkeer-Projections-Behind" not in before.headers
        seen = int(before.headers["Terugkeer-Projected-Seq"])

        # Held: the intake is appended, not projected; the read waits, then says so.
        os.kill(projector, signal.SIGSTOP)
        try:
            _intake(served, coa, 2)
            began = time.monotonic()
            late = _figures(served, analyst)
            waited = time.monotonic() - began
            scraped = httpx.get(f"{served.url}/metrics", timeout=60).text
        finally:
            os.kill(projector, signal.SIGCONT)
        assert waited >= 0.9, waited  # a second, less the first look
        assert late.headers["Terugkeer-Projections-Behind"] == "1"
        assert late.headers["Terugkeer-Projected-Seq"] == str(seen)
        assert _open_cases(late) == _open_cases(before)
        assert "\nterugkeer_projections_behind_events 1.0\n" in scraped  # for an alert

        # Held for a moment only: the read waits for it and sees the write.
        until(lambda: _caught_up(database_url), "the projector catches up")
        caught = _figures(served, analyst)
        os.kill(projector, signal.SIGSTOP)
        try:
            _intake(served, coa, 3)
            answers: list[httpx.Response] = []
            reader = threading.Thread(target=lambda: answers.append(_figures(served, analyst)))
            began = time.monotonic()
            reader.start()
            time.sleep(0.3)
        finally:
            os.kill(projector, signal.SIGCONT)
        reader.join(60)
        waited = time.monotonic() - began
        (answer,) = answers
        assert 0.3 <= waited < 5, waited
        assert "Terugkeer-Projections-Behind" not in answer.headers
        assert int(answer.headers["Terugkeer-Projected-Seq"]) > int(
            caught.headers["Terugkeer-Projected-Seq"]
        )
        assert _open_cases(answer) != _open_cases(caught)


def test_a_killed_projector_is_started_again_and_nothing_is_lost(
    database_url: str, tokens: tuple[str, str], tmp_path: Path
) -> None:
    coa, analyst = tokens
    with serve_process(database_url, tmp_path) as served:
        first = started_projector(served)
        # It gives way to the server, as an import's projector does.
        assert os.getpriority(os.PRIO_PROCESS, first) == min(
            os.getpriority(os.PRIO_PROCESS, served.process.pid) + 10, 19
        )
        os.kill(first, signal.SIGSTOP)
        for number in range(10, 20):
            _intake(served, coa, number)
        os.kill(first, signal.SIGKILL)
        until(lambda: spawned_child(served.process.pid) not in (None, first), "a new projector")
        until(lambda: _caught_up(database_url), "the new projector catches up")
        answer = _figures(served, analyst)
        assert "Terugkeer-Projections-Behind" not in answer.headers
        log = served.log.read_text()
        assert "the projector stopped (exit code -9); it is started again" in log
    result = runner.invoke(app, ["audit", "verify", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "projections match the events" in result.output
    assert "not projected yet" not in result.output
