"""The dashboard and the public figures in Chromium on a store that is whole only from
1 January 2023 (issue 28): no change against 2022 is shown, "not comparable" is, with the line
why; the public page says which years a publication leaves out. axe on every state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from terugkeer.services.completeness import set_complete_from
from terugkeer.services.publication import publish
from tests.browser.conftest import assert_no_violations
from tests.web.server import PASSWORD, Site, caseload, running_site
from tests.web.test_complete_from_http import WARM_UP, WHY


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True,
                      lines=caseload() + WARM_UP,
                      publications_dir=tmp_path / "publications") as running:  # fmt: skip
        set_complete_from(running.system, date(2023, 1, 1), by="ops", why=WHY)
        yield running


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # bypass_csp: only so that the test can inject axe-core; the app's CSP stays strict.
    made = browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    yield made
    made.close()


def test_the_dashboard_shows_no_comparison_with_2022(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill("ana")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/dashboard")  # this year so far: 1 January to 10 March 2023
    note = page.locator("#not-comparable")
    assert note.is_visible()
    assert "pas vanaf 1 januari 2023 volledig" in note.inner_text()
    inflow = page.locator('[data-figure="inflow"] td').all_inner_texts()
    assert inflow == ["4", "0", "niet vergelijkbaar", "2", "niet vergelijkbaar"]
    assert "%" not in page.locator("#key-figures").inner_text()  # no change anywhere
    assert page.locator("#trends-left-out").is_visible()
    months = page.locator("#chart-inflow tbody th").all_inner_texts()
    assert months == ["jan 2023", "feb 2023", "mrt 2023"]
    assert_no_violations(page)

    page.get_by_role("link", name="Vorige maand").click()  # February: January is comparable
    page.wait_for_url(re.compile(r"from=2023-02-01&to=2023-02-28"))
    inflow = page.locator('[data-figure="inflow"] td').all_inner_texts()
    assert inflow[2] == "-4 (-100,0%)" and inflow[4] == "niet vergelijkbaar"
    assert_no_violations(page)

    page.goto(site.url + "/dashboard?from=2022-01-01&to=2022-12-31")  # before the day itself
    assert "Deze periode begint zelf vóór die dag" in page.locator("#not-comparable").inner_text()
    assert page.locator("#chart-inflow").count() == 0  # no month of 2022 is drawn
    assert_no_violations(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/dashboard\?from=2022-01-01&to=2022-12-31$"))
    assert "Not comparable: the data are complete only from 1 January 2023" in (
        page.locator("#not-comparable").inner_text()
    )
    assert_no_violations(page)


def test_the_public_figures_say_which_years_are_left_out(
    site: Site, context: BrowserContext
) -> None:
    root = site.system.settings.publications_dir
    publish(site.system, date(2023, 2, 1), root / "2023-02")
    page = context.new_page()
    page.goto(site.url + "/cijfers")
    row = page.locator("#publications tbody tr").first.inner_text()
    assert "Jaren vóór 2023 weggelaten: de gegevens zijn pas vanaf 1 januari 2023 volledig." in row
    assert_no_violations(page)
    page.get_by_role("link", name="2023-02", exact=True).click()
    page.wait_for_url(site.url + "/cijfers/2023-02/index.html")
    assert "Jaren vóór 2023 zijn weggelaten" in page.locator("#left-out").inner_text()
    assert "2022" not in page.locator("table").first.inner_text()
    assert_no_violations(page)
