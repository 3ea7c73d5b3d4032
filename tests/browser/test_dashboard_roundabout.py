"""The roundabout on the dashboard, in Chromium: the picture inline for the chosen period, its
numbers in the tables beside it, in Dutch and English, with no axe violation of any impact."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import assert_no_violations
from tests.integration.lines import departed, intake, line
from tests.web.server import PASSWORD, UNASSIGNED, Site, caseload, running_site

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")
LEFT, STAYED = "8200000001", "8200000002"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    closing = [
        intake("r-1", LEFT, "2023-01-10T10:00:00+01:00"),
        line("r-2", "interview", LEFT, "2023-01-20T10:00:00+01:00",
             {"kind": "first", "stance": "not_cooperating"}),
        line("r-3", "interview", LEFT, "2023-02-01T10:00:00+01:00",
             {"kind": "follow_up", "stance": "cooperating"}),
        line("r-4", "support_granted", LEFT, "2023-02-02T10:00:00+01:00",
             {"kind": "reintegration", "provider": "IOM"}),
        departed("r-5", LEFT, "2023-02-20T10:00:00+01:00"),
        intake("r-6", STAYED, "2023-01-11T10:00:00+01:00"),
        line("r-7", "exit_without_departure", STAYED, "2023-02-21T10:00:00+01:00",
             {"reason": "residence_permit"}),
        line("r-8", "absconded", UNASSIGNED, "2023-02-22T10:00:00+01:00"),
    ]  # fmt: skip
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True,
                      lines=caseload() + closing) as made:  # fmt: skip
        yield made


def _log_in(page: Page, site: Site) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill("ana")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/dashboard")


def _row(page: Page, label: str) -> str:
    return page.locator("#roundabout-numbers tr", has_text=label).first.locator("td").inner_text()


def test_the_roundabout_of_the_period_with_its_numbers(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    _log_in(page, site)
    section = page.locator("#roundabout")
    assert section.get_by_role("heading", name="Het terugkeerproces in beeld").is_visible()
    figure = section.get_by_role("img", name=re.compile("Het terugkeerproces in beeld, 1 januari"))
    assert figure.is_visible()
    box = figure.bounding_box()
    assert box is not None and box["width"] >= 600  # drawn at a readable size
    drawn = figure.locator("text").all_text_contents()
    # the period's six intakes, its three closed cases, each by its own exit: exact numbers
    assert "Instroom 6" in drawn and _row(page, "Instroom (nieuwe vertrekprocedures)") == "6"
    assert _row(page, "Afgesloten vertrekprocedures") == "3"
    assert "Zelfstandig vertrek 1" in drawn and "herintegratieondersteuning" in drawn
    assert "juridisch uitzetbaar" in drawn and "geldig reisdocument" in drawn
    stances = page.locator("#roundabout-stances tr", has_text="alsnog meewerken").inner_text()
    assert stances.split() == ["alsnog", "meewerken", "0", "1", "0", "0", "1"]
    assert page.evaluate("document.fonts.check(\"18px 'Fira Sans'\")")
    assert_no_violations(page)
    if SHOTS:
        section.screenshot(path=str(Path(SHOTS) / "dashboard-roundabout.png"))
    for personal in (LEFT, STAYED, UNASSIGNED):
        assert personal not in page.content()

    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/dashboard"))
    figure = page.get_by_role("img", name=re.compile("The return process at a glance, 1 January"))
    drawn = figure.locator("text").all_text_contents()
    assert "Removal process" in drawn and "legally removable" in drawn
    assert _row(page, "Inflow (return procedures opened)") == "6"
    assert_no_violations(page)


def test_the_dashboard_as_known_on_a_day(site: Site, context: BrowserContext) -> None:
    """An analyst asks what the figures were as known on a day (the site's events were all
    recorded on 10 March 2023): the form takes the day, the page says what it rests on."""
    page = context.new_page()
    _log_in(page, site)
    page.get_by_label("Zoals bekend op (niet verplicht)").fill("2023-03-09")
    page.get_by_role("button", name="Toon", exact=True).click()
    page.wait_for_url(re.compile(r"known=2023-03-09"))
    note = page.locator("#known-on")
    assert note.is_visible()
    assert "Zoals bekend aan het eind van 9 maart 2023" in note.inner_text()
    assert _row(page, "Instroom (nieuwe vertrekprocedures)") == "0"
    assert_no_violations(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "dashboard-known-on.png"), full_page=False)
    note.get_by_role("link", name="Toon de cijfers zoals ze nu zijn").click()
    page.wait_for_url(re.compile(r"/dashboard\?from="))
    assert page.locator("#known-on").count() == 0
    assert _row(page, "Instroom (nieuwe vertrekprocedures)") == "6"

    page.goto(site.url + "/dashboard?known=2030-01-01")  # after the work date
    field = page.get_by_label("Zoals bekend op (niet verplicht)")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Kies een dag tot en met vandaag" in page.locator("#e-known").inner_text()
    assert_no_violations(page)
