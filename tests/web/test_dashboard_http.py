"""The dashboard over real HTTP: who may see it, what a chosen period shows, how a wrong
period is refused, and that it shows aggregates only."""

from __future__ import annotations

import re

from tests.web.conftest import signed_in
from tests.web.server import CHILD, FAMILY, MINE, THEIRS, UNASSIGNED, Site


def _cell(page: str, figure: str) -> str:
    """The current period's value of one key figure (its row's first number)."""
    row = page.split(f'data-figure="{figure}"')[1].split("</tr>")[0]
    return re.findall(r'numeric-column">([^<]*)<', row)[0]


def test_the_analyst_lands_on_the_dashboard_and_sees_aggregates_only(site: Site) -> None:
    client = signed_in(site, "ana")
    assert client.get("/").status_code in (303, 403)  # no worklist for an analyst
    answer = client.get("/dashboard")  # the year so far, the work date included
    assert answer.status_code == 200
    page = answer.text
    assert "1 januari 2023" in page and "10 maart 2023" in page
    assert _cell(page, "inflow") == "4"  # the four intakes of the site's caseload
    assert _cell(page, "travel_document_requests") == "1"
    assert 'data-country="MAR"' in page  # the request to Morocco, in the cooperation monitor
    assert page.count('src="data:image/svg+xml;base64,') == 6  # five trends and the Dublin one
    assert "Afgeleid uit de gebeurtenissen tot en met nummer" in page  # how far it reaches
    for personal in (MINE, THEIRS, UNASSIGNED, CHILD, FAMILY):
        assert personal not in page


def test_a_chosen_period_and_its_comparison(site: Site) -> None:
    client = signed_in(site, "lead")  # team leads see the dashboard too
    page = client.get("/dashboard", params={"from": "2023-02-01", "to": "2023-02-28"}).text
    assert _cell(page, "inflow") == "0"  # every intake was in January
    assert "1 januari 2023 \u2013 31 januari 2023" in page  # the previous period: the month
    row = page.split('data-figure="inflow"')[1].split("</tr>")[0]
    assert "-4" in row  # four fewer than in January


def test_a_wrong_period_is_refused_with_the_field_named(site: Site) -> None:
    client = signed_in(site, "ana")
    answer = client.get("/dashboard", params={"from": "2023-03-01", "to": "2023-02-01"})
    assert answer.status_code == 400
    assert "De laatste dag ligt voor de eerste dag." in answer.text
    assert 'id="e-to"' in answer.text and 'aria-invalid="true"' in answer.text
    answer = client.get("/dashboard", params={"from": "1 maart", "to": "2023-02-01"},
                        headers={"accept-language": "en"})  # fmt: skip
    assert answer.status_code == 400
    # The store's first days: the comparisons before them are cut, not a server error.
    answer = client.get("/dashboard", params={"from": "1990-01-01", "to": "1990-01-31"})
    assert answer.status_code == 200
    assert client.get("/dashboard", params={"from": "1989-12-01"}).status_code == 400


def test_case_directors_and_auditors_may_not(site: Site) -> None:
    for name in ("anna", "audi", "root"):
        assert signed_in(site, name).get("/dashboard").status_code == 403, name


def test_the_figures_as_known_on_a_day(site: Site) -> None:
    """The site's caseload was recorded on 10 March 2023 (its clock then): as known at the end
    of 9 March nothing was, as known at the end of 10 March all of it, and what the page rests
    on is said."""
    client = signed_in(site, "ana")
    period = {"from": "2023-01-01", "to": "2023-03-10"}
    now = client.get("/dashboard", params=period).text
    before = client.get("/dashboard", params=period | {"known": "2023-03-09"})
    assert before.status_code == 200
    assert _cell(before.text, "inflow") == "0" and _cell(now, "inflow") == "4"
    note = before.text.split('id="known-on"')[1].split("</div>")[0]
    assert "Zoals bekend aan het eind van 9 maart 2023: uit de 0 gebeurtenissen" in note
    assert "tellen niet mee" in note and "Toon de cijfers zoals ze nu zijn" in note
    assert 'id="f-known" name="known" type="date" value="2023-03-09"' in before.text
    assert "known=2023-03-09" in before.text  # the common periods keep the moment
    on_the_day = client.get("/dashboard", params=period | {"known": "2023-03-10"}).text
    assert _cell(on_the_day, "inflow") == "4"
    for figure in ("inflow", "travel_document_requests", "flights_booked", "departure_interviews"):
        assert _cell(on_the_day, figure) == _cell(now, figure), figure


def test_a_wrong_known_on_day_is_refused_in_its_field(site: Site) -> None:
    client = signed_in(site, "ana")
    later = client.get("/dashboard", params={"known": "2023-03-11"})  # after the work date
    assert later.status_code == 400
    assert "Kies een dag tot en met vandaag" in later.text and 'id="e-known"' in later.text
    answer = client.get("/dashboard", params={"known": "gisteren"},
                        headers={"accept-language": "en"})  # fmt: skip
    assert answer.status_code == 400
    assert "Give the day the figures were known on as a date." in answer.text
