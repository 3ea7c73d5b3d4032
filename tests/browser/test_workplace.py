"""The workplace in a real browser, as a case director, a team lead and an auditor use it;
every page checked with axe-core (WCAG 2.1 A/AA, no serious or critical violation).

Set TERUGKEER_SCREENSHOTS=docs/screenshots to refresh the README's screenshots."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from terugkeer.services.partners import add_partner
from terugkeer.services.publication import publish
from terugkeer.services.webhooks import subscribe
from tests.browser.conftest import assert_accessible, assert_no_violations
from tests.integration.lines import line
from tests.web.server import CHILD, FAMILY, MINE, PASSWORD, THEIRS, UNASSIGNED, Site, running_site

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")


@pytest.fixture
def secure_site(tmp_path: Path) -> Iterator[Site]:
    # Secure cookies as in production: Chromium treats http://127.0.0.1 as a secure origin.
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True,
                      publications_dir=tmp_path / "publications") as site:  # fmt: skip
        yield site


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # bypass_csp: only so that the test can inject axe-core; the app's CSP stays strict.
    made = browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    yield made
    made.close()


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _log_in(page: Page, site: Site, name: str, password: str = PASSWORD) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_a_case_directors_day(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    page.goto(site.url + "/login")
    assert_accessible(page)
    _log_in(page, site, "anna")
    page.wait_for_url(site.url + "/")
    assert page.get_by_role("heading", name="Werkvoorraad").is_visible()
    assert page.get_by_text("Geen vertrekgesprek sinds 2 januari 2023").first.is_visible()
    assert_accessible(page)
    _shot(page, "worklist")

    page.get_by_role("link", name=MINE).first.click()
    page.wait_for_url(f"{site.url}/cases/{MINE}")
    panel = page.locator("#readiness-panel")
    assert "Niet gereed voor gedwongen vertrek" in panel.inner_text()
    assert page.locator('[data-condition="in_detention"]').get_attribute("data-holds") == "yes"
    assert page.locator('[data-condition="travel_document"]').get_attribute("data-holds") == "no"
    assert page.locator("#timeline-table tbody tr").count() == 6  # 5 events, 1 assignment
    assert "toewijzing" in page.locator('[data-type="assignment"]').inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="vertrekgesprek", exact=True).click()
    assert_accessible(page)
    page.get_by_label("soort").select_option("first")
    page.get_by_label("houding").select_option("cooperating")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/cases/{MINE}\?recorded="))
    page.get_by_role("link", name="geldig reisdocument", exact=True).click()
    page.get_by_label("soort").select_option("passport")
    page.get_by_label("geldig tot en met").fill("2023-02-01")  # expired: refused by the rule?
    page.get_by_role("button", name="Vastleggen").click()
    assert "verlopen" in page.locator("#record-doubt").inner_text()  # asked first, and why
    page.get_by_label("Ik heb dit gecontroleerd: leg het zo vast").check()
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/cases/{MINE}\?recorded="))
    travel = page.locator('[data-condition="travel_document"]')
    assert travel.get_attribute("data-holds") == "no"  # valid until before today: not met
    page.get_by_role("link", name="geldig reisdocument", exact=True).click()
    page.get_by_label("soort").select_option("passport")
    page.get_by_label("geldig tot en met").fill("2024-06-30")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/cases/{MINE}\?recorded="))
    assert travel.get_attribute("data-holds") == "yes"
    newest = page.locator("#timeline-table tbody tr").first.inner_text()
    assert "geldig reisdocument" in newest and "anna" in newest
    assert page.locator("#timeline-table tbody tr").count() == 9
    _shot(page, "case")

    page.get_by_role("link", name=FAMILY).click()
    page.wait_for_url(f"{site.url}/families/{FAMILY}")
    assert page.locator("#members tbody tr").count() == 2
    assert_accessible(page)
    _shot(page, "family")
    page.get_by_role("link", name="vertrekgesprek", exact=True).click()
    page.get_by_label("soort").select_option("follow_up")
    page.get_by_label("houding").select_option("not_cooperating")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(f"{site.url}/families/{FAMILY}?recorded=interview")
    for member in (MINE, CHILD):
        page.goto(f"{site.url}/cases/{member}")
        newest = page.locator("#timeline-table tbody tr").first.inner_text()
        assert "vertrekgesprek" in newest and "vervolg" in newest and "anna" in newest

    # The passport was the wrong person's: withdrawn from the timeline, readiness goes back.
    page.goto(f"{site.url}/cases/{MINE}")
    passport = page.locator('#timeline-table tr[data-type="travel_document_valid"]').first
    passport.get_by_role("link", name="Intrekken").click()
    assert page.get_by_role("heading", name="Intrekken: geldig reisdocument").is_visible()
    assert_accessible(page)
    page.get_by_label("reden").select_option("wrong_person")
    page.get_by_role("button", name="Intrekken").click()
    page.wait_for_url(f"{site.url}/cases/{MINE}#timeline")
    assert page.locator('[data-condition="travel_document"]').get_attribute("data-holds") == "no"
    withdrawn = page.locator('#timeline-table tr.withdrawn[data-type="travel_document_valid"]')
    assert (
        "ingetrokken op" in withdrawn.inner_text() and "verkeerde persoon" in withdrawn.inner_text()
    )
    assert_accessible(page)

    page.goto(f"{site.url}/cases/{MINE}/record/flight_booked")
    page.get_by_label("kenmerk").fill("f-1")
    page.get_by_label("datum", exact=True).fill("2023-04-01")
    page.get_by_label("bestemming").fill("ZZZ")
    page.get_by_label("begeleiding").select_option("kmar")
    page.get_by_role("button", name="Vastleggen").click()
    assert page.locator("#e-destination").is_visible()  # said next to the field
    assert_accessible(page)

    page.goto(f"{site.url}/cases/{MINE}")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site.url}/cases/{MINE}")
    assert page.get_by_role("heading", name="Removal readiness on 10 March 2023").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nederlands").click()

    response = page.goto(f"{site.url}/cases/{THEIRS}")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", name="Geen toegang").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(site.url + "/login")
    page.goto(site.url + "/")
    assert page.url == site.url + "/login"  # signed out on the server, not only the cookie

    _log_in(page, site, "audi")
    page.goto(f"{site.url}/audit?user=anna&case={THEIRS}")
    rows = page.locator("#access-log tbody").inner_text()
    assert "zaak geopend (geweigerd)" in rows and THEIRS in rows  # in words
    assert_accessible(page)


def test_guessing_from_one_place_is_held_back(secure_site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    for _ in range(5):
        _log_in(page, secure_site, "anna", "not the password")
    assert "klopt niet" in page.locator("#login-error").inner_text()
    assert_no_violations(page)
    _log_in(page, secure_site, "anna")  # not even judged: this place waits a minute
    assert "Probeer het over 1 min. opnieuw" in page.locator("#login-error").inner_text()
    assert_no_violations(page)


def test_a_team_lead_hands_out_a_new_case(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    _log_in(page, site, "lead")
    page.wait_for_url(site.url + "/")
    assert_accessible(page)  # the team's worklist, with the director column
    page.get_by_role("link", name="Nieuwe zaken").click()
    page.wait_for_url(site.url + "/unassigned")
    assert page.locator("#unassigned tbody tr").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Toewijzen").click()  # nothing chosen: said, not stored
    assert "Kies ten minste één zaak." in page.locator("#assign-error").inner_text()
    assert_accessible(page)
    page.get_by_label(f"Kies {UNASSIGNED}").check()
    page.get_by_label("Toewijzen aan").select_option("anna")
    _shot(page, "unassigned")
    page.get_by_role("button", name="Toewijzen").click()
    page.wait_for_url(site.url + "/unassigned?done=1")
    assert "Toegewezen personen: 1." in page.locator("#assigned").inner_text()
    assert "Elke open zaak heeft een regievoerder." in page.locator("#unassigned").inner_text()
    assert_accessible(page)


def test_the_admin_follows_webhook_deliveries(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    token = add_partner(site.system, "coa", "COA", ["intake", "absconded"], reads=["absconded"])
    with socket.socket() as probe:  # a port nothing listens on: the delivery fails, is retried
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/hooks"
    subscribe(site.system, "coa", url, ["absconded"])
    sent = [
        line("k-1", "intake", "3000000009", "2023-02-01T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("k-2", "absconded", "3000000009", "2023-02-20T10:00:00+01:00", source="COA"),
    ]  # fmt: skip
    answer = httpx.post(f"{site.url}/api/v1/events", content="\n".join(sent),
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/jsonl"})  # fmt: skip
    assert answer.json()["accepted"] == 2
    _log_in(page, site, "root")
    page.wait_for_url(site.url + "/admin/users")  # the admin's first page: the accounts
    page.get_by_role("link", name="Webhooks").click()
    page.wait_for_url(site.url + "/webhooks")
    assert page.get_by_role("heading", name="Webhooks", exact=True).is_visible()
    assert url in page.locator("#subscriptions").inner_text()
    for _ in range(100):  # the first attempt fails within moments; the page then says so
        if "ConnectError" in page.locator("#deliveries tbody").inner_text():
            break
        page.wait_for_timeout(100)
        page.reload()
    row = page.locator("#deliveries tbody").inner_text()
    assert "k-2" in row and "in behandeling" in row and "not reached (ConnectError)" in row
    assert_accessible(page)
    _shot(page, "webhooks")


def test_anyone_reads_the_published_figures(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    publish(site.system, date(2023, 3, 1), site.system.settings.publications_dir / "2023-03")
    page.goto(site.url + "/cijfers")  # not signed in
    assert page.get_by_role("heading", name="Instroom- en vertrekcijfers").is_visible()
    assert_accessible(page)
    _shot(page, "cijfers")
    page.get_by_role("link", name="2023-03").click()
    page.wait_for_url(site.url + "/cijfers/2023-03/index.html")
    assert page.get_by_text("Instroom naar bron").is_visible()
    # Its own style sheet applies under the site's CSP (no inline style).
    colour = page.locator("h1").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(21, 66, 115)"
    assert_accessible(page)


def test_an_analyst_reads_the_dashboard(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    _log_in(page, site, "ana")
    page.wait_for_url(site.url + "/dashboard")  # the analyst's first page
    assert page.get_by_role("heading", name="Kerncijfers", exact=True).is_visible()
    chart = page.get_by_role("img", name=re.compile("Gestapelde staafgrafiek van de instroom"))
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG was drawn
    assert page.locator("#chart-inflow table").is_visible()  # and its numbers beside it
    assert_accessible(page)
    _shot(page, "dashboard")
    page.get_by_role("link", name="Vorige maand").click()
    page.wait_for_url(re.compile(r"from=2023-02-01&to=2023-02-28"))
    assert "1 februari 2023" in page.locator("#key-figures").inner_text()
    assert_no_violations(page)
    page.get_by_role("link", name="English").click()  # the chosen period stays
    page.wait_for_url(re.compile(r"/dashboard\?from=2023-02-01&to=2023-02-28$"))
    assert "1 February 2023" in page.locator("#key-figures").inner_text()
    assert_no_violations(page)
