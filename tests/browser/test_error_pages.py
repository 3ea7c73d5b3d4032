"""The error pages a user meets in a real browser (refused, an address that cannot be read,
not found, a failure): each in the user's language, with its heading and the site's frame,
and without an axe violation of any impact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import assert_no_violations
from tests.web.server import MINE, PASSWORD, Site, running_site


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True) as running:
        yield running


def _log_in(page: Page, site: Site, name: str) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def _shows(page: Page, site: Site, path: str, status: int, heading: str) -> None:
    answer = page.goto(site.url + path)
    assert answer is not None and answer.status == status, path
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_no_violations(page)


def test_the_error_pages_of_a_lead(context: BrowserContext, site: Site) -> None:
    page = context.new_page()
    _log_in(page, site, "lead")
    _shows(page, site, "/admin/users", 403, "Geen toegang")
    _shows(page, site, "/team?page=x", 400, "Het adres is niet leesbaar")
    _shows(page, site, "/nowhere", 404, "Niet gevonden")
    site.system.rules = None  # type: ignore[assignment]  # every case file now fails
    _shows(page, site, f"/cases/{MINE}", 500, "Er ging iets mis")
