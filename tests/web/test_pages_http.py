"""The pages over real HTTP: sign-in, lock-out, scope, CSRF, logging, headers, language."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from terugkeer.services.ingest import ingest_lines
from terugkeer.services.workplace import assign_cases
from terugkeer.store.tables import access_log
from terugkeer.store.workplace import open_cases
from tests.integration.lines import line
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import MINE, PASSWORD, THEIRS, Site


def _log(site: Site) -> list[tuple[str, str, str | None]]:
    with site.system.engine.connect() as connection:
        rows = connection.execute(
            select(access_log.c.actor, access_log.c.action, access_log.c.v_number)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _login_form(client: httpx.Client) -> str:
    page = client.get("/login")
    return page.text.split('name="login_csrf" value="')[1].split('"')[0]


def test_security_headers_on_every_response(site: Site) -> None:
    for path in ("/login", "/static/site.css", "/no-such-page", "/"):
        response = httpx.get(site.url + path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_session_cookie_is_http_only_same_site_and_secure_by_default(database_url: str) -> None:
    from tests.web.server import running_site

    with running_site(database_url, cookie_secure=True) as secure_site:
        client = httpx.Client(base_url=secure_site.url)
        token = _login_form(client)
        # httpx keeps a Secure cookie off plain HTTP (as it should): send it by hand.
        answer = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                             "login_csrf": token},
                             headers={"cookie": f"login_csrf={token}"})  # fmt: skip
        cookie = answer.headers["set-cookie"].lower()
        assert "terugkeer_session=" in cookie
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_wrong_passwords_then_a_wait_for_this_origin(site: Site) -> None:
    client = httpx.Client(base_url=site.url)
    for _ in range(5):
        answer = client.post("/login", data={"username": "anna", "password": "wrong password!",
                                             "login_csrf": _login_form(client)})  # fmt: skip
        assert answer.status_code == 401
    assert "klopt niet" in answer.text  # Dutch by default
    answer = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                         "login_csrf": _login_form(client)})  # fmt: skip
    assert answer.status_code == 429 and "Probeer het over 1 min. opnieuw" in answer.text


def test_login_without_its_form_token_is_refused(site: Site) -> None:
    answer = httpx.post(site.url + "/login", data={"username": "anna", "password": PASSWORD})
    assert answer.status_code == 400


def test_director_sees_own_worklist_and_case_not_another_directors(site: Site) -> None:
    client = signed_in(site, "anna")
    worklist = client.get("/")
    assert worklist.status_code == 200
    assert f"/cases/{MINE}" in worklist.text and THEIRS not in worklist.text
    assert "Geen vertrekgesprek sinds 2 januari 2023" in worklist.text
    case = client.get(f"/cases/{MINE}")
    assert case.status_code == 200
    assert 'data-condition="legally_removable" data-holds="yes"' in case.text
    assert 'data-condition="travel_document" data-holds="no"' in case.text
    assert "Vreemdelingenwet 2000" in case.text  # the legal source
    refused = client.get(f"/cases/{THEIRS}")
    assert refused.status_code == 403
    log = _log(site)
    assert ("anna", "case.read", MINE) in log
    assert ("anna", "case.read.refused", THEIRS) in log


def test_the_case_page_shows_a_dublin_transfer_as_the_ground(site: Site) -> None:
    """A Dublin transfer is not a return: the accepted claim is the ground, in Dutch, with
    the transfer's legal source."""
    claimant = "1000000009"
    lines = [
        line("w-d1", "intake", claimant, "2023-01-02T10:00:00+01:00",
             {"nationality": "AFG", "track": "dublin"}),
        line("w-d2", "dublin_accepted", claimant, "2023-02-01T10:00:00+01:00",
             {"member_state": "DEU", "implicit": False}),
    ]  # fmt: skip
    assert not ingest_lines(site.system, lines).rejected
    with site.system.engine.connect() as connection:
        seq = next(seq for seq, v, _ in open_cases(connection) if v == claimant)
    assign_cases(site.system, site.users["lead"], site.users["anna"], [(seq, claimant)])
    page = signed_in(site, "anna").get(f"/cases/{claimant}")
    assert page.status_code == 200
    assert 'data-condition="legally_removable" data-holds="yes"' in page.text
    assert 'data-ground="dublin_transfer"' in page.text
    assert "Beoordeeld als Dublin-overdracht naar Duitsland" in page.text
    assert "Dublin-overdracht naar Duitsland: claim aanvaard op 1 februari 2023" in page.text
    assert "Verordening (EU) 604/2013 (Dublin III), art. 26 en 29" in page.text  # Dutch


def test_the_timeline_shows_a_withdrawn_event_with_its_retraction_beside_it(site: Site) -> None:
    """EVENTS.md v1.1: the history keeps the withdrawn event, marked, with who withdrew it, when
    and why; readiness no longer counts it (the wrong passport no longer decides)."""
    from terugkeer.services.corrections import withdraw

    wrong = line("w-p1", "travel_document_valid", MINE, "2023-03-01T10:00:00+01:00",
                 {"kind": "passport", "valid_until": "2024-12-31"})  # fmt: skip
    assert not ingest_lines(site.system, [wrong]).rejected
    client = signed_in(site, "anna")
    before = client.get(f"/cases/{MINE}")
    assert 'data-condition="travel_document" data-holds="yes"' in before.text
    withdraw(site.system, site.users["anna"], MINE, "w-p1", "wrong_person", origin="test")
    page = client.get(f"/cases/{MINE}")
    assert 'data-condition="travel_document" data-holds="no"' in page.text
    row = page.text.split('class="utrecht-table__row withdrawn" data-type="travel_document_valid"')
    assert len(row) == 2, "the passport is in the timeline, marked withdrawn"
    marked = row[1].split("</tr>")[0]
    assert "ingetrokken</span>" in marked and "ingetrokken op" in marked
    assert "door anna (verkeerde persoon)" in marked
    retraction = page.text.split('data-type="retracted">')[1].split("</tr>")[0]
    assert (
        "trekt geldig reisdocument van 1 mrt 2023 10:00 in; reden: verkeerde persoon" in retraction
    )


def test_team_lead_sees_the_team_and_filters_per_director(site: Site) -> None:
    client = signed_in(site, "lead")
    assert MINE in client.get("/").text
    assert client.get(f"/cases/{MINE}").status_code == 200
    assert client.get(f"/cases/{THEIRS}").status_code == 403  # bram is in another team
    assert MINE in client.get("/", params={"director": "anna"}).text
    someone = client.get("/", params={"director": "someone-else"})  # not of the team: said
    assert someone.status_code == 400 and MINE not in someone.text


def test_signed_out_user_is_sent_to_login(site: Site) -> None:
    answer = httpx.get(site.url + f"/cases/{MINE}")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_logout_needs_the_session_csrf_token(site: Site) -> None:
    client = signed_in(site, "anna")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303  # the session is gone on the server too


def test_auditor_sees_the_log_and_no_case(site: Site) -> None:
    signed_in(site, "anna").get(f"/cases/{MINE}")
    auditor = signed_in(site, "audi")
    assert auditor.get(f"/cases/{MINE}").status_code == 403
    page = auditor.get("/audit", params={"user": "anna", "case": MINE})
    assert page.status_code == 200 and "case.read" in page.text
    assert "case.read.refused" not in auditor.get("/audit", params={"user": "anna"}).text


def test_english_by_accept_language_and_by_click(site: Site) -> None:
    client = signed_in(site, "anna")
    assert "Werkvoorraad" in client.get("/").text
    assert "Worklist" in client.get("/", headers={"accept-language": "en-GB,en;q=0.9"}).text
    switched = client.get("/language/en", params={"back": f"/cases/{MINE}"})
    assert switched.headers["location"] == f"/cases/{MINE}"
    assert "Removal readiness on 10 March 2023" in client.get(f"/cases/{MINE}").text
    for elsewhere in ("https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example"):
        assert client.get("/language/nl", params={"back": elsewhere}).headers["location"] == "/"
    page = client.get(f"/cases/{MINE}").text
    assert "Uitzetbaarheid op 10 maart 2023" in page and "Marokko" in page
