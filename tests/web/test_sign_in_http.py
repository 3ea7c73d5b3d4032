"""The sign-in page tells a guesser nothing: known, unknown, disabled, password-less and locked
names get the same status and the same page; the throttle's "wait" too. Sign-in and sign-out
leave their log rows with the origin."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from terugkeer.domain.permissions import Role
from terugkeer.services.users import add_user, disable_user
from terugkeer.store import users as rows
from terugkeer.store.engine import writing
from terugkeer.store.tables import access_log
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import PASSWORD, Site


def _try(site: Site, name: str, password: str) -> httpx.Response:
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
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
