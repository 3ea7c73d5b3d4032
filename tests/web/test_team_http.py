"""A team lead's team page over HTTP: the workload per director (counted by the database, checked
here against the rows themselves), bulk reassignment that shows the current director, and a
family that always moves together, all or nothing."""

from __future__ import annotations

from sqlalchemy import select

from terugkeer.domain.permissions import Role
from terugkeer.services.users import add_user, disable_user
from terugkeer.store.tables import access_log, case_directors, worklist_items
from tests.web.conftest import csrf_of, signed_in
from tests.web.server import CHILD, FAMILY, MINE, PASSWORD, THEIRS, WORK_DATE, Site


def _counted(site: Site, director: str) -> tuple[int, int]:
    """(open items, overdue) of a director's cases, counted here row by row."""
    with site.system.engine.connect() as connection:
        seqs = set(connection.execute(select(case_directors.c.case_seq).where(
            case_directors.c.director == director)).scalars())  # fmt: skip
        items = [
            r for r in connection.execute(select(worklist_items))
            if r.case_seq in seqs and r.shows_from <= WORK_DATE
            and (r.shows_until is None or r.shows_until >= WORK_DATE)
        ]  # fmt: skip
    return len(items), sum(1 for r in items if r.due < WORK_DATE)


def _row(page: str, director: str) -> str:
    return page.split(f'data-director="{director}"')[1].split("</tr>")[0]


def _directors(site: Site) -> dict[str, str]:
    with site.system.engine.connect() as connection:
        found = connection.execute(select(case_directors.c.v_number, case_directors.c.director))
        return {row.v_number: row.director for row in found}


def test_the_workload_per_director_of_the_team(site: Site) -> None:
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    page = lead.get("/team")
    assert page.status_code == 200 and 'href="/team"' in page.text  # in the lead's menu
    items, overdue = _counted(site, "anna")
    assert items > 0 and overdue > 0  # the fixture's detention and interview items
    anna = _row(page.text, "anna")
    assert 'data-count="open_cases">2<' in anna
    assert f'data-count="open_items">{items}<' in anna
    assert f'data-count="overdue">{overdue}<' in anna
    assert 'data-count="open_cases">0<' in _row(page.text, "cleo")  # a director without cases
    assert 'data-director="bram"' not in page.text  # another team's director
    table = page.text.split('id="team-cases"')[1]
    assert MINE in table and CHILD in table and THEIRS not in table
    assert "Huidige regievoerder" in table and "anna" in table  # the current director shown
    assert signed_in(site, "anna").get("/team").status_code == 403
    log = signed_in(site, "audi").get("/audit", params={"user": "lead"}).text
    assert 'data-action="workload.read"' in log and "werklast van het team bekeken" in log


def test_reassigning_one_member_offers_and_moves_the_whole_family(site: Site) -> None:
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/team").text)
    offer = lead.post("/team", data={"csrf_token": token, "v": MINE, "director": "cleo"})
    assert offer.status_code == 200
    along = offer.text.split('id="along"')[1]
    assert CHILD in along and "anna" in along  # who moves along, from whom
    assert _directors(site)[MINE] == "anna"  # nothing moved yet: only offered
    done = lead.post("/team", data={"csrf_token": token, "v": MINE, "director": "cleo",
                                    "whole_family": "1"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/team?moved=2"
    assert _directors(site)[MINE] == _directors(site)[CHILD] == "cleo"
    cleo, anna = signed_in(site, "cleo"), signed_in(site, "anna")
    assert cleo.get(f"/families/{FAMILY}").status_code == 200  # reachable as a whole
    assert anna.get(f"/families/{FAMILY}").status_code == 403
    assert anna.get(f"/cases/{CHILD}").status_code == 403
    log = signed_in(site, "audi").get("/audit", params={"user": "lead"}).text
    for person in (MINE, CHILD):  # logged per person
        assert log.count(f'<td class="utrecht-table__cell">{person}</td>') >= 1
    assert log.count("to=cleo") == 2


def test_the_case_page_form_moves_the_family_too(site: Site) -> None:
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get(f"/cases/{CHILD}").text)
    offer = lead.post(f"/cases/{CHILD}/assign", data={"csrf_token": token, "director": "cleo"})
    assert offer.status_code == 200 and MINE in offer.text.split('id="along"')[1]
    assert 'action="/cases/' + CHILD + '/assign"' in offer.text
    done = lead.post(f"/cases/{CHILD}/assign", data={"csrf_token": token, "director": "cleo",
                                                     "whole_family": "1"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith(f"/cases/{CHILD}")
    assert _directors(site)[MINE] == "cleo"
    assert signed_in(site, "cleo").get(f"/families/{FAMILY}").status_code == 200


def test_another_teams_person_is_refused_before_any_family_is_named(site: Site) -> None:
    """THEIRS is bram's (team Zuid): the lead of Noord learns nothing of that person's family
    or director, the refusal is logged with the V-number asked for, and nothing moves."""
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/team").text)
    for path in (f"/cases/{THEIRS}/assign", "/team"):
        answer = lead.post(path, data={"csrf_token": token, "director": "cleo",
                                       "v": THEIRS})  # fmt: skip
        assert answer.status_code == 403, path
        assert "bram" not in answer.text and 'id="along"' not in answer.text
    assert _directors(site)[THEIRS] == "bram"
    with site.system.engine.connect() as connection:
        rows = connection.execute(
            select(access_log.c.v_number).where(access_log.c.action == "case.assign.refused")
        ).scalars().all()  # fmt: skip
    assert rows and set(rows) == {THEIRS}


def test_a_reassignment_to_a_disabled_director_assigns_nothing_and_says_so(site: Site) -> None:
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    lead = signed_in(site, "lead")
    token = csrf_of(lead.get("/team").text)
    disable_user(site.system, "cleo")  # after the page was shown
    answer = lead.post("/team", data={"csrf_token": token, "v": [MINE, CHILD],
                                      "director": "cleo", "whole_family": "1"})  # fmt: skip
    assert answer.status_code == 422
    assert "Kies een regievoerder van uw team." in answer.text  # no longer of the team
    assert _directors(site)[MINE] == _directors(site)[CHILD] == "anna"
    # Another team's case cannot be taken over through this form either.
    refused = lead.post("/team", data={"csrf_token": token, "v": THEIRS, "director": "anna"})
    assert refused.status_code == 403 and _directors(site)[THEIRS] == "bram"


def test_the_team_cases_filter_by_director_and_page(site: Site) -> None:
    from terugkeer.services.ingest import ingest_lines
    from terugkeer.services.workplace import assign_cases
    from terugkeer.store.workplace import open_cases
    from tests.integration.lines import intake

    cleo = add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    people = [f"20000000{n:02d}" for n in range(55)]
    lines = [intake(f"p-{v}", v, "2023-02-01T10:00:00+01:00") for v in people]
    assert not ingest_lines(site.system, lines).rejected
    with site.system.engine.connect() as connection:
        mine = [(seq, v) for seq, v, _ in open_cases(connection) if v in people]
    assign_cases(site.system, site.users["lead"], cleo, mine)
    lead = signed_in(site, "lead")
    first = lead.get("/team", params={"director": "cleo"}).text
    table = first.split('id="team-cases"')[1].split("</table>")[0]
    assert "50 van 55 open zaken getoond." in table and MINE not in table
    assert table.count('name="v"') == 50 and "Pagina 1 van 2" in first
    second = lead.get("/team", params={"director": "cleo", "page": 2}).text
    rest = second.split('id="team-cases"')[1].split("</table>")[0]
    assert rest.count('name="v"') == 5
    shown = {v for v in people if v in table} | {v for v in people if v in rest}
    assert shown == set(people)  # every case once, over the two pages
    assert 'data-count="open_cases">55<' in _row(first, "cleo")
