"""Over real HTTP on loopback: the logged origin comes from X-Forwarded-For only through a
configured trusted proxy (a client cannot write its own), and a Host the server was not
configured for is refused with 400 before anything else, in the channel's own form — so no
answer (the API's `Link` headers included) carries a host name a client made up."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from terugkeer.store.tables import access_log
from terugkeer.web.origin import client_address, networks
from tests.web.conftest import signed_in
from tests.web.server import MINE, Site, running_site

SPOOFED = "203.0.113.9"


def _origins(site: Site, action: str) -> list[str]:
    with site.system.engine.connect() as connection:
        return list(connection.execute(
            select(access_log.c.origin).where(access_log.c.action == action)
            .order_by(access_log.c.seq)
        ).scalars())  # fmt: skip


def test_a_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(site: Site) -> None:
    client = signed_in(site, "anna")
    page = client.get(f"/cases/{MINE}", headers={"X-Forwarded-For": SPOOFED})
    assert page.status_code == 200
    api = client.get(f"/api/v1/persons/{MINE}/events", headers={"X-Forwarded-For": SPOOFED})
    assert api.status_code == 200
    assert _origins(site, "case.read") == ["127.0.0.1"]
    assert _origins(site, "api.events.read") == ["127.0.0.1"]


@pytest.fixture
def behind_proxy(database_url: str) -> Iterator[Site]:
    """The server behind a reverse proxy on this machine (127.0.0.1) and one at 10.1.2.3."""
    with running_site(database_url, cookie_secure=False,
                      trusted_proxies="127.0.0.1,10.1.2.0/24") as running:  # fmt: skip
        yield running


def test_the_forwarded_client_is_logged_through_a_trusted_proxy(behind_proxy: Site) -> None:
    client = signed_in(behind_proxy, "anna")
    # The client forged an entry of its own; the proxies appended what they saw.
    forwarded = {"X-Forwarded-For": f"198.51.100.1, {SPOOFED}, 10.1.2.3"}
    assert client.get(f"/cases/{MINE}", headers=forwarded).status_code == 200
    api = client.get(f"/api/v1/persons/{MINE}/events", headers=forwarded)
    assert api.status_code == 200
    assert _origins(behind_proxy, "case.read") == [SPOOFED]
    assert _origins(behind_proxy, "api.events.read") == [SPOOFED]


def test_the_right_most_untrusted_address_is_the_client() -> None:
    trusted = networks(("10.0.0.0/8", "::1"))
    assert client_address("192.0.2.1", ["198.51.100.1"], trusted) == "192.0.2.1"  # no proxy
    assert client_address("10.0.0.1", [], trusted) == "10.0.0.1"  # the proxy's own request
    assert client_address("10.0.0.1", ["198.51.100.1, 10.0.0.2"], trusted) == "198.51.100.1"
    assert client_address("::1", ["x, 198.51.100.1", "2001:db8::5"], trusted) == "2001:db8::5"
    # Garbage beyond a trusted hop: the last hop that can be trusted, never the text.
    assert client_address("10.0.0.1", ["<script>, 10.0.0.7"], trusted) == "10.0.0.7"


@pytest.fixture
def named_site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False,
                      allowed_hosts="127.0.0.1,terugkeer.example") as running:  # fmt: skip
        yield running


def test_another_host_is_refused_before_anything_else(named_site: Site) -> None:
    client = signed_in(named_site, "anna")
    evil = {"Host": "evil.example"}
    page = client.get(f"/cases/{MINE}", headers=evil)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "evil.example" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    api = client.get(f"/api/v1/persons/{MINE}/events", params={"limit": 1}, headers=evil)
    assert api.status_code == 400 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["status"] == 400 and "link" not in api.headers
    assert "evil.example" not in api.text
    assert _origins(named_site, "case.read") == []  # nothing was read: refused before
    for malformed in ("evil.example, 127.0.0.1", "127.0.0.1:80/x", ""):
        assert client.get("/login", headers={"Host": malformed}).status_code == 400
    with named_site.system.engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.actor, access_log.c.channel, access_log.c.detail)
            .where(access_log.c.action == "host.refused").order_by(access_log.c.seq)
        ).all()  # fmt: skip
    assert [tuple(row) for row in logged][:4] == [
        ("-", "web", "400 host evil.example not served here"),
        ("-", "api", "400 host evil.example not served here"),
        ("-", "web", "400 host evil.example??127.0.0.1 not served here"),
        ("-", "web", "400 host 127.0.0.1:80?x not served here"),
    ]
    # An empty Host: the client sends none, or its own beside it, depending on the connection.
    assert logged[4].detail in ("400 no Host header not served here",
                                "400 several Host headers not served here")  # fmt: skip
    assert len(logged) == 5


def test_links_are_built_from_the_checked_host(named_site: Site) -> None:
    client = signed_in(named_site, "anna")
    port = httpx.URL(named_site.url).port
    answer = client.get(f"/api/v1/persons/{MINE}/events", params={"limit": 1},
                        headers={"Host": f"terugkeer.example:{port}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.headers["link"].startswith(f"<http://terugkeer.example:{port}/api/v1/")
