"""Partner intake over real HTTP on loopback: POST /api/v1/events with scoped bearer tokens."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from terugkeer.cli.app import app as cli
from terugkeer.domain.reach import CUSTODY
from terugkeer.services.ingest import NOT_ACCEPTED, ingest_lines
from terugkeer.services.partners import PartnerError, add_partner, revoke_partner, rotate_token
from terugkeer.services.reach import add_rule, share_person
from terugkeer.store.projector import head_seq, projected_seq
from terugkeer.store.tables import access_log, events
from tests.integration.lines import departed, intake, line
from tests.web.server import MINE, THEIRS, WORK_DATE, Site, running_site

V = "2000000001"
KMAR_EXIT = line("k-2", "location_changed", V, "2023-02-01T10:00:00+01:00", {"kind": "vbl"},
                 source="KMAR")  # fmt: skip


@pytest.fixture
def api_site(database_url: str) -> Iterator[Site]:
    with running_site(database_url, cookie_secure=False, max_request_bytes=20_000,
                      token_overlap_hours=1) as site:  # fmt: skip
        yield site


def _stored(site: Site) -> int:
    with site.system.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(events)).scalar_one())


def _post(site: Site, token: str, body: str | bytes, kind: str = "application/json",
          timeout: float = 30.0) -> httpx.Response:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Content-Type": kind}
    return httpx.post(f"{site.url}/api/v1/events", content=body, headers=headers,
                      timeout=timeout)  # fmt: skip


def _batch(*lines: str) -> str:
    return json.dumps([json.loads(text) for text in lines])


def test_a_batch_gets_one_result_per_event_in_order_and_a_retry_stores_nothing_twice(
    api_site: Site,
) -> None:
    token = add_partner(api_site.system, "coa", "COA", ["intake", "location_changed"])
    wrong_date = line("c-3", "location_changed", V, "2023-13-01T10:00:00+01:00", {"kind": "azc"},
                      source="COA")  # fmt: skip
    batch = _batch(
        line("c-1", "intake", V, "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("c-2", "location_changed", V, "2023-01-03T10:00:00+01:00", {"kind": "azc"},
             source="COA"),
        wrong_date,
    )  # fmt: skip
    before = _stored(api_site)
    for _ in range(3):  # a client that timed out before any answer, and sends it again
        with contextlib.suppress(httpx.TimeoutException):
            _post(api_site, token, batch, timeout=0.001)
    answer = _post(api_site, token, batch)
    assert answer.status_code == 200, answer.text
    assert answer.headers["API-Version"] == "1.1.0"
    body = answer.json()
    assert [(r["index"], r["id"]) for r in body["results"]] == [(1, "c-1"), (2, "c-2"), (3, "c-3")]
    assert {r["outcome"] for r in body["results"][:2]} <= {"accepted", "known"}
    assert body["results"][2]["outcome"] == "rejected"
    assert body["results"][2]["reason"].startswith("occurred_at is not a valid date-time")
    again = _post(api_site, token, batch).json()
    assert (again["accepted"], again["known"], again["rejected"]) == (0, 2, 1)
    assert _stored(api_site) == before + 2
    with api_site.system.engine.connect() as connection:
        logged = connection.execute(
            select(access_log.c.action, access_log.c.detail).where(access_log.c.actor == "coa")
        ).all()
    assert ("events.post", "200 accepted=0 known=2 rejected=1") in logged
    assert all(V not in (detail or "") for _, detail in logged)  # counts, never contents


def test_json_lines_too(api_site: Site) -> None:
    token = add_partner(api_site.system, "ind", "DTENV", ["intake"])
    body = intake("i-1", V, "2023-01-02T10:00:00+01:00") + "\n\n"
    answer = _post(api_site, token, body, kind="application/x-ndjson")
    assert answer.status_code == 200 and answer.json()["accepted"] == 1


def test_another_source_or_type_refuses_the_whole_request(api_site: Site) -> None:
    token = add_partner(api_site.system, "kmar", "KMAR", ["location_changed"])
    for sent, reason in (
        (intake("x-1", V, "2023-01-02T10:00:00+01:00"), "source KMAR, not DTENV"),
        (departed("x-2", V, "2023-01-02T10:00:00+01:00"), "source KMAR, not IOM"),
        (line("x-3", "absconded", V, "2023-01-02T10:00:00+01:00", {}, source="KMAR"),
         "may not send absconded"),
    ):  # fmt: skip
        before = _stored(api_site)
        answer = _post(api_site, token, _batch(KMAR_EXIT, sent))
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert problem["status"] == 403 and problem["invalid-params"][0]["name"] == "events[2]"
        assert reason in problem["invalid-params"][0]["reason"]
        assert _stored(api_site) == before  # not even the permitted first event


def test_missing_unknown_revoked_and_replaced_tokens(api_site: Site) -> None:
    system = api_site.system
    token = add_partner(system, "iom", "IOM", ["departed"])
    empty = "[]"
    assert _post(api_site, token, empty).status_code == 200
    answer = httpx.post(f"{api_site.url}/api/v1/events", content=empty,
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert _post(api_site, "not-a-token", empty).status_code == 401

    new = rotate_token(system, "iom")
    assert _post(api_site, new, empty).status_code == 200
    assert _post(api_site, token, empty).status_code == 200  # within the 1-hour overlap
    real = system.clock
    system.clock = lambda: real() + __import__("datetime").timedelta(hours=2)
    try:
        assert _post(api_site, token, empty).status_code == 401  # past the overlap
        assert _post(api_site, new, empty).status_code == 200
    finally:
        system.clock = real
    revoke_partner(system, "iom")
    assert _post(api_site, new, empty).status_code == 401  # at once


def test_wrong_content_type_malformed_and_oversized_bodies(api_site: Site) -> None:
    token = add_partner(api_site.system, "politie", "POLITIE", ["intake"])
    plain = _post(api_site, token, "[]", kind="text/plain")
    assert plain.status_code == 415 and plain.json()["status"] == 415
    assert plain.headers["API-Version"] == "1.1.0"
    broken = _post(api_site, token, "[{")
    assert broken.status_code == 400 and broken.json()["invalid-params"][0]["name"] == "body"
    assert _post(api_site, token, '{"id": "x"}').status_code == 400  # an object, not an array
    big = _post(api_site, token, "[" + " " * 30_000 + "]")
    assert big.status_code == 413 and "20,000 bytes" in big.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while it streams
        yield b"["
        for _ in range(100):
            yield b" " * 1_000

    streamed = httpx.post(f"{api_site.url}/api/v1/events", content=chunks(),
                          headers={"Authorization": f"Bearer {token}",
                                   "Content-Type": "application/json"})  # fmt: skip
    assert streamed.status_code == 413


def test_partners_cli_prints_the_token_alone_on_its_last_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["partners", "add", "kmar", "--source", "KMAR", "--types",
                                "location_changed,departed", "--database-url", url])  # fmt: skip
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    listed = runner.invoke(cli, ["partners", "list", "--database-url", url]).stdout
    assert "kmar\tpartner\tKMAR\tdeparted,location_changed\t-\tactive" in listed
    assert token not in listed  # shown once, stored hashed
    bad = runner.invoke(cli, ["partners", "add", "x", "--source", "KMAR", "--types", "flying",
                              "--database-url", url])  # fmt: skip
    assert bad.exit_code == 1 and "unknown event type flying" in bad.stderr
    analyst = runner.invoke(cli, ["partners", "add", "wodc", "--analyst", "--database-url", url])
    assert analyst.exit_code == 0 and len(analyst.stdout.strip().splitlines()[-1]) >= 40
    neither = runner.invoke(cli, ["partners", "add", "y", "--database-url", url])
    assert neither.exit_code == 2 and "--analyst" in neither.stderr
    rotated = runner.invoke(cli, ["partners", "rotate", "kmar", "--database-url", url])
    assert rotated.exit_code == 0 and rotated.stdout.strip().splitlines()[-1] != token
    assert runner.invoke(cli, ["partners", "revoke", "kmar", "--database-url", url]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["partners", "list", "--database-url", url]).stdout


def test_another_partners_id_is_no_conflict_and_a_partner_withdraws_only_what_it_may_send(
    api_site: Site,
) -> None:
    """EVENTS.md v1.1: the idempotency key is (source, id), so one partner can neither block
    nor probe another's ids; a retraction passes the agreement by the type it withdraws."""
    system = api_site.system
    coa = add_partner(system, "coa", "COA", ["intake", "location_changed"])
    kmar = add_partner(system, "kmar", "KMAR", ["location_changed"])
    opened = line("same-1", "intake", V, "2023-01-02T10:00:00+01:00",
                  {"nationality": "MAR", "track": "asylum"}, source="COA")  # fmt: skip
    assert _post(api_site, coa, _batch(opened)).json()["accepted"] == 1
    theirs = line("same-1", "location_changed", V, "2023-01-03T10:00:00+01:00",
                  {"kind": "vbl"}, source="KMAR")  # fmt: skip
    answer = _post(api_site, kmar, _batch(theirs)).json()
    assert (answer["accepted"], answer["results"][0]["reason"]) == (1, None)
    # KMar may send location_changed, so it may withdraw its own; twice is stored once.
    withdraw = line("k-9", "retracted", V, "2023-01-04T10:00:00+01:00",
                    {"event_id": "same-1", "reason": "wrong_person"}, source="KMAR")  # fmt: skip
    twice = _post(api_site, kmar, _batch(withdraw, withdraw)).json()
    assert [r["outcome"] for r in twice["results"]] == ["accepted", "known"]
    # COA's intake is not in KMar's agreement: KMar's same-1 was withdrawn, COA's stands.
    with system.engine.connect() as connection:
        kept = connection.execute(
            select(events.c.source, events.c.type).where(events.c.id == "same-1")
        ).all()
    assert sorted(kept) == [("COA", "intake"), ("KMAR", "location_changed")]
    # A partner may withdraw only a type its agreement lists now: once COA's agreement is
    # narrowed (the source handed to a new account), its earlier location_changed stays.
    moved = line("c-7", "location_changed", V, "2023-01-05T10:00:00+01:00", {"kind": "azc"},
                 source="COA")  # fmt: skip
    assert _post(api_site, coa, _batch(moved)).json()["accepted"] == 1
    with pytest.raises(PartnerError, match="source COA is held by partner coa: revoke it first"):
        add_partner(system, "coa-narrow", "COA", ["intake"])
    revoke_partner(system, "coa")
    narrowed = add_partner(system, "coa-narrow", "COA", ["intake"])
    undo = line("c-8", "retracted", V, "2023-01-06T10:00:00+01:00",
                {"event_id": "c-7", "reason": "entered_in_error"}, source="COA")  # fmt: skip
    refused = _post(api_site, narrowed, _batch(undo))
    assert refused.status_code == 403
    assert "may not send location_changed events" in refused.text


def _rejections(site: Site, actor: str) -> list[tuple[str | None, str]]:
    with site.system.engine.connect() as connection:
        query = select(access_log.c.v_number, access_log.c.detail).where(
            access_log.c.actor == actor, access_log.c.action == "events.post.rejected"
        )  # fmt: skip
        return [(v, d or "") for v, d in connection.execute(query.order_by(access_log.c.id))]


def test_a_rejection_tells_a_partner_nothing_about_persons_outside_its_reach(
    api_site: Site,
) -> None:
    """The oracle of issue 26: one sentence whether or not the person or the event exists;
    the real reasons, with the V-numbers, in the access log (for the auditor only)."""
    token = add_partner(api_site.system, "kmar", "KMAR",
                        ["flight_cancelled", "detention_started", "location_changed"])  # fmt: skip
    closed = "2000000009"
    assert not ingest_lines(api_site.system, [
        intake("d-1", closed, "2023-01-02T10:00:00+01:00"),
        departed("d-2", closed, "2023-01-09T10:00:00+01:00"),
    ]).rejected  # fmt: skip
    nobody = "2999999999"
    at = "2023-03-03T10:00:00+01:00"
    probes = [
        # An unknown flight reference, for a person in the caseload and for nobody.
        line("p-1", "flight_cancelled", THEIRS, at, {"reference": "x", "reason": "other"},
             source="KMAR"),
        line("p-2", "flight_cancelled", nobody, at, {"reference": "x", "reason": "other"},
             source="KMAR"),
        # An event for a person whose case is closed, and for nobody.
        line("p-3", "detention_started", closed, at, {"ground": "vw59"}, source="KMAR"),
        line("p-4", "detention_started", nobody, at, {"ground": "vw59"}, source="KMAR"),
    ]  # fmt: skip
    answer = _post(api_site, token, _batch(*probes))
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["outcome"] for r in results] == ["rejected"] * 4
    assert {r["reason"] for r in results} == {NOT_ACCEPTED}  # one sentence for all four
    assert all(v not in answer.text for v in (THEIRS, closed, nobody))
    logged = _rejections(api_site, "kmar")
    assert [v for v, _ in logged] == [THEIRS, nobody, closed, nobody]
    assert len({d.split(": ", 1)[1] for _, d in logged}) >= 2  # the real, differing reasons
    assert all(NOT_ACCEPTED not in d for _, d in logged)
    with api_site.system.engine.connect() as connection:
        query = select(access_log.c.v_number).where(
            access_log.c.actor == "kmar", access_log.c.action == "events.post.person"
        )
        touched = set(connection.execute(query).scalars())
    assert touched == {THEIRS, nobody, closed}


def test_within_its_reach_a_partner_gets_the_real_reason(api_site: Site) -> None:
    token = add_partner(api_site.system, "kmar", "KMAR", ["flight_cancelled", "location_changed"])
    until = WORK_DATE + timedelta(days=7)
    share_person(api_site.system, api_site.users["anna"], MINE, "kmar", until, channel="web",
                 origin="test")  # fmt: skip
    cancel = line("p-1", "flight_cancelled", MINE, "2023-03-03T10:00:00+01:00",
                  {"reference": "x", "reason": "other"}, source="KMAR")  # fmt: skip
    moved = line("p-2", "location_changed", THEIRS, "2023-03-03T10:00:00+01:00",
                 {"kind": "azc"}, source="KMAR")  # fmt: skip
    first = _post(api_site, token, _batch(cancel, moved)).json()["results"]
    assert first[0]["outcome"] == "rejected" and first[0]["reason"] != NOT_ACCEPTED
    assert first[1]["outcome"] == "accepted"
    # Its own earlier message, sent again with other content: the conflict is no oracle.
    other = line("p-2", "location_changed", THEIRS, "2023-03-03T10:00:00+01:00",
                 {"kind": "vbl"}, source="KMAR")  # fmt: skip
    again = _post(api_site, token, _batch(other)).json()["results"][0]
    assert again["outcome"] == "rejected" and "conflict" in again["reason"]
    # A line the parser refuses depends on nothing stored: its reason stays.
    wrong = line("p-3", "location_changed", THEIRS, "2023-03-03T10:00:00+01:00",
                 {"kind": "castle"}, source="KMAR")  # fmt: skip
    shaped = _post(api_site, token, _batch(wrong)).json()["results"][0]
    assert shaped["outcome"] == "rejected" and "data.kind" in shaped["reason"]
    logged = {d: v for v, d in _rejections(api_site, "kmar")}
    assert logged[("#1 p-3: " + shaped["reason"])[:120]] == THEIRS


def test_reach_is_judged_on_the_batch_though_the_projections_lag(api_site: Site) -> None:
    """With a projector beside the server (`beside`; here none runs, so the projections stay
    behind), whether a partner hears a rejection's reason is still judged on everything stored
    before it: the custody that brings the person into DJI's reach was appended, not projected,
    and still counts."""
    api_site.system.store.beside = True
    dji = add_partner(api_site.system, "dji", "DJI", ["flight_cancelled"])
    add_rule(api_site.system, "dji", CUSTODY, actor="root", origin="test")
    held, free = "2000000011", "2000000012"
    at = "2023-04-01T10:00:00+02:00"
    assert not ingest_lines(api_site.system, [
        intake("h-1", held, at), intake("h-2", free, at),
        line("h-3", "detention_started", held, at.replace("T10", "T11"), {"ground": "vw59"}),
    ]).rejected  # fmt: skip
    with api_site.system.engine.connect() as connection:
        assert projected_seq(connection) < head_seq(connection)  # the custody is not projected
    cancels = [
        line(
            f"c-{v}",
            "flight_cancelled",
            v,
            at.replace("T10", "T12"),
            {"reference": "x", "reason": "other"},
            source="DJI",
        )
        for v in (held, free)
    ]
    results = _post(api_site, dji, _batch(*cancels)).json()["results"]
    assert [r["outcome"] for r in results] == ["rejected", "rejected"]
    assert results[0]["reason"] != NOT_ACCEPTED  # in custody: in its reach
    assert results[1]["reason"] == NOT_ACCEPTED  # not in custody: nothing told


def test_a_file_import_by_the_agency_keeps_its_reasons(api_site: Site) -> None:
    summary = ingest_lines(api_site.system, [
        line("f-1", "flight_cancelled", THEIRS, "2023-03-03T10:00:00+01:00",
             {"reference": "x", "reason": "other"})])  # fmt: skip
    [rejected] = summary.rejected
    assert rejected.error is not None and rejected.error != NOT_ACCEPTED


def test_withdrawing_its_own_event_a_partner_hears_its_own_dependants_outside_its_reach(
    api_site: Site,
) -> None:
    """EVENTS.md v1.1: the rejection names the sender's own dependants, which tell it nothing
    about the person; only sentences about others' events become the one sentence."""
    token = add_partner(api_site.system, "kmar", "KMAR", ["flight_booked", "flight_cancelled"])
    booked = line("kb-1", "flight_booked", THEIRS, "2023-03-03T10:00:00+01:00",
                  {"reference": "F-1", "date": "2023-04-01", "destination": "MAR",
                   "escort": "kmar"}, source="KMAR")  # fmt: skip
    cancelled = line("kb-2", "flight_cancelled", THEIRS, "2023-03-04T10:00:00+01:00",
                     {"reference": "F-1", "reason": "medical"}, source="KMAR")  # fmt: skip
    assert _post(api_site, token, _batch(booked, cancelled)).json()["accepted"] == 2
    early = line("kb-3", "retracted", THEIRS, "2023-03-05T10:00:00+01:00",
                 {"event_id": "kb-1", "reason": "entered_in_error"}, source="KMAR")  # fmt: skip
    [result] = _post(api_site, token, _batch(early)).json()["results"]
    assert result["reason"] == (
        'flight_booked "kb-1" cannot be withdrawn while later events rely on it: withdraw kb-2 '
        "first"
    )
    unknown = line("kb-4", "retracted", THEIRS, "2023-03-05T10:00:00+01:00",
                   {"event_id": "nothing", "reason": "other"}, source="KMAR")  # fmt: skip
    [named] = _post(api_site, token, _batch(unknown)).json()["results"]
    assert named["reason"].startswith('data.event_id "nothing" names no stored event of source')
