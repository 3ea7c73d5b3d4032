"""One-time passwords are one-time: an account made by `users add` (or an admin, or the demo)
signs in to a page that allows nothing but choosing its own password."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from typer.testing import CliRunner

from terugkeer.cli.app import app
from terugkeer.store.tables import access_log
from tests.web.conftest import csrf_of
from tests.web.server import MINE, Site

ONE_TIME = "handed over once"
OWN = "my own good secret"


def _log_in(site: Site, name: str, password: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)
    token = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": name, "password": password,
                                         "login_csrf": token})  # fmt: skip
    return client, answer


def _cli_add(site: Site, name: str) -> None:
    url = site.system.settings.database_url
    result = CliRunner().invoke(app, ["users", "add", name, "--role", "case_director",
                                      "--team", "Noord", "--database-url", url],
                                input=ONE_TIME + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_first_sign_in_allows_nothing_but_a_new_password(site: Site) -> None:
    _cli_add(site, "dirk")
    client, answer = _log_in(site, "dirk", ONE_TIME)
    assert answer.status_code == 303 and answer.headers["location"] == "/password"
    for elsewhere in ("/", f"/cases/{MINE}", "/team", "/audit"):
        refused = client.get(elsewhere)
        assert refused.status_code == 303 and refused.headers["location"] == "/password"
    assert client.get(f"/api/v1/persons/{MINE}").status_code == 401  # nor the API
    with site.system.engine.connect() as connection:
        waiting = connection.execute(
            select(access_log.c.actor, access_log.c.v_number, access_log.c.detail)
            .where(access_log.c.action == "page.refused").order_by(access_log.c.seq)
        ).all()  # fmt: skip
    assert [(a, v) for a, v, _ in waiting][-4:] == [("dirk", None), ("dirk", MINE),
                                                    ("dirk", None), ("dirk", None)]  # fmt: skip
    assert all(d.endswith("one-time password not yet replaced") for *_, d in waiting[-4:])
    page = client.get("/password")
    assert page.status_code == 200 and 'id="forced"' in page.text
    token = csrf_of(page.text)
    for typed, field, sentence in (
        ({"current": "wrong one", "new": OWN, "repeat": OWN}, "current", "klopt niet"),
        ({"current": ONE_TIME, "new": "short", "repeat": "short"}, "new", "minstens 12 tekens"),
        ({"current": ONE_TIME, "new": "Dirk", "repeat": "Dirk"}, "new", "minstens 12"),
        ({"current": ONE_TIME, "new": ONE_TIME, "repeat": ONE_TIME}, "new", "anders zijn"),
        ({"current": ONE_TIME, "new": OWN, "repeat": OWN + "x"}, "repeat", "niet gelijk"),
    ):
        said = client.post("/password", data={"csrf_token": token, **typed})
        assert said.status_code == 422, typed
        error = said.text.split(f'id="e-{field}">')[1].split("</p>")[0]
        assert sentence in error, (typed, error)
        tied = re.search(f'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}"', said.text)
        assert tied, field  # the sentence is tied to its field
    assert client.get("/").status_code == 303  # still nothing else
    forged = client.post("/password", data={"csrf_token": "forged", "current": ONE_TIME,
                                            "new": OWN, "repeat": OWN})  # fmt: skip
    assert forged.status_code == 403
    done = client.post("/password", data={"csrf_token": token, "current": ONE_TIME,
                                          "new": OWN, "repeat": OWN})  # fmt: skip
    assert done.status_code == 303
    assert 'id="password-changed"' in client.get(done.headers["location"]).text
    assert client.get("/").status_code == 200  # the worklist, at last
    assert _log_in(site, "dirk", ONE_TIME)[1].status_code == 401  # the old one is gone
    _, landed = _log_in(site, "dirk", OWN)
    assert landed.headers["location"] == "/"  # no second change asked


def test_the_user_name_is_no_password(site: Site) -> None:
    _cli_add(site, "a-rather-long-name")
    client, _ = _log_in(site, "a-rather-long-name", ONE_TIME)
    token = csrf_of(client.get("/password").text)
    said = client.post("/password", data={"csrf_token": token, "current": ONE_TIME,
                                          "new": "A-Rather-Long-Name",
                                          "repeat": "A-Rather-Long-Name"})  # fmt: skip
    assert said.status_code == 422 and "niet uw gebruikersnaam zijn" in said.text


def test_the_change_is_logged(site: Site) -> None:
    from tests.web.conftest import signed_in

    _cli_add(site, "dirk")
    client, _ = _log_in(site, "dirk", ONE_TIME)
    token = csrf_of(client.get("/password").text)
    client.post("/password", data={"csrf_token": token, "current": ONE_TIME, "new": OWN,
                                   "repeat": OWN})  # fmt: skip
    log = signed_in(site, "audi").get("/audit", params={"user": "dirk"}).text
    assert 'data-action="password.change"' in log and "eigen wachtwoord gewijzigd" in log
    assert OWN not in log and ONE_TIME not in log


def test_a_wrong_current_password_is_logged_and_a_change_ends_the_other_sessions(
    site: Site,
) -> None:
    """Someone at an unattended session who guesses leaves a trace; whoever signed in with
    the old password elsewhere is signed out by the change."""
    from tests.web.conftest import signed_in

    _cli_add(site, "dirk")
    client, _ = _log_in(site, "dirk", ONE_TIME)
    elsewhere, _ = _log_in(site, "dirk", ONE_TIME)
    token = csrf_of(client.get("/password").text)
    wrong = client.post("/password", data={"csrf_token": token, "current": "a guess at it",
                                           "new": OWN, "repeat": OWN})  # fmt: skip
    assert wrong.status_code == 422
    client.post("/password", data={"csrf_token": token, "current": ONE_TIME, "new": OWN,
                                   "repeat": OWN})  # fmt: skip
    assert client.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").headers.get("location", "").startswith("/login")  # that one ended
    log = signed_in(site, "audi").get("/audit", params={"user": "dirk"}).text
    assert 'data-action="password.change.refused"' in log and "wrong_current" in log
    assert "a guess at it" not in log and OWN not in log


def test_a_common_password_is_refused_in_words(site: Site) -> None:
    from tests.web.conftest import signed_in

    _cli_add(site, "dirk")
    client, _ = _log_in(site, "dirk", ONE_TIME)
    token = csrf_of(client.get("/password").text)
    for common, sentence in (("Password1234", "lijst van veelgebruikte en gelekte wachtwoorden"),
                             (" " * 14, "meer dan spaties"),
                             ("dirk at the office", "gebruikersnaam zijn of bevatten"),
                             ("x" * 257, "hoogstens 256 tekens")):  # fmt: skip
        said = client.post("/password", data={"csrf_token": token, "current": ONE_TIME,
                                              "new": common, "repeat": common})  # fmt: skip
        assert said.status_code == 422, common
        assert sentence in said.text.split('id="e-new">')[1].split("</p>")[0], common
    log = signed_in(site, "audi").get("/audit", params={"user": "dirk"}).text
    assert "Password1234" not in log and "common" in log  # the reason, never the password
