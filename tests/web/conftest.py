from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.web.server import PASSWORD, Site, running_site


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    """The pages over real HTTP on loopback; plain-HTTP cookies for httpx's cookie jar."""
    with running_site(database_url, cookie_secure=False) as running:
        yield running


def signed_in(site: Site, name: str) -> httpx.Client:
    # httpx's 5 s default is not a statement about speed: a page that draws charts on a busy
    # CI machine (the calibration runs beside it) may take longer, and that is no failure.
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    page = client.get("/login")
    token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": PASSWORD,
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client


def csrf_of(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]
