"""The privacy officer in a real browser: signs in, lands on the privacy page, asks for one
person's data with the request's reference, sees the facts by sender (a withdrawn one struck
through), downloads the PDF; axe (every rule, any impact) on each page state.

Set TERUGKEER_SCREENSHOTS=docs/screenshots to refresh the README's screenshot (1366x768)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from terugkeer.services.ingest import ingest_lines
from tests.browser.conftest import assert_no_violations
from tests.integration.lines import line
from tests.web.server import MINE, PASSWORD, Site, running_site

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")


@pytest.fixture
def secure_site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True) as site:
        retraction = line("w-9", "retracted", MINE, "2023-03-09T10:00:00+01:00",
                          {"event_id": "w-5", "reason": "entered_in_error"})  # fmt: skip
        assert not ingest_lines(site.system, [retraction]).rejected
        yield site


def _log_in(page: Page, site: Site, name: str) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_the_privacy_officer_finds_a_persons_data_and_downloads_it(
    secure_site: Site, context: BrowserContext
) -> None:
    site, page = secure_site, context.new_page()
    _log_in(page, site, "fg")
    page.wait_for_url(site.url + "/privacy")
    assert_no_violations(page)
    page.get_by_label("V-nummer").fill("12345")
    page.get_by_label("Kenmerk van het verzoek").fill("AVG-2026-0042 art. 15")
    page.get_by_role("button", name="Gegevens tonen").click()
    assert page.locator("#e-v_number").inner_text() == "Een V-nummer heeft 10 cijfers."
    assert_no_violations(page)
    page.get_by_label("V-nummer").fill(MINE)
    page.get_by_role("button", name="Gegevens tonen").click()
    withdrawn = page.locator('table[data-sender="DTENV"] tr[data-id="w-5"]')
    assert "ingetrokken met w-9" in withdrawn.inner_text()
    assert_no_violations(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#subject-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SHOTS) / "privacy.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden als PDF").click()
    saved = download.value.path()
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.startswith("inzage-")
