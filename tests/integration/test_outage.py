"""PostgreSQL stopped and started again under intake and page use (issue 29, point 2).

A throwaway cluster of the test's own (never the shared one other tests use), a real
`terugkeer serve` process on it, partners posting batches in threads and a case director
using the pages. While PostgreSQL is down the API answers 503 with Retry-After and a problem,
the pages the "try again" page that keeps a form's entry; neither ever a 500 or a traceback.
Once it is back the same server answers again, with no restart; every acknowledged event is
stored once, and `terugkeer audit verify` is clean.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from terugkeer.bench.cluster import Cluster, installed
from terugkeer.bench.load_clients import Director, EventMaker, Ledger, page_user, partner
from terugkeer.bench.servers import free_port, serve, stop
from terugkeer.bootstrap import bootstrap
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.services.users import add_user
from terugkeer.services.workplace import assign_cases
from terugkeer.settings import Settings
from terugkeer.store.tables import events
from terugkeer.store.workplace import open_cases
from tests.conftest import REQUIRE_POSTGRES
from tests.web.server import CHILD, MINE, PASSWORD, USERS, caseload

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
SOURCES = ("COA", "KMAR")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not installed():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is not installed but is required")
        pytest.skip("PostgreSQL is not installed")
    with Cluster(free_port()) as started:
        yield started


def _store(cluster: Cluster) -> tuple[str, dict[str, str]]:
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "terugkeer"'))
    admin.dispose()
    url = make_url(cluster.url).set(database="terugkeer").render_as_string(False)
    system = bootstrap(Settings(database_url=url))
    try:
        assert not ingest_lines(system, caseload()).rejected
        users = {name: add_user(system, name, role, team, PASSWORD)
                 for name, role, team in USERS if name in ("anna", "lead")}  # fmt: skip
        with system.engine.connect() as connection:
            seq_of = {v: seq for seq, v, _ in open_cases(connection)}
        assign_cases(system, users["lead"], users["anna"],
                     [(seq_of[MINE], MINE), (seq_of[CHILD], CHILD)])  # fmt: skip
        types = ["intake", "location_changed"]
        tokens = {s: add_partner(system, s.lower(), s, types) for s in SOURCES}
    finally:
        system.close()
    return url, tokens


def _signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
    token = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 303
    return client


def _interview_form(client: httpx.Client) -> tuple[str, dict[str, str]]:
    path = f"/cases/{MINE}/record/interview"
    address = client.get(path).headers["location"]
    page = client.get(address).text
    return path, {"csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0],
                  "submission": address.split("submission=")[1], "day": "10-03-2023",
                  "at": "09:30", "kind": "follow_up", "stance": "cooperating"}  # fmt: skip


def _kept_fields(page: str) -> dict[str, str]:
    form = page.split('id="send-again"')[1].split("</form>")[0]
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return {name: html.unescape(value) for name, value in found}


def test_a_postgres_restart_under_intake_loses_and_doubles_nothing(
    cluster: Cluster, tmp_path: Path
) -> None:
    url, tokens = _store(cluster)
    log = tmp_path / "server.log"
    port = free_port()
    server = serve(url, "127.0.0.1", port, log, cookie_secure="false",
                   webhook_poll_seconds="0.2")  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    ledger, done = Ledger(), threading.Event()
    clients = [threading.Thread(target=partner, args=(base, tokens[s], EventMaker(s, n, False),
                                                      ledger, done), kwargs={"pause": 0.1})
               for n, s in enumerate(SOURCES)]  # fmt: skip
    anna = Director("anna", PASSWORD, (MINE, CHILD))
    clients.append(threading.Thread(target=page_user, args=(base, anna, ledger, done),
                                    kwargs={"seed": 1, "think": (0.05, 0.2),
                                            "record_share": 0.4}))  # fmt: skip
    try:
        director = _signed_in(base)
        path, form = _interview_form(director)  # opened before the outage, sent during it
        for thread in clients:
            thread.start()
        _until(lambda: len(ledger.acknowledged) >= 40 and ledger.recorded)

        cluster.stop()
        batch = json.dumps(EventMaker("COA", 7, False).batch(3))
        headers = {"Authorization": f"Bearer {tokens['COA']}", "Content-Type": "application/json"}
        refused = httpx.post(f"{base}/api/v1/events", content=batch, headers=headers)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 0
        assert "known" in refused.json()["detail"]  # it says the batch may be sent again
        page = director.get(f"/cases/{MINE}")
        assert page.status_code == 503 and "retry-after" in page.headers
        assert "Even niet bereikbaar" in page.text and "Traceback" not in page.text
        # In the user's language; also for a visitor without a session, whose refusal's
        # access-log row cannot be written either.
        english = httpx.get(f"{base}/", cookies={"lang": "en"})
        assert english.status_code == 503 and "Briefly unavailable" in english.text
        # A password is never written back into a page: the way back to the form instead.
        login = httpx.post(f"{base}/login", data={"username": "anna", "password": PASSWORD})
        assert login.status_code == 503 and 'id="back-to-form"' in login.text
        assert PASSWORD not in login.text and "anna" not in login.text
        posted = director.post(path, data=form)
        assert posted.status_code == 503
        assert "NIET opgeslagen" in posted.text
        assert _kept_fields(posted.text) == form  # the entry is kept, to send again as it was
        _until(lambda: _seen(ledger, 503) >= 3)  # the clients met the outage too
        cluster.start()
        at_restart = len(ledger.acknowledged)

        # The same server process answers again, from the first request on: no restart.
        assert director.get(f"/cases/{MINE}").status_code == 200
        again = director.post(path, data=_kept_fields(posted.text))
        assert again.status_code == 303
        retried = httpx.post(f"{base}/api/v1/events", content=batch, headers=headers).json()
        assert retried["accepted"] + retried["known"] == 6
        _until(lambda: len(ledger.acknowledged) >= at_restart + 40)  # and the clients go on
    finally:
        done.set()
        for thread in clients:
            thread.join(timeout=120)
        stop(server)

    statuses = Counter(answer.status for answer in ledger.answers)
    assert set(statuses) <= {200, 303, 503}, statuses  # never a 500 (nor a dropped connection)
    assert all(a.retryable for a in ledger.answers if a.status == 503)
    assert not any(a.traceback for a in ledger.answers)
    assert ledger.rejected == ledger.given_up == ledger.forms_given_up == 0
    stored = _stored(url)
    acknowledged = Counter(ledger.acknowledged)
    assert all(n == 1 for n in acknowledged.values())  # a retry's "known" is the same event
    assert all(stored.get(key) == 1 for key in acknowledged), "an acknowledged event is missing"
    assert all(n == 1 for n in stored.values())
    for key in [*ledger.recorded, form["submission"]]:
        assert stored.get(("DTENV", f"dtenv-{key}")) == 1
    assert stored.get(("COA", "coa-7-1-in")) == 1  # the batch refused during the outage
    verified = subprocess.run(
        [sys.executable, "-c", "from terugkeer.cli.app import main; main()", "audit", "verify",
         "--database-url", url], capture_output=True, text=True, check=False)  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    output = log.read_text()
    assert "Traceback" not in output and "unhandled" not in output
    assert "database unavailable" in output
    # The webhook deliverer, a loop beside the requests, went on: one line as the outbox went
    # away, one as it came back, not one per poll.
    assert output.count("the outbox could not be read") == 1
    assert output.count("the outbox can be read again") == 1
    assert not re.search(r"\d{10}", output)  # no V-number in the server's log


def _seen(ledger: Ledger, status: int) -> int:
    with ledger.lock:
        return sum(1 for answer in ledger.answers if answer.status == status)


def _stored(url: str) -> dict[tuple[str, str], int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(events.c.source, events.c.id, func.count()).group_by(
                events.c.source, events.c.id
            )
        ).all()
    engine.dispose()
    return {(source, event_id): int(n) for source, event_id, n in rows}


def _until(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the clients did not get that far in time"
        time.sleep(0.05)
