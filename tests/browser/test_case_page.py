"""The case page in a real browser at 1366 by 768 px, in Dutch and English: axe finds nothing (any
impact, WCAG 2.2 AA and best practices), every interactive element shows a focus ring, and no
in-page link points at an anchor that is not there (issue 27, point 7)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import assert_no_violations
from tests.web.server import MINE, PASSWORD, Site, running_site

#: The focus ring of every link, button and field: what :focus computes to, per element.
FOCUS_RINGS = """() => [...document.querySelectorAll(
    'a[href], button, select, input:not([type=hidden]), textarea, summary')]
  .filter(el => el.getClientRects().length > 0 || el.matches('.nl-skip-link'))
  .map(el => { el.focus(); const s = getComputedStyle(el);
    return {el: el.outerHTML.slice(0, 80), focused: document.activeElement === el,
            style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; })"""
MISSING_ANCHORS = """() => [...document.querySelectorAll('a[href^="#"]')]
  .map(a => a.getAttribute('href').slice(1))
  .filter(id => id && !document.getElementById(decodeURIComponent(id)))"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=True) as running:
        yield running


def _log_in(page: Page, site: Site) -> None:
    page.goto(site.url + "/login")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(site.url + "/")


def _check(page: Page) -> None:
    assert_no_violations(page)
    rings = page.evaluate(FOCUS_RINGS)
    assert len(rings) > 10
    bare = [r for r in rings if not r["focused"] or r["style"] == "none" or r["width"] < 2]
    assert bare == [], bare
    assert page.evaluate(MISSING_ANCHORS) == []


def test_the_case_page_in_dutch_and_english(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    _log_in(page, site)
    page.goto(f"{site.url}/cases/{MINE}")
    why = page.get_by_role("heading", name="Waarom deze zaak op de werkvoorraad staat")
    assert why.is_visible()
    gaps = page.locator("#gaps")
    assert "bij de ambassade van Marokko sinds 3 januari 2023" in gaps.inner_text()
    _check(page)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site.url}/cases/{MINE}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Why this case is on the worklist").is_visible()
    assert "at the embassy of Morocco since 3 January 2023" in page.locator("#gaps").inner_text()
    # A Dutch title kept in an English citation says it is Dutch.
    cited = page.locator('[data-condition="in_detention"] [lang="nl"]')
    assert cited.first.inner_text() == "Vreemdelingenwet 2000"
    _check(page)


def test_the_favicon_is_served(site: Site, context: BrowserContext) -> None:
    page = context.new_page()
    answer = page.goto(site.url + "/favicon.ico")
    assert answer is not None and answer.status == 200
