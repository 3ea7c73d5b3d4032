"""What tokens read back over real HTTP: every scope rule of the partner agreement, the
analyst's aggregates-only token, cursor pagination, and the access log of every read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from terugkeer.reports.rounding import publish_count
from terugkeer.services.partners import add_analyst, add_partner, list_partners, revoke_partner
from terugkeer.store.tables import access_log
from tests.integration.lines import line
from tests.web.server import Site, caseload, running_site

V = "2000000001"  # COA took them in, KMar reported on them
OTHER = "2000000002"  # only COA reported on them
NOBODY = "2000000003"  # not in the store
INTAKES = sum(json.loads(text)["type"] == "intake" for text in caseload())  # the site's own


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False) as running:
        coa = add_partner(running.system, "coa", "COA", ["intake", "location_changed"])
        kmar = add_partner(running.system, "kmar", "KMAR", ["location_changed"])

        def intake(event_id: str, v_number: str) -> dict[str, Any]:
            data = {"nationality": "MAR", "track": "asylum"}
            at = "2023-01-02T10:00:00+01:00"
            return json.loads(line(event_id, "intake", v_number, at, data, source="COA"))

        def moved(event_id: str, v_number: str, day: int, source: str) -> dict[str, Any]:
            return json.loads(line(event_id, "location_changed", v_number,
                                   f"2023-01-{day:02d}T10:00:00+01:00", {"kind": "azc"},
                                   source=source))  # fmt: skip

        sent = [intake("c-1", V), intake("c-2", OTHER), moved("c-3", V, 3, "COA"),
                moved("c-4", OTHER, 3, "COA"), moved("c-5", V, 4, "COA")]  # fmt: skip
        assert _call(running, coa, "POST", "/events", json=sent).json()["accepted"] == 5
        answer = _call(running, kmar, "POST", "/events", json=[moved("k-1", V, 5, "KMAR")])
        assert answer.json()["accepted"] == 1
        yield running


def _holding(site: Site, name: str, source: str, types: list[str],
             reads: list[str] | None = None) -> str:  # fmt: skip
    """A token for a new account of `source`: its current holder is revoked first (a source is
    one sender at a time, EVENTS.md v1.1)."""
    for held in list_partners(site.system):
        if held.source == source and not held.revoked:
            revoke_partner(site.system, held.name)
    return add_partner(site.system, name, source, types, reads=reads or [])


def _call(site: Site, token: str, method: str, path: str, **more: Any) -> httpx.Response:
    signed = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{site.url}/api/v1{path}", headers=signed, timeout=30, **more)


def _log(site: Site, actor: str) -> list[tuple[str, str | None]]:
    with site.system.engine.connect() as connection:
        query = (
            select(access_log.c.action, access_log.c.v_number)
            .where(access_log.c.actor == actor, access_log.c.action != "events.post")
            .order_by(access_log.c.id)
        )
        return [(a, v) for a, v in connection.execute(query)]


def test_a_partner_reads_back_its_listed_types_of_its_own_persons_page_by_page(site: Site) -> None:
    token = _holding(site, "kmar-read", "KMAR", ["location_changed"],
                        reads=["location_changed"])  # fmt: skip
    # kmar-read has the source KMAR, which reported on V: the agreement is per source.
    first = _call(site, token, "GET", f"/persons/{V}/events", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [e["id"] for e in page["items"]] == ["c-3", "c-5"]  # no intake: not in its reads
    assert page["items"][0]["data"] == {"kind": "azc"} and page["items"][0]["source"] == "COA"
    assert page["next"] and 'rel="next"' in first.headers["Link"]
    rest = _call(site, token, "GET", f"/persons/{V}/events",
                 params={"cursor": page["next"], "limit": 2}).json()  # fmt: skip
    assert [e["id"] for e in rest["items"]] == ["k-1"] and rest["next"] is None
    bad = _call(site, token, "GET", f"/persons/{V}/events", params={"cursor": "bm9wZQ"})
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["name"] == "query.cursor"
    assert _log(site, "kmar-read")[:2] == [("api.events.read", V)] * 2


def test_another_partners_person_is_not_found_like_a_person_nobody_knows(site: Site) -> None:
    token = _holding(site, "kmar-read", "KMAR", ["location_changed"],
                        reads=["location_changed", "case"])  # fmt: skip
    for path in (f"/persons/{OTHER}/events", f"/persons/{OTHER}"):
        theirs = _call(site, token, "GET", path)
        unknown = _call(site, token, "GET", path.replace(OTHER, NOBODY))
        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json()["detail"] == unknown.json()["detail"]  # nothing leaks
        assert OTHER not in theirs.text
    assert ("api.events.read.refused", OTHER) in _log(site, "kmar-read")
    assert ("api.case.read.refused", OTHER) in _log(site, "kmar-read")


def test_the_case_file_only_when_the_agreement_lists_it(site: Site) -> None:
    without = _holding(site, "kmar-events", "KMAR", ["location_changed"],
                          reads=["location_changed"])  # fmt: skip
    refused = _call(site, without, "GET", f"/persons/{V}")
    assert refused.status_code == 403 and "case file" in refused.json()["detail"]
    with_case = _holding(site, "dji", "KMAR", ["location_changed"], reads=["case"])
    answer = _call(site, with_case, "GET", f"/persons/{V}", params={"on": "2023-02-01"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["v_number"] == V and found["on"] == "2023-02-01" and found["ready"] is False
    assert set(found["conditions"]) == {"legally_removable", "available", "in_detention",
                                        "travel_document"}  # fmt: skip
    assert found["conditions"]["legally_removable"]["holds"] is False
    assert found["cases"][0]["location"] == "azc" and found["cases"][0]["nationality"] == "MAR"
    # A partner with only `case` has no event types to read back.
    assert _call(site, with_case, "GET", f"/persons/{V}/events").status_code == 403
    assert ("api.case.read", V) in _log(site, "dji")


def test_the_case_file_names_a_dublin_transfer_as_the_ground(site: Site) -> None:
    """A Dublin transfer is not a return: an accepted claim makes the claimant legally
    removable without a return decision, and the case file says to which member state."""
    claimant = "2000000004"
    ind = add_partner(site.system, "ind", "IND", ["intake", "dublin_claim", "dublin_accepted"],
                      reads=["case"])  # fmt: skip
    sent = [json.loads(text) for text in (
        line("i-1", "intake", claimant, "2023-01-02T10:00:00+01:00",
             {"nationality": "AFG", "track": "dublin"}, source="IND"),
        line("i-2", "dublin_claim", claimant, "2023-01-10T10:00:00+01:00",
             {"member_state": "DEU", "kind": "take_back"}, source="IND"),
        line("i-3", "dublin_accepted", claimant, "2023-02-01T10:00:00+01:00",
             {"member_state": "DEU", "implicit": True}, source="IND"),
    )]  # fmt: skip
    assert _call(site, ind, "POST", "/events", json=sent).json()["accepted"] == 3
    answer = _call(site, ind, "GET", f"/persons/{claimant}", params={"on": "2023-03-10"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["ground"]["kind"], found["ground"]["member_state"]) == ("dublin_transfer", "DEU")
    [claim] = found["ground"]["claims"]
    assert (claim["status"], claim["implicit"], claim["deadline"]) == (
        "running",
        True,
        "2023-08-01",
    )
    legally = found["conditions"]["legally_removable"]
    assert legally["holds"] is True and legally["reason"].startswith("Dublin transfer to DEU")
    assert found["ready"] is False  # not in detention, no travel document, no location


def test_worklist_items_of_a_person_for_an_agreement_listing_the_case_file(site: Site) -> None:
    with_case = _holding(site, "dji", "KMAR", ["location_changed"], reads=["case"])
    answer = _call(site, with_case, "GET", f"/persons/{V}/worklist-items",
                   params={"on": "2023-03-01"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["on"] == "2023-03-01"
    # Taken in on 2 January and never interviewed: six weeks later the interview is due.
    [item] = [i for i in found["items"] if i["kind"] == "no_interview"]
    assert item["due"] == "2023-02-13" and item["source"]
    assert "director" not in json.dumps(found)  # who handles the case is not the partner's
    assert _call(site, with_case, "GET", f"/persons/{OTHER}/worklist-items").status_code == 404
    events_only = _holding(site, "kmar-events", "KMAR", ["location_changed"],
                              reads=["location_changed"])  # fmt: skip
    assert _call(site, events_only, "GET", f"/persons/{V}/worklist-items").status_code == 403
    assert ("api.worklist.read", V) in _log(site, "dji")


def test_an_analyst_reads_aggregates_only(site: Site) -> None:
    analyst = add_analyst(site.system, "wodc")
    for path in (f"/persons/{V}", f"/persons/{V}/events", f"/persons/{V}/worklist-items"):
        answer = _call(site, analyst, "GET", path)
        assert answer.status_code == 403 and "aggregates only" in answer.json()["detail"]
    sent = _call(site, analyst, "POST", "/events", json=[])
    assert sent.status_code == 200  # an empty batch holds nothing it may not send
    period = {"from": "2023-01-01", "to": "2023-12-31"}
    exact = _call(site, analyst, "GET", "/key-figures", params={**period, "exact": "true"})
    assert exact.status_code == 200, exact.text
    assert exact.json()["inflow"] == INTAKES + 2
    assert _log(site, "wodc")[0] == ("api.case.read.refused", V)


def test_partners_get_the_published_form_of_the_key_figures(site: Site) -> None:
    coa = _holding(site, "coa-read", "COA", ["intake"])
    published = _call(site, coa, "GET", "/key-figures",
                      params={"from": "2023-01-01", "to": "2023-12-31"})  # fmt: skip
    assert published.status_code == 200
    assert (INTAKES + 2) % 10 != 0  # so the published form differs from the exact count
    assert published.json()["inflow"] == publish_count(INTAKES + 2)
    exact = _call(site, coa, "GET", "/key-figures",
                  params={"from": "2023-01-01", "to": "2023-12-31", "exact": "true"})  # fmt: skip
    assert exact.status_code == 403
    wrong = _call(
        site, coa, "GET", "/key-figures", params={"from": "2023-02-01", "to": "2023-01-01"}
    )
    assert wrong.status_code == 400 and wrong.json()["invalid-params"][0]["name"] == "query.to"


def test_cors_is_off(site: Site) -> None:
    """No browser page of another origin may call the API with a user's or partner's token."""
    preflight = httpx.options(f"{site.url}/api/v1/key-figures", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert "access-control-allow-origin" not in preflight.headers
    plain = httpx.get(f"{site.url}/api/v1/key-figures", headers={"Origin": "https://x.example"})
    assert "access-control-allow-origin" not in plain.headers
