"""The worklist in a real browser at 1366 by 768, as a case director starts the day: the legal
deadlines first, at least eight items without scrolling, a filter, a second page, and going
to a V-number from the header; axe-core on every state (any impact, WCAG 2.2 AA, best
practices).

Set TERUGKEER_SCREENSHOTS=docs/screenshots to refresh the worklist's screenshot."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import assert_no_violations
from tests.web.desk import REVIEW_TODAY, SILENT_DUBLIN, add_desk
from tests.web.server import MINE, PASSWORD, THEIRS, Site, running_site

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")
WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def desk_site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True) as site:
        add_desk(site)
        yield site


def _log_in(page: Page, site: Site, name: str) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/")


def _above_the_fold(page: Page) -> int:
    """Item rows wholly inside the viewport, without scrolling."""
    found: int = page.evaluate(
        "(height) => [...document.querySelectorAll('#worklist tr.item-row')]"
        ".filter(r => { const b = r.getBoundingClientRect();"
        " return b.top >= 0 && b.bottom <= height && b.height > 0; }).length",
        HEIGHT,
    )
    return found


def _kinds(page: Page) -> list[str]:
    rows = page.locator("#worklist tr.item-row")
    return [rows.nth(i).get_attribute("data-kind") or "" for i in range(rows.count())]


def test_a_directors_first_screen_holds_the_legal_deadlines(
    desk_site: Site, context: BrowserContext
) -> None:
    site, page = desk_site, context.new_page()
    _log_in(page, site, "anna")
    assert _above_the_fold(page) >= 8
    first = page.locator("#worklist tbody").first
    assert first.get_attribute("data-legal") == "yes"
    assert _kinds(page)[:5] == [
        "dublin_reply_deadline", "detention_review", "flight_upcoming",
        "travel_document_expires_before_flight", "dublin_request_deadline",
    ]  # fmt: skip
    assert "aanvaard door stilzwijgen" in page.locator("#worklist").inner_text()
    assert page.get_by_role("link", name=SILENT_DUBLIN).first.is_visible()
    assert_no_violations(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "worklist.png"))  # what fits, as a user sees it

    # Filter by a kind: only the detention review is left.
    page.get_by_label("Soort", exact=True).select_option("detention_review")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile(r"kind=detention_review"))
    assert _kinds(page) == ["detention_review"]
    assert page.get_by_role("link", name=REVIEW_TODAY).is_visible()
    assert_no_violations(page)

    # From the summary's count to the interviews, and on to their second page.
    page.locator('#summary a[data-kind="no_interview"]').click()
    page.wait_for_url(site.url + "/?kind=no_interview")
    assert len(_kinds(page)) == 25
    assert_no_violations(page)
    page.get_by_role("navigation", name="Pagina's van de werkvoorraad").get_by_role(
        "link", name="Volgende"
    ).click()
    page.wait_for_url(re.compile(r"kind=no_interview&page=2"))
    assert "Taken 26\N{EN DASH}34 van 34" in page.locator("#worklist caption").inner_text()
    assert set(_kinds(page)) == {"no_interview"}
    assert_no_violations(page)

    # Go to a V-number from the header: a colleague's, a typing error, then an own case.
    search = page.get_by_role("search", name="Ga naar een dossier")
    search.get_by_label("V-nummer").fill(THEIRS)
    search.get_by_role("button", name="Ga naar").click()
    page.wait_for_url(re.compile(r"/go\?v="))
    assert page.locator("#go-result").inner_text() == (
        f"Er is geen dossier met V-nummer {THEIRS} onder uw dossiers."
    )
    assert_no_violations(page)
    search.get_by_label("V-nummer").fill("10000000O1")  # a letter O
    search.get_by_role("button", name="Ga naar").click()
    page.wait_for_url(re.compile(r"/go\?v=10000000O1"))
    error = page.locator("#go-v-error")
    assert error.inner_text() == "Een V-nummer heeft 10 cijfers."
    assert page.locator("#go-v").input_value() == "10000000O1"  # kept, to correct
    assert_no_violations(page)
    page.locator("#go-v").fill(MINE)
    page.locator("main").get_by_role("button", name="Ga naar").click()
    page.wait_for_url(f"{site.url}/cases/{MINE}")


def test_a_team_lead_chooses_a_director_from_a_list(
    desk_site: Site, context: BrowserContext
) -> None:
    site, page = desk_site, context.new_page()
    _log_in(page, site, "lead")
    assert _above_the_fold(page) >= 8
    assert_no_violations(page)
    page.get_by_label("Regievoerder").select_option("cees")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile(r"director=cees"))
    assert _kinds(page) == ["no_interview"]
    assert_no_violations(page)
