"""Every API call refused for its token is one access-log row (issue 31 §3): missing, unknown,
revoked, replaced past its overlap; and two Authorization headers are refused. The actor is the
partner a revoked or replaced token still names, else "-"; the token itself is never logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from terugkeer.services.partners import add_partner, revoke_partner, rotate_token
from terugkeer.store.tables import access_log
from tests.web.server import MINE, Site

PERSON = "/api/v1/persons/{v_number}"


def _refusals(site: Site) -> list[tuple[str, str, str | None, str | None]]:
    query = (
        select(access_log.c.actor, access_log.c.channel, access_log.c.v_number,
               access_log.c.detail)
        .where(access_log.c.action == "api.call.refused")
        .order_by(access_log.c.id)
    )  # fmt: skip
    with site.system.engine.connect() as connection:
        return [(a, c, v, d) for a, c, v, d in connection.execute(query)]


def _get(site: Site, path: str, *headers: tuple[str, str]) -> httpx.Response:
    return httpx.get(f"{site.url}{path}", headers=list(headers), timeout=30)


def _bearer(token: str) -> tuple[str, str]:
    return ("Authorization", f"Bearer {token}")


def _assert_problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_call_without_a_token_is_refused_and_logged(site: Site) -> None:
    _assert_problem(_get(site, f"/api/v1/persons/{MINE}"), 401)
    _assert_problem(httpx.post(f"{site.url}/api/v1/events", json=[], timeout=30), 401)
    assert _refusals(site) == [
        ("-", "api", MINE, f"401 GET {PERSON} no token or session"),
        ("-", "api", None, "401 POST /api/v1/events no bearer token"),
    ]


def test_unknown_revoked_and_replaced_tokens_are_refused_each_with_a_row(site: Site) -> None:
    unknown = "x" * 43
    revoked = add_partner(site.system, "ind", "IND", ["procedure_started"], reads=["case"])
    revoke_partner(site.system, "ind")
    old = add_partner(site.system, "kmar", "KMAR", ["location_changed"])
    new = rotate_token(site.system, "kmar")
    path = f"/api/v1/persons/{MINE}/events"
    # Within the overlap the old token still works: no refusal.
    assert _get(site, path, _bearer(old)).status_code != 401
    overlap = timedelta(hours=site.system.settings.token_overlap_hours + 1)
    site.system.clock = lambda: datetime.now(UTC) + overlap
    for token in (unknown, revoked, old):
        _assert_problem(_get(site, path, _bearer(token)), 401)
    assert _get(site, path, _bearer(new)).status_code != 401
    template = f"GET {PERSON}/events"
    assert _refusals(site) == [
        ("-", "api", MINE, f"401 {template} unknown token"),
        ("ind", "api", MINE, f"401 {template} revoked token"),
        ("kmar", "api", MINE, f"401 {template} replaced token past its overlap"),
    ]
    _assert_no_token_logged(site, unknown, revoked, old, new)


def test_two_authorization_headers_are_refused_and_logged(site: Site) -> None:
    token = add_partner(site.system, "kmar", "KMAR", ["location_changed"])
    answer = _get(site, f"/api/v1/persons/{MINE}", _bearer(token), _bearer("other"))
    _assert_problem(answer, 400)
    assert "one Authorization header" in answer.json()["detail"]
    posted = httpx.post(f"{site.url}/api/v1/events", json=[], timeout=30,
                        headers=[_bearer(token), _bearer(token)])  # fmt: skip
    _assert_problem(posted, 400)
    assert _refusals(site) == [
        ("-", "api", MINE, f"400 GET {PERSON} duplicate Authorization"),
        ("-", "api", None, "400 POST /api/v1/events duplicate Authorization"),
    ]
    _assert_no_token_logged(site, token)


def test_an_ended_session_reading_the_api_is_refused_and_logged(site: Site) -> None:
    answer = _get(site, f"/api/v1/persons/{MINE}", ("Cookie", "terugkeer_session=stale"))
    _assert_problem(answer, 401)
    assert _refusals(site) == [("-", "api", MINE, f"401 GET {PERSON} session ended or unknown")]


def _assert_no_token_logged(site: Site, *tokens: str) -> None:
    with site.system.engine.connect() as connection:
        rows = connection.execute(select(access_log)).all()
    text = " ".join(str(value) for row in rows for value in row)
    for token in tokens:
        assert token not in text
