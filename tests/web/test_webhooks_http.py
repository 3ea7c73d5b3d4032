"""Signed webhooks to a real receiving server on loopback: a delivery that fails twice, with a
restart of terugkeer between the failures, still arrives, verified and processed once; a dead
endpoint holds up neither intake nor another partner's deliveries; only what the agreement
reaches is sent."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from typer.testing import CliRunner

from terugkeer.bootstrap import System, bootstrap
from terugkeer.cli.app import app
from terugkeer.domain.calendar import local_date
from terugkeer.domain.reach import ESCORTED_FLIGHT
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.services.reach import add_rule
from terugkeer.services.webhooks import subscribe
from terugkeer.settings import Settings
from terugkeer.store.tables import webhook_attempts, webhook_outbox
from tests.integration.lines import line
from tests.web.conftest import signed_in
from tests.web.server import PASSWORD, THEIRS, UNASSIGNED, running_site, serving
from tests.web.webhook_receiver import black_hole, receiving

V = "3000000001"
SLOW_RETRY = {"webhook_retry_base_seconds": 30.0, "webhook_poll_seconds": 0.05}
FAST_RETRY = {"webhook_retry_base_seconds": 0.05, "webhook_poll_seconds": 0.05}


def _event(event_id: str, kind: str, day: int, data: dict[str, Any] | None = None) -> Any:
    at = f"2023-02-{day:02d}T10:00:00+01:00"
    return json.loads(line(event_id, kind, V, at, data or {}, source="COA"))


def _post(url: str, token: str, events: list[Any]) -> dict[str, Any]:
    answer = httpx.post(f"{url}/api/v1/events", json=events, timeout=10,
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def _outbox(system: System) -> list[tuple[str, str, int]]:
    query = select(webhook_outbox.c.event_id, webhook_outbox.c.state, webhook_outbox.c.attempts)
    with system.engine.connect() as connection:
        return [(e, s, a) for e, s, a in connection.execute(query.order_by(webhook_outbox.c.id))]


def _until(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_a_delivery_failing_twice_across_a_restart_arrives_once_and_verified(
    database_url: str,
) -> None:
    with receiving() as receiver:
        with running_site(database_url, cookie_secure=False, **SLOW_RETRY) as site:
            token = add_partner(site.system, "coa", "COA", ["intake", "absconded"],
                                reads=["absconded"])  # fmt: skip
            _, receiver.secret = subscribe(site.system, "coa", receiver.url, ["absconded"])
            receiver.script = ["fail", "lost", "ok"]
            intake = _event("coa-1", "intake", 1, {"nationality": "MAR", "track": "asylum"})
            gone = _event("coa-2", "absconded", 20)
            assert _post(site.url, token, [intake, gone])["accepted"] == 2
            # Not COA's person (the caseload's, reported by DTENV): nothing goes to COA.
            other = line("dt-1", "absconded", THEIRS, "2023-02-21T10:00:00+01:00")
            assert not ingest_lines(site.system, [other]).rejected
            receiver.wait_for(1)
        # terugkeer is down; the failed delivery waits in the outbox, not in memory.
        # The retry was due ~15-30 s later; the restarted server's clock is a minute on.
        restarted = bootstrap(Settings(database_url=database_url, **FAST_RETRY))
        restarted.clock = lambda: datetime.now(UTC) + timedelta(minutes=1)
        assert _outbox(restarted) == [("coa-2", "pending", 1)]
        try:
            with serving(restarted):
                receiver.wait_for(3)
                _until(lambda: _outbox(restarted)[0][1] == "delivered")
            with restarted.engine.connect() as connection:
                results = connection.execute(
                    select(webhook_attempts.c.result).order_by(webhook_attempts.c.id)
                ).scalars()
                assert list(results) == ["HTTP 500", "HTTP 503", "delivered"]
        finally:
            restarted.close()
    # The same webhook-id (sender and id) each time, each verified; processed once.
    assert receiver.requests == [("COA:coa-2", True)] * 3
    assert list(receiver.processed) == ["COA:coa-2"]
    assert receiver.processed["COA:coa-2"] == {**gone, "occurred_at": "2023-02-20T10:00:00+01:00"}
    logged = CliRunner().invoke(app, ["webhooks", "log", "--database-url", database_url])
    assert logged.exit_code == 0, logged.output
    assert logged.stdout.split("\t")[1:7] == ["coa", "coa-2", "absconded", "delivered", "3",
                                              "delivered"]  # fmt: skip


def test_a_dead_endpoint_holds_up_neither_intake_nor_another_endpoint(database_url: str) -> None:
    more = {**FAST_RETRY, "webhook_timeout_seconds": 120.0}
    with (
        running_site(database_url, cookie_secure=False, **more) as site,
        black_hole() as (
            dead_url,
            hanging,
        ),
        receiving() as receiver,
    ):
        token = add_partner(site.system, "coa", "COA", ["intake", "absconded", "location_changed"],
                            reads=["location_changed"])  # fmt: skip
        subscribe(site.system, "coa", dead_url, ["location_changed"])
        _, receiver.secret = subscribe(site.system, "coa", receiver.url, ["location_changed"])
        intake = _event("coa-1", "intake", 1, {"nationality": "MAR", "track": "asylum"})
        moved = _event("coa-2", "location_changed", 2, {"kind": "azc"})
        assert _post(site.url, token, [intake, moved])["accepted"] == 2
        assert hanging.wait(30), "the dead endpoint was never called"
        receiver.wait_for(1)
        # While that delivery hangs (up to its 120 s timeout), intake answers at once ...
        again = _event("coa-3", "location_changed", 3, {"kind": "vbl"})
        answer = _post(site.url, token, [again])
        assert answer["accepted"] == 1, answer
        # ... and the live endpoint gets the next event too.
        receiver.wait_for(2)
        assert [r[0] for r in receiver.requests] == ["COA:coa-2", "COA:coa-3"]
        _until(lambda: [row[1] for row in _outbox(site.system)].count("delivered") == 2)
        waiting = [row for row in _outbox(site.system) if row[1] != "delivered"]
        assert waiting == [("coa-2", "pending", 0), ("coa-3", "pending", 0)]  # still hanging
    with site.system.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(webhook_outbox)).scalar()
    assert count == 4  # two events, two subscriptions


def test_the_admin_sees_the_delivery_log_and_lands_on_it(database_url: str) -> None:
    with (
        running_site(database_url, cookie_secure=False, **SLOW_RETRY) as site,
        black_hole() as (
            dead_url,
            _,
        ),
    ):
        token = add_partner(site.system, "coa", "COA", ["intake", "absconded"], reads=["absconded"])
        subscribe(site.system, "coa", dead_url, ["absconded"])
        intake = _event("coa-1", "intake", 1, {"nationality": "MAR", "track": "asylum"})
        _post(site.url, token, [intake, _event("coa-2", "absconded", 20)])
        admin = httpx.Client(base_url=site.url)
        form = admin.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
        landed = admin.post("/login", data={"username": "root", "password": PASSWORD,
                                            "login_csrf": form})  # fmt: skip
        assert landed.status_code == 303 and landed.headers["location"] == "/admin/users"
        page = admin.get("/webhooks")
        assert page.status_code == 200
        assert "Afleveringen" in page.text and dead_url in page.text
        row = page.text.split('id="deliveries"')[1]
        assert "coa-2" in row and "in behandeling" in row and V not in page.text
        director = signed_in(site, "anna")
        assert director.get("/webhooks").status_code == 403


def test_a_retraction_reaches_every_subscriber_that_received_the_withdrawn_event(
    database_url: str,
) -> None:
    """EVENTS.md v1.1, "Delivery": whatever types the subscription lists."""
    with receiving() as receiver, running_site(database_url, cookie_secure=False,
                                               **FAST_RETRY) as site:  # fmt: skip
        token = add_partner(site.system, "coa", "COA", ["intake", "location_changed"],
                            reads=["location_changed"])  # fmt: skip
        _, receiver.secret = subscribe(site.system, "coa", receiver.url, ["location_changed"])
        intake = _event("coa-1", "intake", 1, {"nationality": "MAR", "track": "asylum"})
        moved = _event("coa-2", "location_changed", 2, {"kind": "azc"})
        assert _post(site.url, token, [intake, moved])["accepted"] == 2
        receiver.wait_for(1)
        wrong = _event("coa-3", "retracted", 3, {"event_id": "coa-2", "reason": "wrong_person"})
        # The agreement allows location_changed, so COA may withdraw its own; twice is once.
        assert _post(site.url, token, [wrong, wrong])["accepted"] == 1
        receiver.wait_for(2)
        _until(lambda: [s for _, s, _ in _outbox(site.system)] == ["delivered", "delivered"])
    assert [r[0] for r in receiver.requests] == ["COA:coa-2", "COA:coa-3"]
    assert receiver.processed["COA:coa-3"]["data"] == {"event_id": "coa-2",
                                                      "reason": "wrong_person"}  # fmt: skip


def test_deliveries_of_other_senders_events_follow_the_reach(database_url: str) -> None:
    """KMar hears of another sender's event only while the person is in its reach (a flight
    the agency booked with a KMar escort, due within 14 days); COA reporting on a person does
    not bring the agency's later events about them to COA (issue 26: the hole of "reported on")."""
    with running_site(database_url, cookie_secure=False, **FAST_RETRY) as site, receiving() as rx:
        system = site.system
        add_partner(system, "kmar", "KMAR", ["departed"],
                    reads=["flight_booked", "location_changed"])  # fmt: skip
        add_rule(system, "kmar", ESCORTED_FLIGHT, days=14, actor="root", origin="test")
        _, rx.secret = subscribe(system, "kmar", rx.url, ["flight_booked", "location_changed"])
        coa = add_partner(system, "coa", "COA", ["location_changed"], reads=["absconded"])
        subscribe(system, "coa", rx.url, ["absconded"])
        # The outbox is written by the event store, by its clock (the site's set-up moment).
        today = local_date(system.store.clock())
        soon, far = (
            (today + timedelta(days=3)).isoformat(),
            (today + timedelta(days=40)).isoformat(),
        )

        def flight(event_id: str, v_number: str, day: str) -> str:
            return line(event_id, "flight_booked", v_number, "2023-03-03T10:00:00+01:00",
                        {"reference": event_id, "date": day, "destination": "MAR",
                         "escort": "kmar"})  # fmt: skip

        moved = {"kind": "azc"}
        before = [
            line("a-1", "location_changed", THEIRS, "2023-03-02T10:00:00+01:00", moved),
            flight("a-2", UNASSIGNED, far),  # not due within 14 days: out of reach
        ]
        assert not ingest_lines(system, before).rejected
        # The booking brings THEIRS into reach: it is delivered, and what follows. (Reach is
        # judged when a batch commits, so an earlier event of the same batch would go too.)
        assert not ingest_lines(system, [
            flight("a-3", THEIRS, soon),
            line("a-4", "location_changed", THEIRS, "2023-03-04T10:00:00+01:00", moved),
        ]).rejected  # fmt: skip
        # COA reports on UNASSIGNED (its own event) and then the agency records an absconding.
        told = json.loads(line("c-1", "location_changed", UNASSIGNED,
                               "2023-03-05T10:00:00+01:00", moved, source="COA"))  # fmt: skip
        assert _post(site.url, coa, [told])["accepted"] == 1
        gone = line("a-5", "absconded", UNASSIGNED, "2023-03-06T10:00:00+01:00")
        assert not ingest_lines(system, [gone]).rejected
        assert [e for e, _, _ in _outbox(system)] == ["a-3", "a-4"]
        rx.wait_for(2)
    assert sorted(r[0] for r in rx.requests) == ["DTENV:a-3", "DTENV:a-4"]
    assert all(verified for _, verified in rx.requests)
