"""A team lead hands new inflow to the team: the open cases without a director, over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from terugkeer.store.tables import assignments
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import MINE, THEIRS, UNASSIGNED, Site


def test_the_lead_sees_only_the_waiting_cases_and_assigns_one(site: Site) -> None:
    lead = signed_in(site, "lead")
    page = lead.get("/unassigned")
    assert page.status_code == 200
    table = page.text.split('id="unassigned"')[1]
    assert UNASSIGNED in table and MINE not in table and THEIRS not in table
    assert "Nieuwe zaken" in page.text and "6 januari 2023" in table  # Dutch, opened day

    anna = signed_in(site, "anna")
    assert anna.get(f"/cases/{UNASSIGNED}").status_code == 403  # not hers yet
    done = lead.post("/unassigned", data={"csrf_token": csrf_of(page.text),
                                          "v": UNASSIGNED, "director": "anna"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/unassigned?done=1"
    again = lead.post("/unassigned", data={"csrf_token": csrf_of(page.text),
                                           "v": UNASSIGNED, "director": "anna"})  # fmt: skip
    assert again.status_code == 303  # a double click is the lead's own first click, not "taken"
    with site.system.engine.connect() as connection:
        rows = connection.execute(
            select(func.count()).select_from(assignments)
            .where(assignments.c.v_number == UNASSIGNED)
        ).scalar_one()  # fmt: skip
    assert rows == 1  # recorded once
    after = lead.get("/unassigned")
    assert UNASSIGNED not in after.text.split('id="unassigned"')[1]
    assert anna.get(f"/cases/{UNASSIGNED}").status_code == 200  # now on her desk
    case = lead.get(f"/cases/{UNASSIGNED}")  # the team's now, so the lead may open it
    assert case.status_code == 200 and "lead" in case.text.split('id="timeline"')[1]
    audit = signed_in(site, "audi").get(f"/audit?case={UNASSIGNED}").text
    assert (
        "case.assign" in audit
        and "unassigned.read" in signed_in(site, "audi").get("/audit?user=lead").text
    )


def test_a_director_of_another_team_or_none_is_refused_and_nothing_changes(site: Site) -> None:
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/unassigned").text)
    for form, sentence in (
        ({"v": UNASSIGNED, "director": "bram"}, "Kies een regievoerder van uw team."),  # Zuid
        ({"v": UNASSIGNED, "director": ""}, "Kies een regievoerder van uw team."),
        ({"director": "anna"}, "Kies ten minste één zaak."),
    ):
        answer = lead.post("/unassigned", data={"csrf_token": token, **form})
        assert answer.status_code == 422 and sentence in answer.text, form
    assert UNASSIGNED in lead.get("/unassigned").text.split('id="unassigned"')[1]
    # A case of another team's director cannot be taken over through this form.
    refused = lead.post("/unassigned", data={"csrf_token": token, "v": THEIRS,
                                             "director": "anna"})  # fmt: skip
    assert refused.status_code == 403
    assert signed_in(site, "bram").get(f"/cases/{THEIRS}").status_code == 200  # still his


def test_case_directors_may_not_hand_out_cases(site: Site) -> None:
    anna = signed_in(site, "anna")
    assert anna.get("/unassigned").status_code == 403
    token = csrf_of(anna.get("/").text)
    answer = anna.post("/unassigned", data={"csrf_token": token, "v": UNASSIGNED,
                                            "director": "anna"})  # fmt: skip
    assert answer.status_code == 403


def _director_of(site: Site, v_number: str) -> str | None:
    from sqlalchemy import select

    from terugkeer.store.tables import case_directors

    with site.system.engine.connect() as connection:
        return connection.execute(select(case_directors.c.director).where(
            case_directors.c.v_number == v_number)).scalar()  # fmt: skip


def test_handing_out_is_all_or_nothing_and_says_what_changed(site: Site) -> None:
    """Issue 27: a 422 "changed" used to leave the other chosen cases assigned anyway."""
    from terugkeer.services.ingest import ingest_lines
    from tests.integration.lines import intake, line

    other = "1000000005"
    assert not ingest_lines(site.system, [intake("w-10", other, "2023-01-07T10:00:00+01:00")]
                            ).rejected  # fmt: skip
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/unassigned").text)
    gone = line(
        "w-9",
        "departed",
        UNASSIGNED,
        "2023-03-01T10:00:00+01:00",
        {"mode": "independent", "destination": "MAR", "evidence": "iom_confirmation"},
    )
    assert not ingest_lines(site.system, [gone]).rejected  # closed after the page was shown
    answer = lead.post("/unassigned", data={"csrf_token": token, "v": [other, UNASSIGNED],
                                            "director": "anna"})  # fmt: skip
    assert answer.status_code == 422 and "gewijzigd" in answer.text
    changes = answer.text.split('id="changes"')[1].split("</ul>")[0]
    assert f"{UNASSIGNED}: de zaak is intussen afgesloten." in changes and other not in changes
    assert "Er is niets toegewezen." in answer.text
    assert _director_of(site, other) is None  # nothing assigned: not even the open one
    assert "case.assign" not in signed_in(site, "audi").get("/audit?user=lead").text


def test_a_case_handed_out_meanwhile_by_another_lead_is_said(site: Site) -> None:
    from terugkeer.domain.permissions import Role
    from terugkeer.services.assigning import assign_people
    from terugkeer.services.users import add_user
    from tests.web.server import PASSWORD

    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/unassigned").text)
    assign_people(site.system, site.users["lead"], [UNASSIGNED], "cleo", "test")  # meanwhile
    answer = lead.post("/unassigned", data={"csrf_token": token, "v": UNASSIGNED,
                                            "director": "anna"})  # fmt: skip
    assert answer.status_code == 422
    assert f"{UNASSIGNED}: intussen toegewezen aan cleo." in answer.text


def test_a_director_disabled_during_the_assignment_assigns_nothing(site: Site) -> None:
    """The service checks the director inside its transaction (the page checked it before)."""
    import pytest

    from terugkeer.domain.permissions import Role
    from terugkeer.services.assigning import AssignConflictError, assign_people
    from terugkeer.services.users import add_user, disable_user
    from tests.web.server import PASSWORD

    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    disable_user(site.system, "cleo")
    with pytest.raises(AssignConflictError) as raised:
        assign_people(site.system, site.users["lead"], [UNASSIGNED, MINE], "cleo", "test")
    assert [c.what for c in raised.value.changes] == ["director"]
    assert _director_of(site, UNASSIGNED) is None and _director_of(site, MINE) == "anna"


def test_two_leads_handing_out_the_same_case_at_once_one_gets_it(site: Site) -> None:
    """Each assignment checks and writes in one transaction that the other waits for."""
    import threading

    from terugkeer.domain.permissions import Role
    from terugkeer.services.assigning import AssignConflictError, assign_people
    from terugkeer.services.users import add_user
    from tests.web.server import PASSWORD

    other = add_user(site.system, "lead2", Role.TEAM_LEAD, "Noord", PASSWORD)
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    start, outcomes = threading.Barrier(2), []

    def hand_out(lead: object, director: str) -> None:
        start.wait()
        try:
            assign_people(site.system, lead, [UNASSIGNED], director, "test", new_only=True)  # type: ignore[arg-type]
            outcomes.append("assigned")
        except AssignConflictError as conflict:
            outcomes.append(conflict.changes[0].what)

    threads = [threading.Thread(target=hand_out, args=(site.users["lead"], "anna")),
               threading.Thread(target=hand_out, args=(other, "cleo"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["assigned", "taken"]
