"""What operations probe and scrape, over real HTTP on loopback: /health, /ready (and why it
is not ready), /metrics after real intake, page views and a wrong password, its protection,
and the request id of each answer."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from terugkeer.services.integrity import check_integrity
from terugkeer.services.partners import add_partner
from terugkeer.services.webhooks import subscribe
from terugkeer.store.schema import HEAD_REVISION
from terugkeer.store.tables import access_log
from tests.integration.lines import intake, line
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import CHILD, MINE, THEIRS, UNASSIGNED, Site, running_site

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
NEW_ONE, NEW_TWO = "3000000001", "3000000002"
#: Ten digits standing alone (not part of a longer number or a decimal): a V-number's shape.
V_NUMBER_SHAPED = re.compile(r"(?<![\d.])\d{10}(?![\d.])")


def _samples(exposition: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _scrape(site: Site) -> tuple[str, Samples]:
    answer = httpx.get(f"{site.url}/metrics", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return answer.text, _samples(answer.text)


def test_health_and_readiness_answer_anyone_even_asked_by_address(site: Site) -> None:
    # A load balancer asks by the server's address, not its configured host name.
    by_address = {"Host": "10.1.2.3:8000"}
    health = httpx.get(f"{site.url}/health", headers=by_address)
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = httpx.get(f"{site.url}/ready", headers=by_address)
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["webhook_backlog"] == {
        "pending": 0, "oldest_pending_age_seconds": 0.0, "given_up": 0,
    }  # fmt: skip
    # Probes are no page: no refused-host row in the access log every few seconds.
    with site.system.engine.connect() as connection:
        refused = connection.execute(
            select(access_log.c.id).where(access_log.c.action == "host.refused")
        ).all()
    assert refused == []


def test_readiness_reports_the_webhook_backlog_and_its_age(site: Site) -> None:
    token = add_partner(site.system, "coa", "COA", ["intake"], reads=["intake"])
    # A partner endpoint nobody answers on: the delivery waits (the deliverer retries later).
    subscribe(site.system, "coa", "http://127.0.0.1:9/hook", ["intake"])
    posted = httpx.post(
        f"{site.url}/api/v1/events",
        content=intake("c-9", NEW_ONE, "2023-03-01T10:00:00+01:00").replace("DTENV", "COA"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/jsonl"},
    )
    assert posted.json()["accepted"] == 1
    backlog = httpx.get(f"{site.url}/ready").json()["checks"]["webhook_backlog"]
    assert backlog["pending"] == 1
    assert backlog["oldest_pending_age_seconds"] >= 0
    # Still ready: a partner's endpoint being down does not take the workplace out of service.
    assert httpx.get(f"{site.url}/ready").status_code == 200
    _, samples = _scrape(site)
    assert _value(samples, "terugkeer_webhook_backlog_pending") == 1
    # The server's deliverer tries within its poll interval and counts the failed attempt.
    failed = "terugkeer_webhook_delivery_failures_total"
    deadline = time.monotonic() + 60
    while _value(samples, failed, kind="not_reached", given_up="false") == 0:
        assert time.monotonic() < deadline, "no failed delivery counted"
        time.sleep(0.2)
        _, samples = _scrape(site)


def test_not_ready_while_the_store_is_behind_this_codes_migrations(site: Site) -> None:
    with site.system.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0016'"))
    answer = httpx.get(f"{site.url}/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "not ready" and body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == {"ok": False, "revision": "0016", "head": HEAD_REVISION}
    assert httpx.get(f"{site.url}/health").status_code == 200  # alive: a restart cures nothing


@pytest.fixture
def doomed_site(database_url: str) -> Iterator[Site]:
    if not database_url.startswith("postgresql"):
        pytest.skip("made unreachable by dropping its PostgreSQL database")
    with running_site(database_url, cookie_secure=False, webhooks_in_server=False) as running:
        yield running


def test_not_ready_when_the_database_is_gone(doomed_site: Site, database_url: str) -> None:
    assert httpx.get(f"{doomed_site.url}/ready").status_code == 200
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
    admin.dispose()
    answer = httpx.get(f"{doomed_site.url}/ready", timeout=30)
    assert answer.status_code == 503
    body = answer.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["ok"] is False
    assert str(url.port) not in answer.text and "postgres" not in answer.text.lower()
    assert httpx.get(f"{doomed_site.url}/health").status_code == 200
    exposition, samples = _scrape(doomed_site)
    assert _value(samples, "terugkeer_store_reachable") == 0
    assert "terugkeer_webhook_backlog_pending" not in exposition


def _wrong_password(site: Site, name: str) -> None:
    client = httpx.Client(base_url=site.url)
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": "not the password at all",
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 401


def test_a_scrape_counts_intake_latency_by_route_template_and_sign_in_failures(
    site: Site,
) -> None:
    _, before = _scrape(site)
    token = add_partner(site.system, "coa", "COA", ["intake"])
    send = {"Authorization": f"Bearer {token}", "Content-Type": "application/jsonl"}
    first = intake("c-1", NEW_ONE, "2023-03-01T10:00:00+01:00").replace("DTENV", "COA")
    batch = "\n".join([
        first,
        intake("c-2", NEW_TWO, "2023-03-01T10:00:00+01:00").replace("DTENV", "COA"),
        line("c-3", "intake", NEW_TWO, "2023-13-01T10:00:00+01:00", {}, source="COA"),
    ])  # fmt: skip
    answer = httpx.post(f"{site.url}/api/v1/events", content=batch, headers=send)
    assert (answer.json()["accepted"], answer.json()["rejected"]) == (2, 1)
    again = httpx.post(f"{site.url}/api/v1/events", content=first, headers=send)
    assert again.json()["known"] == 1
    anna = signed_in(site, "anna")
    assert anna.get(f"/cases/{MINE}").status_code == 200
    assert anna.get(f"/cases/{CHILD}").status_code == 200
    assert anna.get(f"/cases/{THEIRS}").status_code == 403  # another director's case
    assert anna.get(f"/api/v1/persons/{MINE}").status_code == 200
    form = {"csrf_token": csrf_of(anna.get(f"/cases/{MINE}").text), "day": "2023-03-10",
            "at": "09:30", "kind": "first", "stance": "cooperating"}  # fmt: skip
    recorded = anna.post(f"/cases/{MINE}/record/interview", data=form)
    assert recorded.status_code == 303
    _wrong_password(site, "anna")
    _wrong_password(site, "nobody-of-that-name")

    exposition, after = _scrape(site)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    intake_total = "terugkeer_intake_events_total"
    assert grew(intake_total, channel="api", outcome="accepted") == 2
    assert grew(intake_total, channel="api", outcome="rejected") == 1
    assert grew(intake_total, channel="api", outcome="known") == 1
    assert grew(intake_total, channel="page", outcome="accepted") == 1  # the interview
    latency = "terugkeer_http_request_duration_seconds_count"
    assert grew(latency, channel="page", route="/cases/{v_number}", method="GET",
                status="2xx") == 3  # fmt: skip
    assert grew(latency, channel="page", route="/cases/{v_number}/record/{event_type}",
                method="POST", status="3xx") == 1  # fmt: skip
    assert grew(latency, channel="page", route="/cases/{v_number}", method="GET",
                status="4xx") == 1  # fmt: skip
    assert grew(latency, channel="api", route="/api/v1/events", method="POST", status="2xx") == 2
    assert grew(latency, channel="api", route="/api/v1/persons/{v_number}", method="GET",
                status="2xx") == 1  # fmt: skip
    assert grew(latency, channel="page", route="/login", method="POST", status="4xx") == 2
    failures = "terugkeer_sign_in_failures_total"
    assert grew(failures, reason="wrong_password") == 1
    assert grew(failures, reason="unknown_name") == 1
    # Never a V-number, in a label or anywhere else; never a user name.
    for v_number in (MINE, CHILD, THEIRS, UNASSIGNED, NEW_ONE, NEW_TWO):
        assert v_number not in exposition
    assert V_NUMBER_SHAPED.search(exposition) is None
    assert "anna" not in exposition and "nobody-of-that-name" not in exposition


@pytest.fixture
def guarded_site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False, metrics_token="scrape-me-please",
                      webhooks_in_server=False) as running:  # fmt: skip
        yield running


def test_metrics_take_the_configured_bearer_token(guarded_site: Site) -> None:
    url = f"{guarded_site.url}/metrics"
    assert httpx.get(url).status_code == 401  # on loopback too, once a token is set
    wrong = httpx.get(url, headers={"Authorization": "Bearer guessed"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    right = httpx.get(url, headers={"Authorization": "Bearer scrape-me-please"})
    assert right.status_code == 200 and "terugkeer_intake_events_total" in right.text


def test_an_empty_token_line_is_no_token_not_a_lock_on_everyone(database_url: str) -> None:
    """`TERUGKEER_METRICS_TOKEN=` left empty in the environment file: loopback still scrapes."""
    with running_site(database_url, cookie_secure=False, metrics_token=" ",
                      webhooks_in_server=False) as running:  # fmt: skip
        assert httpx.get(f"{running.url}/metrics").status_code == 200


def test_without_a_token_metrics_answer_only_an_unforwarded_local_request(site: Site) -> None:
    assert httpx.get(f"{site.url}/metrics").status_code == 200
    # A proxy on this machine forwards the world's requests from loopback: refused.
    forwarded = httpx.get(f"{site.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 403
    assert "TERUGKEER_METRICS_TOKEN" in forwarded.text


@pytest.fixture
def proxied_site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False, trusted_proxies=["127.0.0.1"],
                      webhooks_in_server=False) as running:  # fmt: skip
        yield running


def test_every_answer_has_a_request_id_that_its_access_log_rows_carry(site: Site) -> None:
    anna = signed_in(site, "anna")
    # From an untrusted client the id it sends is ignored: it could write anything into logs.
    answer = anna.get(f"/cases/{MINE}", headers={"X-Request-ID": "made-up-by-the-client"})
    assert answer.status_code == 200
    request_id = answer.headers["x-request-id"]
    assert request_id != "made-up-by-the-client"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}", request_id)
    with site.system.engine.connect() as connection:
        read = connection.execute(
            select(access_log.c.request_id, access_log.c.action)
            .where(access_log.c.v_number == MINE, access_log.c.action == "case.read")
        ).all()  # fmt: skip
    assert [row.request_id for row in read] == [request_id]
    assert anna.get("/worklist").headers["x-request-id"] != request_id  # one per request


def test_a_trusted_proxys_request_id_is_kept_unless_it_looks_like_a_v_number(
    proxied_site: Site,
) -> None:
    anna = signed_in(proxied_site, "anna")
    kept = anna.get(f"/cases/{MINE}", headers={"X-Request-ID": "nginx-4f1c9a77e2"})
    assert kept.headers["x-request-id"] == "nginx-4f1c9a77e2"
    shaped = anna.get(f"/cases/{MINE}", headers={"X-Request-ID": f"id-{MINE}"})
    assert MINE not in shaped.headers["x-request-id"]
    with proxied_site.system.engine.connect() as connection:
        ids = connection.execute(
            select(access_log.c.request_id)
            .where(access_log.c.action == "case.read")
            .order_by(access_log.c.seq)
        ).scalars().all()  # fmt: skip
    assert ids == ["nginx-4f1c9a77e2", shaped.headers["x-request-id"]]


def test_the_access_log_chain_covers_the_request_id(site: Site) -> None:
    anna = signed_in(site, "anna")
    assert anna.get(f"/cases/{MINE}").status_code == 200
    assert check_integrity(site.system).access_log.intact
    with site.system.engine.begin() as connection:
        connection.execute(
            update(access_log)
            .where(access_log.c.action == "case.read")
            .values(request_id="another-request")
        )
    found = check_integrity(site.system).access_log
    assert not found.intact and "was changed" in (found.problem or "")


def test_the_readiness_body_is_plain_json_without_personal_data(site: Site) -> None:
    body = httpx.get(f"{site.url}/ready").text
    assert json.loads(body)["status"] == "ready"
    assert V_NUMBER_SHAPED.search(body) is None


def test_the_auditor_goes_from_a_request_id_to_its_rows_and_exports_them(site: Site) -> None:
    anna = signed_in(site, "anna")
    request_id = anna.get(f"/cases/{MINE}").headers["x-request-id"]
    anna.get(f"/cases/{CHILD}")  # another request: not in the selection
    auditor = signed_in(site, "audi")
    page = auditor.get("/audit", params={"request": request_id})
    assert page.status_code == 200
    rows = re.findall(r'<tr class="utrecht-table__row" data-action="([^"]+)">(.*?)</tr>', page.text)
    assert [action for action, _ in rows] == ["case.read"]
    assert MINE in rows[0][1] and request_id in rows[0][1]
    export = auditor.get("/audit/export.csv", params={"request": request_id})
    table = list(csv.reader(io.StringIO(export.text)))
    assert table[0][-1] == "request_id"
    assert [(row[3], row[6], row[-1]) for row in table[1:]] == [("case.read", MINE, request_id)]


def test_a_request_id_of_another_form_is_said_next_to_its_field(site: Site) -> None:
    auditor = signed_in(site, "audi")
    dutch = auditor.get("/audit", params={"request": "drop table; --"})
    assert dutch.status_code == 422
    assert 'id="e-request"' in dutch.text and "Een request-id is een code" in dutch.text
    english = auditor.get("/audit", params={"request": "a b"}, headers={"accept-language": "en"})
    assert english.status_code == 422 and "A request id is a code" in english.text
