"""The worklist over HTTP: legal deadlines before practice items, grouped by how soon they
are due, counted, filtered, sorted and paged; bad addresses said on the page; going to a
V-number from the header, every attempt logged."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from terugkeer.chain_events.parse import parse_line
from terugkeer.store.event_store import EventStore
from terugkeer.store.projector import Projector, head_seq
from terugkeer.store.tables import access_log
from tests.integration.lines import intake
from tests.web.conftest import signed_in
from tests.web.desk import (
    COLLEAGUES_CASE,
    DUBLIN_LATER,
    FILLERS,
    FLIGHT,
    REVIEW_TODAY,
    SILENT_DUBLIN,
    add_desk,
)
from tests.web.server import CHILD, MINE, THEIRS, Site

#: anna's items on 10 March 2023: five legal deadlines, 34 interviews overdue.
LEGAL, PRACTICE = 5, 34


@pytest.fixture
def desk(site: Site) -> Site:
    add_desk(site)
    return site


def _shown(first: int, last: int, total: int) -> str:
    return f"Taken {first}\N{EN DASH}{last} van {total}"


def _rows(page: str) -> list[tuple[str, str]]:
    """(kind, V-number) of each item row, in the page's order."""
    table = page.split('id="worklist"')[1].split("</table>")[0]
    return re.findall(r'data-kind="([a-z_]+)">.*?href="/cases/(\d{10})"', table, re.S)


def _sections(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tbody [^>]*data-legal="(yes|no)" data-group="([a-z]+)"', page)


def _count(page: str, attribute: str) -> int:
    """The count the summary shows on the link with `attribute` (data-kind="…")."""
    link = page.split(attribute)[1].split("</a>")[0]
    return int(re.findall(r"<strong>([\d.]+)</strong>", link)[0].replace(".", ""))


def _href(page: str, attribute: str) -> str:
    before = page.split(attribute)[0]
    return before.rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")


def _log(site: Site, actor: str) -> list[tuple[str, str | None]]:
    with site.system.engine.connect() as connection:
        rows = connection.execute(
            select(access_log.c.action, access_log.c.v_number).where(access_log.c.actor == actor)
        )
        return [(row.action, row.v_number) for row in rows]


def test_legal_deadlines_come_first_grouped_by_how_soon_with_counts(desk: Site) -> None:
    page = signed_in(desk, "anna").get("/").text
    assert _sections(page) == [
        ("yes", "overdue"), ("yes", "today"), ("yes", "week"), ("yes", "later"), ("no", "overdue")
    ]  # fmt: skip
    rows = _rows(page)
    assert rows[:5] == [
        ("dublin_reply_deadline", SILENT_DUBLIN),
        ("detention_review", REVIEW_TODAY),  # due today
        ("flight_upcoming", FLIGHT),  # tomorrow, without a travel document
        ("travel_document_expires_before_flight", FLIGHT),
        ("dublin_request_deadline", DUBLIN_LATER),
    ]
    assert {kind for kind, _ in rows[5:]} == {"no_interview"}
    assert len(rows) == 25 and _shown(1, 25, 39) in page
    # The summary: per group and per kind, over the whole list.
    groups = {g: _count(page, f'data-group="{g}"') for g in ("overdue", "today", "week", "later")}
    assert groups == {"overdue": 1 + PRACTICE, "today": 1, "week": 2, "later": 1}
    assert _count(page, 'data-kind="no_interview"') == PRACTICE
    assert _count(page, 'data-kind="detention_review"') == 1
    assert "Wettelijke termijnen · Te laat (1)" in page and "Werkafspraken · Te laat (34)" in page
    assert "Geen reisdocument voor vlucht F-7" in page


def test_a_reply_deadline_passed_in_silence_says_acceptance_applies_and_who_records_it(
    desk: Site,
) -> None:
    anna = signed_in(desk, "anna")
    assert (
        "Duitsland antwoordde niet op tijd op de claim: die geldt nu als aanvaard door "
        "stilzwijgen (Dublin III art. 22(7)). De Dublin-eenheid van de IND legt dat vast."
        in anna.get("/").text
    )
    english = anna.get("/", headers={"accept-language": "en"}).text
    assert "acceptance by silence now applies (Dublin III art. 22(7))" in english
    assert "The IND's Dublin unit records it." in english


def test_the_counts_link_to_the_filtered_list(desk: Site) -> None:
    anna = signed_in(desk, "anna")
    page = anna.get("/").text
    review = anna.get(_href(page, 'data-kind="detention_review"'))
    assert review.status_code == 200
    assert _rows(review.text) == [("detention_review", REVIEW_TODAY)]
    today = anna.get(_href(page, 'data-group="today"'))
    assert _rows(today.text) == [("detention_review", REVIEW_TODAY)]
    week = _rows(anna.get(_href(page, 'data-group="week"')).text)
    assert [kind for kind, _ in week] == [
        "flight_upcoming",
        "travel_document_expires_before_flight",
    ]
    legal = anna.get("/", params={"kind": "legal"}).text
    assert len(_rows(legal)) == LEGAL and "no_interview" not in legal.split('id="worklist"')[1]
    both = anna.get("/", params={"kind": "no_interview", "group": "overdue"}).text
    assert _shown(1, 25, 34) in both
    # The summary still counts the whole list, and marks what is shown.
    assert _count(legal, 'data-kind="no_interview"') == PRACTICE


def test_latest_due_first_still_puts_legal_deadlines_first(desk: Site) -> None:
    page = signed_in(desk, "anna").get("/", params={"sort": "due_desc"}).text
    rows = _rows(page)
    assert rows[0] == ("dublin_request_deadline", DUBLIN_LATER)  # 1 June
    assert rows[4] == ("dublin_reply_deadline", SILENT_DUBLIN)  # passed on 5 March
    assert {kind for kind, _ in rows[5:]} == {"no_interview"}
    assert rows[5][1] == REVIEW_TODAY  # its interview was due last, on 21 February
    assert 'value="due_desc" selected' in page


def test_pages_of_25_together_hold_every_item_once(desk: Site) -> None:
    anna = signed_in(desk, "anna")
    first = anna.get("/").text
    second = anna.get(_href(first, 'rel="next"')).text
    assert _shown(26, 39, 39) in second and 'aria-current="page">2<' in second
    rows = _rows(first) + _rows(second)
    assert len(rows) == len(set(rows)) == LEGAL + PRACTICE
    assert {v for kind, v in rows if kind == "no_interview"} == {
        MINE,
        CHILD,
        SILENT_DUBLIN,
        REVIEW_TODAY,
        *FILLERS,
    }
    # A page keeps the filter; a kind link starts from its first page.
    filtered = anna.get("/", params={"kind": "no_interview", "page": "2"}).text
    assert _shown(26, 34, 34) in filtered
    assert 'href="/?kind=no_interview"' in filtered  # back to its first page


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"kind": "urgent"}, "Kies een soort uit de lijst."),
        ({"group": "soon"}, "Kies te laat, vandaag, komende 7 dagen of later."),
        ({"sort": "name"}, "Kies vroegst eerst of laatst eerst."),
        ({"page": "0"}, "Een pagina is een heel getal vanaf 1."),
        ({"page": "two"}, "Een pagina is een heel getal vanaf 1."),
        ({"page": "99999999999999999999"}, "Een pagina is een heel getal vanaf 1."),
        ({"page": "3"}, "Er is geen pagina 3: de lijst eindigt bij pagina 2."),
    ],
)
def test_a_bad_address_is_said_on_the_page(
    desk: Site, params: dict[str, str], sentence: str
) -> None:
    answer = signed_in(desk, "anna").get("/", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert sentence in answer.text and 'role="alert"' in answer.text
    assert 'id="worklist"' not in answer.text  # no list that looks filtered but is not
    assert 'data-kind="no_interview"' in answer.text  # the summary still leads on


def test_a_director_filter_in_the_address_is_no_way_into_a_colleagues_list(desk: Site) -> None:
    page = signed_in(desk, "anna").get("/", params={"director": "cees"})
    assert page.status_code == 200 and COLLEAGUES_CASE not in page.text
    assert 'id="f-director"' not in page.text


def test_the_team_lead_picks_a_director_of_the_team_from_a_list(desk: Site) -> None:
    lead = signed_in(desk, "lead")
    page = lead.get("/").text
    field = page.split('id="f-director"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', field) == ["", "anna", "cees"]
    assert '<input class="utrecht-textbox utrecht-textbox--html-input" id="f-director"' not in page
    assert _count(page, 'data-kind="no_interview"') == PRACTICE + 1  # the whole team's
    one = lead.get("/", params={"director": "cees"}).text
    assert _rows(one) == [("no_interview", COLLEAGUES_CASE)]
    assert '<option value="cees" selected>' in one
    assert _count(one, 'data-kind="no_interview"') == 1  # the counts follow the director
    refused = lead.get("/", params={"director": "bram"})  # team Zuid
    assert refused.status_code == 400 and "Kies een regievoerder van uw team." in refused.text
    assert 'aria-describedby="e-director"' in refused.text


def test_go_to_an_own_case_opens_it(desk: Site) -> None:
    anna = signed_in(desk, "anna")
    answer = anna.get("/go", params={"v": "1000 0000 01"})  # typed with spaces
    assert answer.status_code == 303 and answer.headers["location"] == f"/cases/{MINE}"
    assert anna.get(answer.headers["location"]).status_code == 200
    assert ("case.read", MINE) in _log(desk, "anna")


def test_go_to_a_colleagues_case_or_an_unknown_number_says_the_same_and_is_logged(
    desk: Site,
) -> None:
    anna = signed_in(desk, "anna")
    nobody = "9999999999"
    theirs, unknown = anna.get("/go", params={"v": THEIRS}), anna.get("/go", params={"v": nobody})
    assert theirs.status_code == unknown.status_code == 404
    sentence = f"Er is geen dossier met V-nummer {THEIRS} onder uw dossiers."
    assert sentence in theirs.text
    assert theirs.text.replace(THEIRS, nobody) == unknown.text  # nothing tells them apart
    said = theirs.text.split('id="go-result">')[1].split("</p>")[0]
    assert said == sentence  # one plain sentence, no warning about the access log
    log = _log(desk, "anna")
    assert ("case.goto.refused", THEIRS) in log and ("case.goto.refused", nobody) in log
    lead = signed_in(desk, "lead")
    assert lead.get("/go", params={"v": MINE}).status_code == 303  # the team's
    team = lead.get("/go", params={"v": THEIRS})
    assert f"Er is geen dossier met V-nummer {THEIRS} onder de dossiers van uw team." in team.text


def test_go_to_something_that_is_no_v_number_is_a_field_error(desk: Site) -> None:
    anna = signed_in(desk, "anna")
    answer = anna.get("/go", params={"v": "Jansen 12"})
    assert answer.status_code == 400
    field = answer.text.split('id="go-v-error"')[1]
    assert field.startswith(">Een V-nummer heeft 10 cijfers.</p>")
    assert 'value="Jansen 12"' in answer.text and 'aria-describedby="go-v-error"' in answer.text
    log = _log(desk, "anna")
    assert ("case.goto.malformed", None) in log  # logged, without what was typed
    assert not any("Jansen" in str(v) for _, v in log)


def test_the_go_to_form_is_in_the_header_of_every_page_of_a_case_director(desk: Site) -> None:
    anna = signed_in(desk, "anna")
    for path in ("/", f"/cases/{MINE}", "/cijfers", "/go?v=1"):
        header = anna.get(path).text.split("</header>")[0]
        assert 'action="/go"' in header and 'role="search"' in header, path
    assert 'action="/go"' not in signed_in(desk, "audi").get("/audit").text
    assert 'action="/go"' not in httpx.get(desk.url + "/login").text


def test_the_worklist_says_which_events_it_reflects_and_when_it_is_behind(desk: Site) -> None:
    """A bulk import's projector may be behind the chain (store/projector.py): the list says
    how far it reaches, and that more is being processed, until the projector has caught
    up; a page's own write brings the projections up with it."""
    system = desk.system
    anna = signed_in(desk, "anna")
    with system.engine.connect() as connection:
        head = head_seq(connection)
    assert f"tot en met nummer {head} van de keten" in anna.get("/").text
    importer = EventStore(system.engine, system.rules)  # another process's, say
    importer.project = False
    later = [intake(f"k-late{n}", f"77000000{n:02d}", "2023-03-02T10:00:00+01:00") for n in (1, 2)]
    importer.append([parse_line(text, received_at=system.clock()) for text in later])
    page = anna.get("/").text
    assert f"tot en met nummer {head} van de keten" in page
    assert "2 gebeurtenissen die sindsdien zijn ontvangen, worden nog verwerkt" in page
    english = anna.get("/", headers={"accept-language": "en"}).text
    assert "2 events received since are still being processed" in english
    Projector(system.engine, system.rules).catch_up()
    page = anna.get("/").text
    assert f"tot en met nummer {head + 2} van de keten" in page
    assert "worden nog verwerkt" not in page
