"""Team lead, admin and auditor flows in a real browser, and a first sign-in that forces the
password change; axe (every rule, any impact: assert_no_violations) on every page state.

Set TERUGKEER_SCREENSHOTS=docs/screenshots to refresh the README's screenshots (1366x768)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from terugkeer.domain.permissions import Role
from terugkeer.services.users import add_user
from tests.browser.conftest import assert_no_violations
from tests.web.server import CHILD, MINE, PASSWORD, Site, running_site

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")


@pytest.fixture
def secure_site(tmp_path: Path) -> Iterator[Site]:
    # Untrusted sign-ins for a name wait after 5 failures here (the default: 100 from all
    # origins), so that one browser on loopback can hold one back for the admin to unlock.
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True,
                      sign_in_untrusted_limit=5) as site:  # fmt: skip
        yield site


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _log_in(page: Page, site: Site, name: str, password: str = PASSWORD) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_a_team_lead_reads_the_workload_and_moves_a_family(
    secure_site: Site, context: BrowserContext
) -> None:
    site, page = secure_site, context.new_page()
    add_user(site.system, "cleo", Role.CASE_DIRECTOR, "Noord", PASSWORD)
    _log_in(page, site, "lead")
    page.wait_for_url(site.url + "/")
    page.get_by_role("link", name="Team", exact=True).click()
    page.wait_for_url(site.url + "/team")
    anna = page.locator('#workload tr[data-director="anna"]')
    assert anna.locator('[data-count="open_cases"]').inner_text() == "2"
    assert page.locator('#workload tr[data-director="cleo"] [data-count="open_cases"]'
                        ).inner_text() == "0"  # fmt: skip
    assert_no_violations(page)
    _shot(page, "workload")

    page.get_by_role("button", name="Overdragen").click()  # nothing chosen: said, not stored
    assert "Kies ten minste één zaak." in page.locator("#reassign-error").inner_text()
    assert_no_violations(page)
    page.get_by_label(f"Kies {MINE}").check()  # one member of the family
    page.get_by_label("Toewijzen aan").select_option("cleo")
    page.get_by_role("button", name="Overdragen").click()
    assert page.get_by_role("heading", name="Het hele gezin gaat over").is_visible()
    along = page.locator("#along tbody").inner_text()
    assert CHILD in along and "anna" in along
    assert_no_violations(page)
    page.get_by_role("button", name="Het hele gezin toewijzen aan cleo").click()
    page.wait_for_url(site.url + "/team?moved=2")
    assert "Personen overgedragen: 2." in page.locator("#moved").inner_text()
    cleo = page.locator('#workload tr[data-director="cleo"] [data-count="open_cases"]')
    assert cleo.inner_text() == "2"
    assert anna.locator('[data-count="open_cases"]').inner_text() == "0"
    assert_no_violations(page)


def test_an_admin_adds_resets_unlocks_and_moves_a_user(
    secure_site: Site, context: BrowserContext
) -> None:
    site, page = secure_site, context.new_page()
    for _ in range(5):  # bram locks himself out
        _log_in(page, site, "bram", "not his password")
    _log_in(page, site, "root")
    page.wait_for_url(site.url + "/admin/users")  # the admin's first page
    # The browser is known for "root" from now on: a year-long device cookie, out of scripts'
    # reach, sent over TLS only (services/device_cookies.py).
    device = next(c for c in context.cookies() if c["name"] == "device")
    assert device["httpOnly"] and device["secure"] and device["sameSite"] == "Strict"
    assert device["expires"] > time.time() + 364 * 24 * 3600
    bram = page.locator('#accounts tr[data-user="bram"]').inner_text()
    assert "inloggen vanaf onbekende browsers opgehouden" in bram
    assert_no_violations(page)
    page.get_by_label("Gebruikersnaam").fill("dirk")
    page.get_by_label("Rol").select_option("case_director")
    page.get_by_label("Team (regievoerders en teamleiders)").fill("Noord")
    page.get_by_role("button", name="Toevoegen met een eenmalig wachtwoord").click()
    assert "dirk" in page.locator("#added").inner_text()
    assert len(page.locator("#one-time-password").inner_text()) >= 12
    assert_no_violations(page)
    _shot(page, "users")

    page.get_by_role("link", name="bram").click()
    page.wait_for_url(site.url + "/admin/users/bram")
    assert_no_violations(page)
    page.get_by_role("button", name="Ontgrendelen").click()
    page.wait_for_url(site.url + "/admin/users/bram?done=unlock")
    assert "Het account is ontgrendeld." in page.locator("#done").inner_text()
    assert "vergrendeld" not in page.locator("#account").inner_text()
    assert_no_violations(page)
    page.get_by_role("button", name="Wachtwoord opnieuw instellen").click()
    assert len(page.locator("#reset #one-time-password").inner_text()) >= 12
    assert_no_violations(page)

    page.goto(site.url + "/admin/users/dirk")
    page.get_by_label("Team (regievoerders en teamleiders)").fill("Zuid")
    page.get_by_role("button", name="Rol en team opslaan").click()
    page.wait_for_url(site.url + "/admin/users/dirk?done=change")
    assert "Zuid" in page.locator("#account").inner_text()
    assert_no_violations(page)
    page.goto(site.url + "/admin/users/anna")  # directs open cases: her team stays
    page.get_by_label("Team (regievoerders en teamleiders)").fill("Zuid")
    page.get_by_role("button", name="Rol en team opslaan").click()
    assert "nog open zaken" in page.locator("#account-error").inner_text()
    assert_no_violations(page)


def test_an_auditor_filters_is_refused_reversed_dates_and_exports(
    secure_site: Site, context: BrowserContext
) -> None:
    site, page = secure_site, context.new_page()
    _log_in(page, site, "anna")
    page.wait_for_url(site.url + "/")
    page.goto(f"{site.url}/cases/{MINE}")
    page.get_by_role("button", name="Uitloggen").click()
    _log_in(page, site, "audi")
    page.wait_for_url(site.url + "/audit")
    assert_no_violations(page)
    page.get_by_label("Gebruiker").fill("anna")
    page.get_by_label("Vanaf").fill("2030-03-10")
    page.get_by_label("Tot en met").fill("2030-03-01")
    page.get_by_role("button", name="Filteren").click()
    error = page.locator("#e-until")
    assert error.inner_text() == "De einddatum ligt vóór de begindatum."
    assert page.get_by_label("Tot en met").get_attribute("aria-invalid") == "true"
    assert_no_violations(page)
    page.get_by_label("Vanaf").fill("")
    page.get_by_label("Tot en met").fill("")
    page.get_by_role("button", name="Filteren").click()
    rows = page.locator("#access-log tbody").inner_text()
    assert "zaak geopend" in rows and MINE in rows
    assert_no_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Deze selectie exporteren als CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("time (Europe/Amsterdam),user") and MINE in exported
    page.get_by_label("Gebruiker").fill("audi")
    page.get_by_role("button", name="Filteren").click()
    assert "toegangslog geëxporteerd" in page.locator("#access-log tbody").inner_text()
    assert_no_violations(page)


def test_the_first_sign_in_forces_a_new_password(
    secure_site: Site, context: BrowserContext
) -> None:
    site, page = secure_site, context.new_page()
    add_user(site.system, "dirk", Role.CASE_DIRECTOR, "Noord", "handed over once",
             must_change=True)  # fmt: skip
    _log_in(page, site, "dirk", "handed over once")
    page.wait_for_url(site.url + "/password")
    assert page.locator("#forced").is_visible()
    assert_no_violations(page)
    page.goto(site.url + "/")  # nothing else until it is done
    page.wait_for_url(site.url + "/password")
    page.get_by_label("Huidig wachtwoord").fill("handed over once")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("my own good secret")
    page.get_by_label("Nieuw wachtwoord nogmaals").fill("my own good secreT")
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    assert page.locator("#e-repeat").inner_text() == "De twee nieuwe wachtwoorden zijn niet gelijk."
    assert_no_violations(page)
    page.get_by_label("Huidig wachtwoord").fill("handed over once")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("my own good secret")
    page.get_by_label("Nieuw wachtwoord nogmaals").fill("my own good secret")
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    page.wait_for_url(site.url + "/password?changed=1")
    assert_no_violations(page)
    page.get_by_role("link", name="Naar uw werk").click()
    page.wait_for_url(site.url + "/")
    assert page.get_by_role("heading", name="Werkvoorraad").is_visible()
