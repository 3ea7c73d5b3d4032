"""Entry that cannot go wrong, in a real browser: a double click stores one entry, a bad date
keeps what was typed with the error tied to its field, an unlikely entry is confirmed, and an
entry is corrected from the timeline; axe finds no violation of any impact on any state.

Set TERUGKEER_SCREENSHOTS=docs/screenshots to refresh the screenshot of a form with an error."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import func, select

from terugkeer.store.tables import events
from tests.browser.conftest import assert_no_violations
from tests.web.server import MINE, PASSWORD, Site, running_site

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")


@pytest.fixture
def secure_site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True) as site:
        yield site


def _count(site: Site, event_type: str) -> int:
    with site.system.engine.connect() as connection:
        query = select(func.count()).select_from(events).where(events.c.type == event_type)
        return int(connection.execute(query).scalar_one())


def _signed_in(page: Page, site: Site) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/")


RECORDED = re.compile(rf"/cases/{MINE}\?recorded=\d+")


def test_a_double_click_stores_one_interview(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    _signed_in(page, site)
    page.goto(f"{site.url}/cases/{MINE}/record/interview")
    assert page.locator("#f-stance").input_value() == ""  # no stance chosen for her
    assert_no_violations(page)
    page.get_by_label("soort").select_option("first")
    page.get_by_label("houding").select_option("cooperating")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Vastleggen").dblclick()
    page.wait_for_url(RECORDED)
    page.wait_for_timeout(300)  # let a second request, if the browser sent one, arrive
    assert len(posted) >= 1 and _count(site, "interview") == 1
    # Back to the form, and submitted again: the same form, so nothing new is stored.
    page.go_back()
    page.wait_for_url(re.compile(rf"/cases/{MINE}/record/interview\?submission="))
    assert page.locator("#f-stance").input_value() == "cooperating"
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(r"again=same"))
    assert len(posted) >= 2 and _count(site, "interview") == 1
    note = page.locator("#recorded-note").inner_text()
    assert "Dit formulier was al opgeslagen; er is niets nieuws opgeslagen." in note
    assert "vertrekgesprek van 10 mrt 2023 12:00" in note
    marked = page.locator("#timeline-table tr.just-recorded")
    assert marked.count() == 1 and marked.get_attribute("data-type") == "interview"
    assert_no_violations(page)

    marked.get_by_role("link", name="Verbeteren").click()
    assert page.get_by_role("heading", name="Verbeteren: vertrekgesprek").is_visible()
    assert page.locator("#f-stance").input_value() == "cooperating"  # its values, to change
    assert page.locator("#f-reason").input_value() == ""  # the reason is hers to give
    assert_no_violations(page)
    page.get_by_label("houding").select_option("not_cooperating")
    page.get_by_role("button", name="Verbeteren").click()
    assert page.locator("#e-reason").is_visible()
    assert page.locator("#f-stance").input_value() == "not_cooperating"  # kept
    assert_no_violations(page)
    page.get_by_label("Waarom wordt het verbeterd?").select_option("entered_in_error")
    page.get_by_role("button", name="Verbeteren").click()
    page.wait_for_url(re.compile(r"again=corrected"))
    assert "Verbeterd: vertrekgesprek" in page.locator("#recorded-note").inner_text()
    assert page.locator("#timeline-table tr.withdrawn[data-type='interview']").count() == 1
    assert _count(site, "interview") == 2 and _count(site, "retracted") == 1
    assert_no_violations(page)


def test_a_bad_date_keeps_what_was_typed(secure_site: Site, context: BrowserContext) -> None:
    site, page = secure_site, context.new_page()
    _signed_in(page, site)
    page.goto(f"{site.url}/cases/{MINE}/record/travel_document_valid")
    page.get_by_label("Datum waarop het gebeurde").fill("31-02-2023")
    page.get_by_label("soort").select_option("passport")
    page.get_by_label("geldig tot en met").fill("30-06-2024")
    page.get_by_role("button", name="Vastleggen").click()
    day = page.locator("#f-day")
    assert day.input_value() == "31-02-2023"
    assert day.get_attribute("aria-invalid") == "true"
    assert "e-day" in (day.get_attribute("aria-describedby") or "").split()
    assert page.locator("#e-day").inner_text() == "31-02-2023 is geen bestaande dag"
    assert page.locator("#f-valid_until").input_value() == "30-06-2024"
    assert_no_violations(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "form-error.png"))

    # Fixed, but the passport expired: asked to confirm, with the reason; then stored.
    day.fill("28-02-2023")
    page.get_by_label("geldig tot en met").fill("01-02-2023")
    page.get_by_role("button", name="Vastleggen").click()
    assert "verlopen op 1 februari 2023" in page.locator("#record-doubt").inner_text()
    assert _count(site, "travel_document_valid") == 0
    assert_no_violations(page)
    page.get_by_label("Ik heb dit gecontroleerd: leg het zo vast").check()
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(RECORDED)
    assert _count(site, "travel_document_valid") == 1
