"""The sign-in page tells a guesser nothing: known, unknown, disabled, password-less and locked
names get the same status and the same page; the throttle's "wait" too. Sign-in and sign-out
leave their log rows with the origin, and so does a post refused for its form token. A
browser that signed in keeps a device cookie that gets it past an attack on its name."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from terugkeer.domain.permissions import Role
from terugkeer.services.users import add_user, disable_user
from terugkeer.store import users as rows
from terugkeer.store.engine import writing
from terugkeer.store.tables import access_log
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import PASSWORD, Site, running_site


def _try(
    site: Site, name: str, password: str, client: httpx.Client | None = None
) -> httpx.Response:
    client = client or httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    token = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
    return client.post("/login", data={"username": name, "password": password,
                                       "login_csrf": token})  # fmt: skip


def _page(answer: httpx.Response, name: str) -> str:
    """The page without what differs by design: the form's fresh token and the name typed
    (given back in its field)."""
    text = re.sub(r'name="login_csrf" value="[^"]*"', "", answer.text)
    return text.replace(f'value="{name}"', "")


def _accounts_that_cannot_sign_in(site: Site) -> None:
    add_user(site.system, "gone", Role.ANALYST, None, PASSWORD)
    disable_user(site.system, "gone")
    with writing(site.system.engine) as connection:
        rows.add_user(connection, "nopass", Role.ANALYST.value, None, rows.NO_PASSWORD, "2023")
        rows.set_user(connection, "bram", locked_until=rows.HARD_LOCK)


def test_known_and_unknown_names_get_the_same_answer(site: Site) -> None:
    _accounts_that_cannot_sign_in(site)
    wrong = _try(site, "anna", "not her password")
    assert wrong.status_code == 401
    assert "klopt niet" in wrong.text
    for name, password in (("nobody", "not her password"), ("gone", PASSWORD),
                           ("nopass", PASSWORD), ("bram", PASSWORD)):  # fmt: skip
        answer = _try(site, name, password)
        assert answer.status_code == wrong.status_code, name
        assert _page(answer, name) == _page(wrong, "anna"), name


def test_the_wait_is_said_alike_for_every_name(site: Site) -> None:
    for name in ("anna", "nobody"):
        for _ in range(5):
            assert _try(site, name, "a guess").status_code == 401
    known, unknown = _try(site, "anna", PASSWORD), _try(site, "nobody", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert known.headers["retry-after"] == unknown.headers["retry-after"] == "60"
    assert _page(known, "anna") == _page(unknown, "nobody")
    said = known.text.split('id="login-error">')[1].split("</div>")[0]
    assert "Probeer het over 1 min. opnieuw" in said
    # The real user elsewhere is another origin (services tests); here, loopback is one.


def test_sign_in_and_sign_out_are_logged_with_their_origin(site: Site) -> None:
    client = signed_in(site, "anna")
    page = client.get("/password")
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    _try(site, "anna", "a wrong one")
    with site.system.engine.connect() as connection:
        found = connection.execute(
            select(access_log.c.actor, access_log.c.channel, access_log.c.action,
                   access_log.c.origin, access_log.c.detail)
            .where(access_log.c.action.like("session.%")).order_by(access_log.c.id)
        ).all()  # fmt: skip
    assert [tuple(row) for row in found] == [
        ("anna", "web", "session.sign_in", "127.0.0.1", "ok"),
        ("anna", "web", "session.sign_out", "127.0.0.1", None),
        ("anna", "web", "session.sign_in.refused", "127.0.0.1", "wrong_password"),
    ]


def test_a_stale_form_token_is_refused_and_logged(site: Site) -> None:
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    client.get("/login")
    answer = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                         "login_csrf": "a token from yesterday"})  # fmt: skip
    assert answer.status_code == 400
    with site.system.engine.connect() as connection:
        found = connection.execute(
            select(access_log.c.actor, access_log.c.action, access_log.c.detail)
        ).all()  # fmt: skip
    assert ("anna", "session.sign_in.refused", "csrf") in [tuple(row) for row in found]


@pytest.fixture
def small_limit_site(database_url: str) -> Iterator[Site]:
    """Untrusted sign-ins for a name wait after five failures (the default: 100)."""
    with running_site(database_url, cookie_secure=False, sign_in_untrusted_limit=5) as running:
        yield running


def test_her_own_browser_signs_in_during_an_attack_on_her_name(small_limit_site: Site) -> None:
    site = small_limit_site
    hers = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    assert _try(site, "anna", PASSWORD, hers).status_code == 303
    device = next(h for h in _try(site, "anna", PASSWORD, hers).headers.get_list("set-cookie")
                  if h.startswith("device="))  # fmt: skip
    assert "HttpOnly" in device and "SameSite=strict" in device and "Max-Age=31536000" in device
    for _ in range(5):  # a stranger guesses her password
        assert _try(site, "anna", "a guess").status_code == 401
    assert _try(site, "anna", PASSWORD).status_code == 429  # a new browser waits
    assert _try(site, "anna", PASSWORD, hers).status_code == 303  # hers does not
