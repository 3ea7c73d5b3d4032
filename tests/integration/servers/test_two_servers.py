"""Two `terugkeer serve` processes on one store, as two hosts behind a proxy: what one accepts,
the other shows on the very next request and judges the next event against. On PostgreSQL
(the production set-up) and on a SQLite file (several workers on one machine)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from terugkeer.bootstrap import System
from terugkeer.services.partners import add_partner
from terugkeer.store.tables import access_log
from tests.integration.lines import line
from tests.integration.servers.processes import Served, serve_process
from tests.web.server import PASSWORD, THEIRS, prepared

pytestmark = pytest.mark.slow


def _signed_in(served: Served, name: str) -> httpx.Client:
    client = httpx.Client(base_url=served.url, follow_redirects=False, timeout=60)
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": PASSWORD,
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client


def _post(served: Served, token: str, *lines: str) -> list[dict[str, Any]]:
    answer = httpx.post(f"{served.url}/api/v1/events", timeout=60,
                        content="[" + ",".join(lines) + "]",
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = json.loads(answer.text)["results"]
    return results


def _moved(event_id: str, day: int, name: str) -> str:
    return line(event_id, "location_changed", THEIRS, f"2023-03-{day:02d}T10:00:00+01:00",
                {"kind": "family_location", "name": name}, source="COA")  # fmt: skip


def _logged_reason(system: System, event_id: str) -> str:
    """Why an event was rejected, as the access log keeps it for the auditor."""
    query = select(access_log.c.detail).where(
        access_log.c.action == "events.post.rejected", access_log.c.detail.contains(event_id)
    )
    with system.engine.connect() as connection:
        return str(connection.execute(query).scalar_one())


@pytest.fixture
def store(database_url: str) -> Iterator[tuple[System, str]]:
    """The page tests' caseload with its users, and a COA partner's token."""
    system, _ = prepared(database_url, cookie_secure=False)
    token = add_partner(system, "coa", "COA", ["location_changed"], reads=["location_changed"])
    yield system, token
    system.close()


def test_what_one_server_accepts_the_other_shows_and_judges_by_at_once(
    store: tuple[System, str], database_url: str, tmp_path: Path
) -> None:
    system, token = store
    # A: one process; B: two workers on one port (either may answer a request).
    with (
        serve_process(database_url, tmp_path) as a,
        serve_process(database_url, tmp_path, workers=2) as b,
    ):
        bram = _signed_in(b, "bram")  # THEIRS's case director, on B
        assert "Gezinslocatie Katwijk" not in bram.get(f"/cases/{THEIRS}").text

        # A partner's event through A's API is on B's case page on the very next request.
        [moved] = _post(a, token, _moved("coa-1", 6, "Gezinslocatie Katwijk"))
        assert moved["outcome"] == "accepted"
        assert "Gezinslocatie Katwijk" in bram.get(f"/cases/{THEIRS}").text
        # And in B's API: the partner reads its own event back there.
        read = httpx.get(f"{b.url}/api/v1/persons/{THEIRS}/events", timeout=60,
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert [event["id"] for event in read.json()["items"]] == ["coa-1"], read.text

        # The director closes the case on B (A holds THEIRS's history in memory from coa-1)...
        page = bram.get(f"/cases/{THEIRS}").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"csrf_token": csrf, "day": "2023-03-08", "at": "09:30"}
        recorded = bram.post(f"/cases/{THEIRS}/record/absconded", data=form)
        assert recorded.status_code == 303, recorded.text

        # ...so A rejects a later location for it: judged against B's event, not its memory.
        [late] = _post(a, token, _moved("coa-2", 9, "Gezinslocatie Budel"))
        assert late["outcome"] == "rejected"  # the partner hears no more (not its person),
        assert "after the closing event" in _logged_reason(system, "coa-2")  # the auditor does
        # An id B accepted is known on A, and a different content under it is a conflict.
        [again] = _post(b, token, _moved("coa-3", 7, "AZC Ter Apel"))
        assert again["outcome"] == "accepted"
        assert _post(a, token, _moved("coa-3", 7, "AZC Ter Apel"))[0]["outcome"] == "known"
        [conflict] = _post(a, token, _moved("coa-3", 7, "AZC Budel"))
        assert conflict["outcome"] == "rejected" and "conflict" in conflict["reason"]
        timeline = bram.get(f"/cases/{THEIRS}").text
        assert "AZC Ter Apel" in timeline and "Gezinslocatie Budel" not in timeline
