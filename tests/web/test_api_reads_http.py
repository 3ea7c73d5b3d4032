"""What tokens read back over real HTTP: every scope rule of the partner agreement and its
reach (own events always; case file and other senders' events through a share or a reach
rule, never through what the partner posted itself), the analyst's aggregates-only token,
cursor pagination, and the access log of every read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from terugkeer.domain.reach import CUSTODY, ESCORTED_FLIGHT
from terugkeer.reports.rounding import publish_count
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_analyst, add_partner, list_partners, revoke_partner
from terugkeer.services.reach import ReachError, add_rule, end_share, share_person
from terugkeer.services.workplace import assign_cases
from terugkeer.store.tables import access_log
from terugkeer.store.workplace import open_cases
from tests.integration.lines import line
from tests.web.server import (
    CHILD,
    MINE,
    THEIRS,
    UNASSIGNED,
    WORK_DATE,
    Site,
    caseload,
    running_site,
)

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
    """The actor's reads and refusals (not its writes)."""
    return [(a, v) for a, v, _ in _rows(site, actor) if not a.startswith("events.post")]


def _rows(site: Site, actor: str) -> list[tuple[str, str | None, str | None]]:
    with site.system.engine.connect() as connection:
        query = (
            select(access_log.c.action, access_log.c.v_number, access_log.c.detail)
            .where(access_log.c.actor == actor)
            .order_by(access_log.c.id)
        )
        return [(a, v, d) for a, v, d in connection.execute(query)]


def _share(site: Site, v_number: str, partner: str, days: int = 30) -> int:
    """anna (a case director) takes the person on and shares them with the partner."""
    with site.system.engine.connect() as connection:
        seq_of = {v: seq for seq, v, _ in open_cases(connection)}
    if v_number not in (MINE, CHILD):
        assign_cases(site.system, site.users["lead"], site.users["anna"],
                     [(seq_of[v_number], v_number)])  # fmt: skip
    until = WORK_DATE + timedelta(days=days)
    return share_person(site.system, site.users["anna"], v_number, partner, until,
                        channel="web", origin="test")  # fmt: skip


def _details(site: Site, actor: str, action: str) -> list[str | None]:
    with site.system.engine.connect() as connection:
        query = select(access_log.c.detail).where(access_log.c.actor == actor,
                                                  access_log.c.action == action)  # fmt: skip
        return list(connection.execute(query.order_by(access_log.c.id)).scalars())


def test_a_partner_always_reads_back_its_own_events_and_no_others(site: Site) -> None:
    token = _holding(site, "kmar-read", "KMAR", ["location_changed"],
                        reads=["location_changed"])  # fmt: skip
    # kmar-read has the source KMAR, which sent k-1 about V; COA's events about V are not its.
    answer = _call(site, token, "GET", f"/persons/{V}/events")
    assert answer.status_code == 200, answer.text
    assert [e["id"] for e in answer.json()["items"]] == ["k-1"]
    assert _details(site, "kmar-read", "api.events.read") == ["1 events own events only"]
    # A token whose agreement lists only `case` still reads its own events back.
    case_only = _holding(site, "kmar-case", "KMAR", ["location_changed"],
                            reads=["case"])  # fmt: skip
    own = _call(site, case_only, "GET", f"/persons/{V}/events")
    assert own.status_code == 200 and [e["id"] for e in own.json()["items"]] == ["k-1"]
    # ... but not the case file of a person it only reported on.
    assert _call(site, case_only, "GET", f"/persons/{V}").status_code == 404


def test_a_shared_person_is_read_with_other_senders_events_page_by_page(site: Site) -> None:
    token = _holding(site, "kmar-read", "KMAR", ["location_changed"],
                        reads=["location_changed", "case"])  # fmt: skip
    key = _share(site, V, "kmar-read")
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
    assert _call(site, token, "GET", f"/persons/{V}").status_code == 200
    assert _log(site, "kmar-read")[:2] == [("api.events.read", V)] * 2
    assert _details(site, "kmar-read", "api.events.read")[0] == f"2 events via share {key}"
    assert _details(site, "kmar-read", "api.case.read") == [f"via share {key}"]
    # The share's start is attributable, in the access log with the V-number.
    assert (V, f"share {key} with kmar-read until") == next(
        (v, (d or "")[: len(f"share {key} with kmar-read until")])
        for a, v, d in _rows(site, "anna")
        if a == "share.start"
    )
    # Ended early, by a case director: from then on, own events only and no case file.
    end_share(site.system, site.users["anna"], key, channel="web", origin="test")
    assert [e["id"] for e in _call(site, token, "GET", f"/persons/{V}/events").json()["items"]
            ] == ["k-1"]  # fmt: skip
    assert _call(site, token, "GET", f"/persons/{V}").status_code == 404
    assert ("share.end", V) in [(a, v) for a, v, _ in _rows(site, "anna")]


def test_a_share_ends_on_its_day(site: Site) -> None:
    token = add_partner(site.system, "ind", "IND", ["procedure_started"], reads=["case"])
    _share(site, THEIRS, "ind", days=3)
    assert _call(site, token, "GET", f"/persons/{THEIRS}").status_code == 200
    real = site.system.settings
    site.system.settings = real.model_copy(update={"work_date": WORK_DATE + timedelta(days=4)})
    try:
        assert _call(site, token, "GET", f"/persons/{THEIRS}").status_code == 404
    finally:
        site.system.settings = real


def test_posting_a_fact_about_a_stranger_does_not_open_their_file(site: Site) -> None:
    """The attack of issue 26: post one invented fact about a V-number, then read the person.
    The answer is the 404 of a V-number nobody knows, word for word."""
    reads = ["case", "location_changed", "detention_started", "intake"]
    dji = _holding(site, "dji", "DJI", ["detention_started"], reads=reads)
    invented = json.loads(line("dji-1", "detention_started", THEIRS, "2023-03-01T10:00:00+01:00",
                               {"ground": "vw59"}, source="DJI"))  # fmt: skip
    assert _call(site, dji, "POST", "/events", json=[invented]).json()["accepted"] == 1
    for path in (f"/persons/{THEIRS}", f"/persons/{THEIRS}/worklist-items"):
        stranger = _call(site, dji, "GET", path)
        unknown = _call(site, dji, "GET", path.replace(THEIRS, NOBODY))
        assert stranger.status_code == unknown.status_code == 404
        assert stranger.json() == {**unknown.json()}  # the same problem, instance and all
        assert THEIRS not in stranger.text
    # Its own event it reads back; nothing of anyone else's (THEIRS's DTENV intake).
    events = _call(site, dji, "GET", f"/persons/{THEIRS}/events").json()["items"]
    assert [e["id"] for e in events] == ["dji-1"]
    assert ("api.case.read.refused", THEIRS) in _log(site, "dji")


def test_a_custody_rule_lets_dji_read_the_people_the_agency_placed_in_detention(
    site: Site,
) -> None:
    dji = _holding(site, "dji", "DJI", ["detention_ended"],
                      reads=["case", "detention_started", "location_changed"])  # fmt: skip
    rule = add_rule(site.system, "dji", CUSTODY, actor="root", origin="test")
    # MINE is in detention by the agency's own record (w-3, w-4: source DTENV).
    found = _call(site, dji, "GET", f"/persons/{MINE}")
    assert found.status_code == 200, found.text
    assert found.json()["conditions"]["in_detention"]["holds"] is True
    events = _call(site, dji, "GET", f"/persons/{MINE}/events").json()["items"]
    assert [e["id"] for e in events] == ["w-3", "w-4"]
    assert _details(site, "dji", "api.case.read") == [f"via rule {rule}"]
    # THEIRS is not in detention: not found, as if unknown.
    assert _call(site, dji, "GET", f"/persons/{THEIRS}").status_code == 404
    # DJI ends the detention itself: that narrows its reach at once.
    ended = json.loads(line("dji-2", "detention_ended", MINE, "2023-03-05T10:00:00+01:00",
                            {"reason": "released_by_court"}, source="DJI"))  # fmt: skip
    assert _call(site, dji, "POST", "/events", json=[ended]).json()["accepted"] == 1
    moved = line("w-9", "location_changed", MINE, "2023-03-05T11:00:00+01:00", {"kind": "vbl"})
    assert not ingest_lines(site.system, [moved]).rejected
    assert _call(site, dji, "GET", f"/persons/{MINE}").status_code == 404
    with pytest.raises(ReachError, match="own source"):
        add_rule(site.system, "dji", CUSTODY, trusted=["DTENV", "DJI"], actor="root",
                 origin="test")  # fmt: skip


def test_an_escorted_flight_rule_lets_kmar_read_the_flights_it_is_to_carry_out(
    site: Site,
) -> None:
    kmar = _holding(site, "kmar-escort", "KMAR", ["flight_booked", "departed"],
                       reads=["case", "flight_booked"])  # fmt: skip
    add_rule(site.system, "kmar-escort", ESCORTED_FLIGHT, days=14, actor="root", origin="test")
    soon = (WORK_DATE + timedelta(days=5)).isoformat()
    later = (WORK_DATE + timedelta(days=30)).isoformat()

    def flight(event_id: str, v_number: str, day: str, source: str = "DTENV") -> str:
        return line(event_id, "flight_booked", v_number, "2023-03-01T10:00:00+01:00",
                    {"reference": event_id, "date": day, "destination": "MAR",
                     "escort": "kmar"}, source=source)  # fmt: skip

    assert not ingest_lines(site.system, [flight("f-1", THEIRS, soon),
                                          flight("f-2", UNASSIGNED, later)]).rejected  # fmt: skip
    assert _call(site, kmar, "GET", f"/persons/{THEIRS}").status_code == 200
    assert _call(site, kmar, "GET", f"/persons/{UNASSIGNED}").status_code == 404  # too far off
    # A flight KMar "books" itself is its own assertion: no reach.
    own = json.loads(flight("k-f", CHILD, soon, source="KMAR"))
    assert _call(site, kmar, "POST", "/events", json=[own]).json()["accepted"] == 1
    assert _call(site, kmar, "GET", f"/persons/{CHILD}").status_code == 404
    cancelled = line("f-3", "flight_cancelled", THEIRS, "2023-03-02T10:00:00+01:00",
                     {"reference": "f-1", "reason": "medical"})  # fmt: skip
    assert not ingest_lines(site.system, [cancelled]).rejected
    assert _call(site, kmar, "GET", f"/persons/{THEIRS}").status_code == 404


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
    _share(site, V, "dji")
    answer = _call(site, with_case, "GET", f"/persons/{V}", params={"on": "2023-02-01"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["v_number"] == V and found["on"] == "2023-02-01" and found["ready"] is False
    assert set(found["conditions"]) == {"legally_removable", "available", "in_detention",
                                        "travel_document"}  # fmt: skip
    assert found["conditions"]["legally_removable"]["holds"] is False
    assert found["cases"][0]["location"] == "azc" and found["cases"][0]["nationality"] == "MAR"
    # A partner with only `case` reads its own events back, no one else's.
    own = _call(site, with_case, "GET", f"/persons/{V}/events")
    assert own.status_code == 200 and [e["id"] for e in own.json()["items"]] == ["k-1"]
    assert ("api.case.read", V) in _log(site, "dji")


def test_worklist_items_of_a_person_for_an_agreement_listing_the_case_file(site: Site) -> None:
    with_case = _holding(site, "dji", "KMAR", ["location_changed"], reads=["case"])
    _share(site, V, "dji")
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


def test_key_figures_as_known_at_a_moment(site: Site) -> None:
    """The site's events were recorded on 10 March 2023 at 09:00 UTC (its store's clock); one
    more intake is recorded on 1 June: as known before then, the year does not hold it."""
    site.system.store.clock = lambda: datetime(2023, 6, 1, 12, tzinfo=UTC)
    coa = _holding(site, "coa-later", "COA", ["intake"])
    later = json.loads(line("c-9", "intake", "7300000099", "2023-05-30T10:00:00+02:00",
                            {"nationality": "MAR", "track": "asylum"}, source="COA"))  # fmt: skip
    assert _call(site, coa, "POST", "/events", json=[later]).json()["accepted"] == 1
    analyst = add_analyst(site.system, "wodc-as-of")
    period = {"from": "2023-01-01", "to": "2023-12-31", "exact": "true"}

    def inflow(as_of: str) -> int:
        answer = _call(site, analyst, "GET", "/key-figures", params={**period, "asOf": as_of})
        assert answer.status_code == 200, answer.text
        return int(answer.json()["inflow"])

    assert inflow("2023-03-10T08:59:59Z") == 0  # before anything was recorded
    assert inflow("2023-03-10T10:00:00+01:00") == INTAKES + 2  # that moment, inclusive
    assert inflow("2023-06-01T13:59:59+02:00") == INTAKES + 2
    assert inflow("2023-06-01T14:00:00+02:00") == INTAKES + 3
    naive = _call(site, analyst, "GET", "/key-figures",
                  params={**period, "asOf": "2023-03-10T10:00:00"})  # fmt: skip
    assert naive.status_code == 400  # a moment without an offset is no moment
    assert naive.json()["invalid-params"][0]["name"] == "query.asOf"


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
