"""What users signed in on the pages read over /api/v1 with their session cookie, over real
HTTP: the same permission table and case scope as the pages, the same answers as a partner's
token gets, every read and refusal in the access log, and no write with a cookie (CSRF)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from terugkeer.services.partners import TYPES, add_analyst, add_partner
from terugkeer.services.reach import share_person
from terugkeer.services.users import disable_user
from terugkeer.store.tables import access_log, events
from tests.integration.lines import intake
from tests.web.conftest import signed_in
from tests.web.server import CHILD, MINE, THEIRS, UNASSIGNED, WORK_DATE, Site, running_site

NOBODY = "1999999999"  # in nobody's store
ON = {"on": WORK_DATE.isoformat()}
YEAR = {"from": "2023-01-01", "to": "2023-12-31"}
PERSON_PATHS = ("/persons/{v}", "/persons/{v}/events", "/persons/{v}/worklist-items")
PROBLEM = "application/problem+json"


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False) as running:
        yield running


def _get(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    return client.get(f"/api/v1{path}", params=params)


def _token(site: Site, token: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{site.url}/api/v1{path}", params=params, timeout=30,
                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def _log(site: Site, actor: str) -> list[tuple[str, str, str | None]]:
    """(channel, action, V-number) of the actor's access-log rows but signing in and out,
    oldest first."""
    with site.system.engine.connect() as connection:
        query = (
            select(access_log.c.channel, access_log.c.action, access_log.c.v_number)
            .where(access_log.c.actor == actor, access_log.c.action.not_like("session.%"))
            .order_by(access_log.c.id)
        )
        return [(c, a, v) for c, a, v in connection.execute(query)]


def _refused(answer: httpx.Response, status: int, template: str) -> str:
    """The problem's detail, after checking it names no V-number and carries the template."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    problem = answer.json()
    assert problem["instance"] == f"/api/v1{template}"
    for v_number in (MINE, THEIRS, UNASSIGNED, CHILD, NOBODY):
        assert v_number not in answer.text
    detail: str = problem["detail"]
    return detail


def test_a_case_director_reads_their_persons_as_a_partner_token_would(site: Site) -> None:
    anna = signed_in(site, "anna")
    # A partner reading back every type and the case file, with whom anna shared MINE: the
    # same scope of content as anna's, so the answers must be the same bytes of JSON.
    token = add_partner(site.system, "dtenv", "DTENV", ["intake"], reads=[*TYPES, "case"])
    share_person(site.system, site.users["anna"], MINE, "dtenv", WORK_DATE, channel="web",
                 origin="test")  # fmt: skip
    for template in PERSON_PATHS:
        path = template.format(v=MINE)
        params = {} if template.endswith("/events") else ON
        mine = _get(anna, path, **params)
        assert mine.status_code == 200, mine.text
        assert mine.json() == _token(site, token, path, **params).json()
    case_file = _get(anna, f"/persons/{MINE}", **ON).json()
    assert case_file["v_number"] == MINE and case_file["conditions"]["in_detention"]["holds"]
    timeline = _get(anna, f"/persons/{MINE}/events").json()
    assert [e["id"] for e in timeline["items"]] == ["w-1", "w-2", "w-3", "w-4", "w-5"]
    items = _get(anna, f"/persons/{MINE}/worklist-items", **ON).json()["items"]
    assert items and "anna" not in json.dumps(items)  # the same shape: no case director in it
    assert _get(anna, f"/persons/{CHILD}", **ON).status_code == 200  # her family's child
    assert _log(site, "anna") == [
        ("web", "share.start", MINE),  # the share above: attributable to anna
        ("api", "api.case.read", MINE),
        ("api", "api.events.read", MINE),
        ("api", "api.worklist.read", MINE),
        ("api", "api.case.read", MINE),
        ("api", "api.events.read", MINE),
        ("api", "api.worklist.read", MINE),
        ("api", "api.case.read", CHILD),
    ]


def test_a_person_outside_the_scope_is_403_as_on_the_pages_and_like_nobody(site: Site) -> None:
    anna = signed_in(site, "anna")
    assert anna.get(f"/cases/{THEIRS}").status_code == 403  # what the page does
    for template in PERSON_PATHS:
        sentences = {
            _refused(_get(anna, template.format(v=v)), 403, template.replace("{v}", "{v_number}"))
            for v in (THEIRS, UNASSIGNED, NOBODY)
        }
        # A colleague's person, one nobody is assigned and one nobody knows: one sentence,
        # so a session cannot probe who is in the store.
        assert sentences == {"this case is not assigned to you or your team"}
    refusals = [(a, v) for c, a, v in _log(site, "anna") if c == "api"]
    assert ("api.case.read.refused", THEIRS) in refusals
    assert ("api.events.read.refused", UNASSIGNED) in refusals
    assert ("api.worklist.read.refused", NOBODY) in refusals
    assert not [a for a, _ in refusals if not a.endswith(".refused")]  # nothing was read
    # Her role reads no figures (GRANTS): refused, and logged.
    figures = _get(anna, "/key-figures", **YEAR)
    assert "'figures read'" in _refused(figures, 403, "/key-figures")
    assert _log(site, "anna")[-1] == ("api", "api.key_figures.read.refused", None)


def test_a_team_lead_reads_the_teams_persons_and_the_exact_figures(site: Site) -> None:
    lead = signed_in(site, "lead")
    for v_number in (MINE, CHILD):  # anna's, of team Noord
        assert _get(lead, f"/persons/{v_number}", **ON).status_code == 200
        assert _get(lead, f"/persons/{v_number}/worklist-items", **ON).status_code == 200
    detail = _refused(_get(lead, f"/persons/{THEIRS}"), 403, "/persons/{v_number}")  # Zuid
    assert detail == "this case is not assigned to you or your team"
    exact = _get(lead, "/key-figures", **YEAR, exact="true")
    assert exact.status_code == 200 and exact.json()["inflow"] == 4  # the site's four intakes
    log = _log(site, "lead")
    assert ("api", "api.case.read", MINE) in log and ("api", "api.worklist.read", CHILD) in log
    assert ("api", "api.case.read.refused", THEIRS) in log
    assert log[-1] == ("api", "api.key_figures.read", None)


def test_an_analyst_reads_figures_like_the_dashboard_and_no_person(site: Site) -> None:
    ana = signed_in(site, "ana")
    exact = _get(ana, "/key-figures", **YEAR, exact="true")
    assert exact.status_code == 200, exact.text
    assert exact.json() == _token(site, add_analyst(site.system, "wodc"), "/key-figures",
                                  **YEAR, exact="true").json()  # fmt: skip
    published = _get(ana, "/key-figures", **YEAR)  # without exact: the published form
    coa = add_partner(site.system, "coa", "COA", ["intake"])
    assert published.json() == _token(site, coa, "/key-figures", **YEAR).json()
    assert published.json()["inflow"] != exact.json()["inflow"]  # 4 is published as "<5"
    for template in PERSON_PATHS:
        answer = _get(ana, template.format(v=MINE))
        detail = _refused(answer, 403, template.replace("{v}", "{v_number}"))
        assert "the role analyst has no" in detail
    assert _log(site, "ana") == [
        ("api", "api.key_figures.read", None),
        ("api", "api.key_figures.read", None),
        ("api", "api.case.read.refused", MINE),
        ("api", "api.events.read.refused", MINE),
        ("api", "api.worklist.read.refused", MINE),
    ]


@pytest.mark.parametrize(("name", "role"), [("audi", "auditor"), ("root", "admin")])
def test_an_auditor_and_an_admin_read_no_person_and_no_figures(
    site: Site, name: str, role: str
) -> None:
    client = signed_in(site, name)
    for template in PERSON_PATHS:
        answer = _get(client, template.format(v=MINE))
        detail = _refused(answer, 403, template.replace("{v}", "{v_number}"))
        assert f"the role {role} has no" in detail and "docs/permissions.md" in detail
    assert "'figures read'" in _refused(_get(client, "/key-figures", **YEAR), 403,
                                        "/key-figures")  # fmt: skip
    # The monthly open data is public (as /cijfers): every signed-in user reads it.
    listed = _get(client, "/publications")
    assert listed.status_code == 200 and listed.json() == {"items": [], "next": None}
    assert _log(site, name) == [
        ("api", "api.case.read.refused", MINE),
        ("api", "api.events.read.refused", MINE),
        ("api", "api.worklist.read.refused", MINE),
        ("api", "api.key_figures.read.refused", None),
        ("api", "api.publications.read", None),
    ]


def test_without_a_session_or_token_every_read_is_401(site: Site) -> None:
    anna = signed_in(site, "anna")
    gone = signed_in(site, "bram")
    disable_user(site.system, "bram")  # ends his sessions at once
    paths = [t.format(v=MINE) for t in PERSON_PATHS] + ["/key-figures", "/publications"]
    for path in paths:
        params = YEAR if path == "/key-figures" else {}
        for cookies in ({}, {"terugkeer_session": "not-a-session"}, dict(gone.cookies)):
            answer = httpx.get(f"{site.url}/api/v1{path}", params=params, cookies=cookies)
            assert answer.status_code == 401, (path, cookies, answer.text)
            assert answer.headers["content-type"].startswith(PROBLEM)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert MINE not in answer.text
        # A token, when sent, decides alone: a wrong one is 401 beside a valid session.
        wrong = anna.get(f"/api/v1{path}", params=params,
                         headers={"Authorization": "Bearer not-a-token"})  # fmt: skip
        assert wrong.status_code == 401
    assert _log(site, "anna") == [] and _log(site, "bram") == []


def test_a_session_cookie_cannot_post_events(site: Site) -> None:
    """A browser sends the cookie by itself: a cookie alone must never write (CSRF)."""
    anna = signed_in(site, "anna")

    def stored() -> int:
        with site.system.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(events)).scalar_one())

    before = stored()
    event = json.loads(intake("x-1", "1000000099", "2023-03-01T10:00:00+01:00"))
    for kind, body in (("application/json", json.dumps([event])),
                       ("application/jsonl", json.dumps(event)),
                       ("text/plain", json.dumps(event))):  # fmt: skip
        answer = anna.post("/api/v1/events", content=body, headers={"Content-Type": kind})
        assert answer.status_code == 401, answer.text
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert "a signed-in session reads only" in answer.json()["detail"]
    assert stored() == before
    assert _log(site, "anna") == []


def test_the_openapi_document_names_the_cookie_for_reads_only(site: Site) -> None:
    document = httpx.get(f"{site.url}/api/v1/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["sessionCookie"]
    assert scheme == {**scheme, "type": "apiKey", "in": "cookie", "name": "terugkeer_session"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = [{"HTTPBearer": []}]
            if path == "/openapi.json":  # the document itself is public (/core/publish-openapi)
                expected = []
            elif method == "get":
                expected.append({"sessionCookie": []})
            assert operation["security"] == expected, (method, path)
