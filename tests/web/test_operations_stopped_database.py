"""Readiness when the database server itself stops: a PostgreSQL cluster of this test's own
(never the shared one), started with the project's scripts/postgres.sh and stopped under the
running server."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.web.server import Site, running_site

SCRIPT = Path(__file__).parents[2] / "scripts" / "postgres.sh"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def own_cluster() -> Iterator[tuple[str, dict[str, str]]]:
    """A throwaway cluster: its URL, and the environment that stops it."""
    if not POSTGRES_URL:  # the tests' PostgreSQL is there exactly where PostgreSQL is installed
        if REQUIRE_POSTGRES:
            pytest.fail("TERUGKEER_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL (set TERUGKEER_TEST_POSTGRES_URL)")
    # Directly under /tmp: the postgres user must reach it (pytest's tmp_path is root's only).
    name = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    folder = Path("/tmp") / f"terugkeer-stopped-{name}"
    environment = {**os.environ, "TERUGKEER_TEST_PG_PORT": str(_free_port()),
                   "TERUGKEER_TEST_PG_DIR": str(folder)}  # fmt: skip
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=environment, capture_output=True,
                             text=True, timeout=120, check=True)  # fmt: skip
    url = started.stdout.strip().split("=", 1)[1]
    try:
        yield url, environment
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=environment, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site_on_own_cluster(own_cluster: tuple[str, dict[str, str]]) -> Iterator[Site]:
    url, _ = own_cluster
    with running_site(url, cookie_secure=False, webhooks_in_server=False) as running:
        yield running


def test_not_ready_while_the_database_server_is_stopped(
    site_on_own_cluster: Site, own_cluster: tuple[str, dict[str, str]]
) -> None:
    site, (_, environment) = site_on_own_cluster, own_cluster
    assert httpx.get(f"{site.url}/ready").status_code == 200
    subprocess.run(["bash", str(SCRIPT), "stop"], env=environment, timeout=120, check=True)
    answer = httpx.get(f"{site.url}/ready", timeout=60)
    assert answer.status_code == 503
    assert answer.json()["failed"] == ["database"]
    assert environment["TERUGKEER_TEST_PG_PORT"] not in answer.text  # no address to strangers
    assert httpx.get(f"{site.url}/health").status_code == 200  # the process itself answers
    scraped = httpx.get(f"{site.url}/metrics", timeout=60)
    assert scraped.status_code == 200 and "terugkeer_store_reachable 0.0" in scraped.text


#: The partners' intake answered 5xx, as the 5xx alert reads it.
INTAKE_5XX = {"channel": "api", "method": "POST", "route": "/api/v1/events", "status": "5xx"}


def _api_5xx(site: Site) -> float:
    scraped = httpx.get(f"{site.url}/metrics", timeout=60).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "terugkeer_http_request_duration_seconds_count"
        and sample.labels == INTAKE_5XX
    )


def test_a_503_of_the_outage_is_counted_and_carries_its_request_id(
    site_on_own_cluster: Site, own_cluster: tuple[str, dict[str, str]]
) -> None:
    """The seam of the outage's answer and the signals: the partner's 503 has an id to quote,
    and the 5xx alert sees it (by the route's template)."""
    site, (_, environment) = site_on_own_cluster, own_cluster
    before = _api_5xx(site)
    subprocess.run(["bash", str(SCRIPT), "stop"], env=environment, timeout=120, check=True)
    answer = httpx.post(f"{site.url}/api/v1/events", content=b"{}\n", timeout=60,
                        headers={"authorization": "Bearer not-a-token",
                                 "content-type": "application/jsonl"})  # fmt: skip
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert len(answer.headers["x-request-id"]) == 26
    assert _api_5xx(site) == before + 1
