"""Single sign-on end to end in headless Chromium: our site on 127.0.0.1, a real OpenID
Connect provider on localhost (another site, as a ministry's provider is). A director signs
in on the provider's own page, lands on the worklist, and signs out here and there; someone
without a mapped role is refused. axe finds no violation on any of our pages on the way.

This is where the cookies are proven: the callback arrives from the provider's site, so only
the SameSite=Lax flow cookie comes back on it, and the Strict session cookie works from the
page of ours that follows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from tests.browser.conftest import assert_no_violations
from tests.web.oidc_provider import Provider, site_with_sso
from tests.web.server import Site


@pytest.fixture
def sso(tmp_path: Path) -> Iterator[tuple[Site, Provider]]:
    with site_with_sso(tmp_path, cookie_secure=True) as running:
        yield running


def _at_provider(page: Page, site: Site, provider: Provider, sub: str) -> None:
    page.goto(site.url + "/login")
    assert_no_violations(page)
    page.get_by_role("link", name="Inloggen via Rijks-IdP").click()
    page.wait_for_url(re.compile(re.escape(provider.url) + r"/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_director_signs_in_lands_on_the_worklist_and_signs_out(
    sso: tuple[Site, Provider], context: BrowserContext
) -> None:
    site, provider = sso
    page = context.new_page()
    _at_provider(page, site, provider, "sub-sanne")
    page.wait_for_url(site.url + "/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert "sanne" in page.locator(".site-nav__user").inner_text()
    assert_no_violations(page)
    page.get_by_role("button", name="Uitloggen").click()  # the CSP lets this form end there
    page.wait_for_url(re.compile(re.escape(provider.url) + r"/oauth2/end_session\?"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(site.url) + r"/login\?state="))  # the provider's
    assert page.get_by_role("link", name="Inloggen via Rijks-IdP").is_visible()
    assert_no_violations(page)
    page.goto(site.url + "/")
    assert page.url == site.url + "/login"  # the session is gone


def test_a_person_without_a_mapped_role_is_refused(
    sso: tuple[Site, Provider], context: BrowserContext
) -> None:
    site, provider = sso
    page = context.new_page()
    _at_provider(page, site, provider, "sub-nora")
    page.wait_for_url(re.compile(re.escape(site.url) + r"/login/sso/callback\?"))
    assert "geen rol in dit systeem" in page.get_by_role("alert").inner_text()
    assert_no_violations(page)
    page.goto(site.url + "/")
    assert page.url == site.url + "/login"


def test_the_signed_in_page_between_provider_and_home_is_accessible(
    sso: tuple[Site, Provider], context: BrowserContext
) -> None:
    """The page moves on at once; here its refresh is taken out, so that axe can look at it
    and its link (for a browser that does not refresh) is shown to lead home as well."""
    site, provider = sso
    back: list[str] = []

    def held_at_provider(route: Route) -> None:  # where the provider sends the browser
        back.append(route.fetch(max_redirects=0).headers["location"])
        route.fulfill(status=200, content_type="text/plain", body="")

    def without_refresh(route: Route) -> None:
        answer = route.fetch(max_redirects=0)
        body = re.sub(r'<meta http-equiv="refresh"[^>]*>', "", answer.text())
        route.fulfill(response=answer, body=body)

    context.route(re.compile(re.escape(provider.url) + r"/oauth2/authorize\?.*"),
                  lambda route: held_at_provider(route) if route.request.method == "POST"
                  else route.continue_())  # fmt: skip
    context.route(re.compile(re.escape(site.url) + r"/login/sso/callback\?.*"), without_refresh)
    page = context.new_page()
    _at_provider(page, site, provider, "sub-sanne")
    for _ in range(200):  # the provider's answer is held by the route above
        if back:
            break
        page.wait_for_timeout(50)
    page.goto(back[0])
    assert page.get_by_role("heading", level=1).inner_text() == "Ingelogd"
    assert_no_violations(page)
    page.get_by_role("link", name="Verder naar uw pagina").click()
    page.wait_for_url(site.url + "/")
    assert "sanne" in page.locator(".site-nav__user").inner_text()
