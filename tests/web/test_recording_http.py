"""Recording work through the pages: the same validation and store path as an import."""

from __future__ import annotations

from sqlalchemy import func, select

from terugkeer.store.tables import access_log, events, recorded_by
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import CHILD, MINE, THEIRS, Site


def _count(site: Site) -> int:
    with site.system.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(events)).scalar_one()


def _post(site: Site, user: str, v_number: str, event_type: str, **values: str):  # type: ignore[no-untyped-def]
    client = signed_in(site, user)
    page = client.get(f"/cases/{MINE}")
    form = {"csrf_token": csrf_of(page.text), "day": "2023-03-10", "at": "09:30", **values}
    return client, client.post(f"/cases/{v_number}/record/{event_type}", data=form)


def test_an_interview_is_stored_with_its_recorder_and_clears_the_worklist_item(site: Site) -> None:
    before = _count(site)
    due = signed_in(site, "anna").get("/").text.count("Geen vertrekgesprek sinds")
    client, answer = _post(site, "anna", MINE, "interview", kind="first", stance="cooperating")
    assert answer.status_code == 303 and answer.headers["location"] == f"/cases/{MINE}?recorded=9"
    assert _count(site) == before + 1
    with site.system.engine.connect() as connection:
        row = connection.execute(
            select(events.c.source, recorded_by.c.actor).join(
                recorded_by, recorded_by.c.seq == events.c.seq
            )
        ).one()
    assert tuple(row) == ("DTENV", "anna")
    timeline = client.get(f"/cases/{MINE}").text
    assert "vertrekgesprek" in timeline and "anna" in timeline
    after = client.get("/").text.count("Geen vertrekgesprek sinds")
    assert after == due - 1  # MINE's is due again in 6 weeks; CHILD's stays


def test_a_rejected_action_says_why_next_to_the_field_and_stores_nothing(site: Site) -> None:
    before = _count(site)
    _, answer = _post(site, "anna", MINE, "flight_booked", reference="f-1", date="2023-04-01",
                      destination="ZZZ", escort="kmar")  # fmt: skip
    assert answer.status_code == 422
    assert 'id="e-destination"' in answer.text and "Niet opgeslagen" in answer.text
    _, answer = _post(site, "anna", MINE, "flight_cancelled", reference="never-booked",
                      reason="other")  # fmt: skip
    assert answer.status_code == 422 and 'id="record-error"' in answer.text
    assert _count(site) == before


def test_recording_on_another_directors_case_is_refused(site: Site) -> None:
    before = _count(site)
    _, answer = _post(site, "anna", THEIRS, "interview", kind="first", stance="cooperating")
    assert answer.status_code == 403
    _, answer = _post(site, "audi", MINE, "interview", kind="first", stance="cooperating")
    assert answer.status_code == 403
    assert _count(site) == before
    anna = signed_in(site, "anna")
    for path in (f"/cases/{THEIRS}/withdraw/1", f"/cases/{THEIRS}/correct/1"):
        assert anna.get(path).status_code == 403
    with site.system.engine.connect() as connection:
        refused = connection.execute(
            select(access_log.c.action, access_log.c.v_number)
            .where(access_log.c.actor == "anna", access_log.c.action.like("%.refused"))
        ).all()  # fmt: skip
    # Each refusal names the person it was asked for: the auditor finds it by V-number.
    assert {tuple(r) for r in refused} >= {
        ("case.record.refused", THEIRS), ("case.withdraw.refused", THEIRS),
        ("case.correct.refused", THEIRS),
    }  # fmt: skip


def test_free_text_is_shown_as_written(site: Site) -> None:
    client, answer = _post(site, "anna", MINE, "location_changed", kind="azc",
                           name="AZC 50% <vol>")  # fmt: skip
    assert answer.status_code == 303
    page = client.get(f"/cases/{MINE}")
    assert page.status_code == 200 and "AZC 50% &lt;vol&gt;" in page.text


def test_team_lead_reassigns_and_the_timeline_shows_it(site: Site) -> None:
    from terugkeer.domain.permissions import Role
    from terugkeer.services.users import add_user
    from tests.web.server import PASSWORD

    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get(f"/cases/{MINE}").text)
    assert (
        signed_in(site, "anna")
        .post(f"/cases/{MINE}/assign", data={"csrf_token": token, "director": "cleo"})
        .status_code
        == 403
    )  # a director does not assign (and not with another's token)
    offer = lead.post(f"/cases/{MINE}/assign", data={"csrf_token": token, "director": "cleo"})
    assert offer.status_code == 200 and CHILD in offer.text  # the family moves together
    answer = lead.post(f"/cases/{MINE}/assign", data={"csrf_token": token, "director": "cleo",
                                                      "whole_family": "1"})  # fmt: skip
    assert answer.status_code == 303
    assert signed_in(site, "anna").get(f"/cases/{MINE}").status_code == 403
    page = signed_in(site, "cleo").get(f"/cases/{MINE}").text
    assert "toewijzing" in page and "lead wees de zaak toe aan regievoerder cleo" in page
    assert (
        lead.post(
            f"/cases/{MINE}/assign", data={"csrf_token": token, "director": "bram"}
        ).status_code
        == 422
    )
