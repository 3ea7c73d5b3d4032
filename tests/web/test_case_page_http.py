"""The case page explains itself (issue 27, point 3): why the case is on the worklist, who
directs it, where the person is, the next flight, open requests and procedures; what is missing
for readiness and what addresses it; a timeline of sentences in the reader's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from terugkeer.services.ingest import ingest_lines
from terugkeer.services.workplace import assign_cases
from terugkeer.store.workplace import open_cases
from tests.integration.lines import line
from tests.web.conftest import signed_in
from tests.web.server import MINE, Site

DETAINED = "1000000011"


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def _detained_with_a_flight(site: Site) -> None:
    """At the azc, detained since 3 March, a KMar flight on 20 March and no travel document."""
    lines = [
        line("w-x1", "intake", DETAINED, "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}),
        line("w-x2", "location_changed", DETAINED, "2023-01-03T10:00:00+01:00", {"kind": "azc"},
             source="COA"),
        line("w-x3", "detention_started", DETAINED, "2023-03-03T10:00:00+01:00",
             {"ground": "vw59"}, source="DJI"),
        line("w-x4", "flight_booked", DETAINED, "2023-03-06T10:00:00+01:00",
             {"reference": "KL1234", "date": "2023-03-20", "destination": "MAR",
              "escort": "kmar"}, source="KMAR"),
        line("w-x5", "procedure_started", DETAINED, "2023-03-07T10:00:00+01:00",
             {"reference": "B-9", "kind": "appeal", "suspensive": False}, source="IND"),
    ]  # fmt: skip
    clock = site.system.clock
    site.system.clock = lambda: datetime(2023, 3, 10, 9, 0, tzinfo=UTC)  # received then
    try:
        assert not ingest_lines(site.system, lines).rejected
    finally:
        site.system.clock = clock
    with site.system.engine.connect() as connection:
        seq = next(seq for seq, v, _ in open_cases(connection) if v == DETAINED)
    assign_cases(site.system, site.users["lead"], site.users["anna"], [(seq, DETAINED)])


def test_the_top_says_why_the_case_is_on_the_list_and_what_is_open(site: Site) -> None:
    page = signed_in(site, "anna").get(f"/cases/{MINE}").text
    summary = page.split('id="case-summary"')[1].split("</dl>")[0]
    assert "<dt>Regievoerder</dt><dd>anna</dd>" in summary
    assert "bewaring sinds 2 maart 2023" in summary
    assert "geen geboekt" in summary  # no flight
    on_list = _section(page, 'id="on-list"')
    assert 'data-kind="no_interview"' in on_list and "13 februari 2023" in on_list
    assert "Geen vertrekgesprek sinds 2 januari 2023" in on_list
    assert "lp-1: laissez-passer bij Marokko, sinds 3 januari 2023" in _section(
        page, 'id="requests"'
    )
    assert "Geen lopende." in _section(page, 'id="procedures"')


def test_what_is_missing_for_readiness_and_what_addresses_it(site: Site) -> None:
    page = signed_in(site, "anna").get(f"/cases/{MINE}").text
    gaps = page.split('id="gaps"')[1].split("</div>")[0]
    assert "Dit beslist niets en stelt geen handeling voor." in gaps
    travel = gaps.split('data-gap="travel_document"')[1].split("</li>")[0]
    assert (
        "openstaande aanvraag lp-1 (laissez-passer) bij de ambassade van Marokko sinds "
        "3 januari 2023" in travel
    )
    assert 'data-gap="in_detention"' not in gaps  # it holds: no gap


def test_a_detained_person_is_not_shown_at_the_azc_and_no_document_is_said(site: Site) -> None:
    _detained_with_a_flight(site)
    client = signed_in(site, "anna")
    page = client.get(f"/cases/{DETAINED}").text
    summary = page.split('id="case-summary"')[1].split("</dl>")[0]
    assert 'data-whereabouts="detention"' in summary and "bewaring sinds 3 maart 2023" in summary
    flight = summary.split('id="next-flight">')[1].split("</dd>")[0]
    assert flight == "KL1234 op 20 maart 2023, begeleid door de KMar — er is geen reisdocument"
    on_list = _section(page, 'id="on-list"')
    assert "Geen reisdocument voor vlucht KL1234" in on_list
    assert "verloopt" not in on_list  # no document: nothing expires
    assert "B-9: beroep, sinds 7 maart 2023; schorst de uitzetting niet" in _section(
        page, 'id="procedures"'
    )
    english = client.get(f"/cases/{DETAINED}", headers={"Accept-Language": "en"})
    assert "No travel document for flight KL1234" in english.text


def test_the_timeline_reads_as_sentences_in_both_languages(site: Site) -> None:
    _detained_with_a_flight(site)
    client = signed_in(site, "anna")
    for language, booked, late in (
        ("nl", "KMar boekte vlucht KL1234 naar Marokko op 20 maart 2023",
         "4 dagen na het gebeuren vastgelegd"),
        ("en", "KMar booked flight KL1234 to Morocco on 20 March 2023",
         "recorded 4 days after it happened"),
    ):  # fmt: skip
        client.cookies.set("lang", language)
        timeline = _section(client.get(f"/cases/{DETAINED}").text, 'id="timeline"')
        row = timeline.split('data-type="flight_booked">')[1].split("</tr>")[0]
        assert booked in row and f"</span> {late}</td>" in row
        assert "False" not in timeline and "True" not in timeline
        assert not re.search(r"\d{4}-\d{2}-\d{2}", timeline)
        text = re.sub(r"<[^>]+>", " ", timeline)  # what is read, not the markup
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text


def test_sources_in_dutch_with_the_marker_explained_and_no_missing_anchor(site: Site) -> None:
    page = signed_in(site, "anna").get(f"/cases/{MINE}").text
    readiness = _section(page, 'id="readiness"')
    assert "Vreemdelingenwet 2000, art. 59; Terugkeerrichtlijn 2008/115/EG, art. 15" in readiness
    assert "Return Directive" not in readiness
    worklist = signed_in(site, "anna").get("/").text
    assert "[U] niet geverifieerd: nog niet aan de wettekst getoetst" in worklist
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target


def test_a_favicon_and_no_404_for_favicon_ico(site: Site) -> None:
    icon = httpx.get(site.url + "/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert httpx.get(site.url + "/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in httpx.get(site.url + "/login").text


def test_the_page_says_when_the_projections_could_not_catch_up_in_time(site: Site) -> None:
    """With a projector beside the server (`beside`) that does not run here, a partner's new
    event stays unprojected: the case page waits its second, then says so in words, instead
    of showing the older state as current."""
    anna = signed_in(site, "anna")
    assert 'id="reflected"' not in anna.get(f"/cases/{MINE}").text
    site.system.store.beside = True
    moved = line("coa-late", "location_changed", MINE, "2023-03-09T10:00:00+01:00",
                 {"kind": "azc"}, source="COA")  # fmt: skip
    assert not ingest_lines(site.system, [moved]).rejected
    page = anna.get(f"/cases/{MINE}").text
    note = page.split('id="reflected"')[1].split("</p>")[0]
    assert "Eén gebeurtenis die sindsdien is ontvangen, wordt nog verwerkt" in note
