"""A case director's day (issue 27) in headless Chromium at 1366 by 768, on the store that `make
demo` builds (services/demo.py, the same code path at a fiftieth of the inflow): sign in, the
first screen holds the soonest legal deadlines, open one, record an interview (submitted
twice: stored once), record a travel document and see readiness change, withdraw both and see
readiness, the worklist and the key figures change back, record a family action, switch
language, sign out. axe finds no violation of any impact on any state reached."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import and_, func, or_, select

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Role
from terugkeer.domain.worklist import ItemKind
from terugkeer.services.demo_accounts import DemoAccount, demo_organisation
from terugkeer.store.tables import case_directors, cases, events, worklist_items
from tests.browser.conftest import assert_no_violations, desk
from tests.demo import small_demo
from tests.web.server import serving

pytestmark = pytest.mark.slow  # long-running: the scheduler starts it early (conftest)

SHOTS = os.environ.get("TERUGKEER_SCREENSHOTS")
UNTIL = date(2026, 3, 13)  # a Friday; the pages take it as today
NOW = datetime(2026, 3, 13, 17, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Demo:
    system: System
    url: str
    accounts: dict[str, DemoAccount]
    #: Accounts whose one-time password was replaced already (the first sign-in happened).
    used: set[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    built = small_demo(tmp_path_factory.mktemp("demo"), until=UNTIL, now=NOW)
    system = built.system
    system.settings = system.settings.model_copy(update={"work_date": UNTIL})
    organisation = demo_organisation(system, UNTIL, lambda _: None)
    accounts = {a.user.name: a for a in organisation.printed}
    try:
        with serving(system) as url:
            yield Demo(system, url, accounts, set())
    finally:
        system.close()


def _legal_items(system: System, director: str) -> list[tuple[date, str, str]]:
    """(due, kind, V-number) of the director's legal items showing on UNTIL, soonest first."""
    legal = [k.value for k in ItemKind if k.is_legal]
    showing = and_(
        worklist_items.c.shows_from <= UNTIL,
        or_(worklist_items.c.shows_until.is_(None), worklist_items.c.shows_until >= UNTIL),
    )
    query = (
        select(worklist_items.c.due, worklist_items.c.kind, worklist_items.c.v_number)
        .join(case_directors, case_directors.c.case_seq == worklist_items.c.case_seq)
        .where(case_directors.c.director == director, worklist_items.c.kind.in_(legal), showing)
        .order_by(worklist_items.c.due)
    )
    with system.engine.connect() as connection:
        return [(row.due, row.kind, row.v_number) for row in connection.execute(query)]


def _count(system: System, v_numbers: list[str], event_type: str) -> int:
    with system.engine.connect() as connection:
        query = (
            select(func.count())
            .select_from(events)
            .where(events.c.v_number.in_(v_numbers), events.c.type == event_type)
        )
        return int(connection.execute(query).scalar_one())


def _family_of(system: System, director: str) -> str:
    with system.engine.connect() as connection:
        found = connection.execute(
            select(cases.c.family)
            .join(case_directors, case_directors.c.case_seq == cases.c.case_seq)
            .where(case_directors.c.director == director, cases.c.family.is_not(None),
                   cases.c.closed_us.is_(None))
            .order_by(cases.c.family).limit(1)
        ).scalar()  # fmt: skip
    assert found, f"{director} has no family in the demo"
    return str(found)


def _interviews_figure(lead: Page) -> str:
    """The departure interviews of the year so far, as the team lead's dashboard shows them."""
    lead.reload()
    return lead.locator('#key-figures tr[data-figure="departure_interviews"] td').first.inner_text()


def _on_worklist(page: Page, demo: Demo, kind: str, v_number: str) -> bool:
    page.goto(f"{demo.url}/?kind={kind}")
    return page.locator(f'#worklist tr.item-row a[href="/cases/{v_number}"]').count() > 0


def _holds(page: Page, condition: str) -> str | None:
    return page.locator(f'[data-condition="{condition}"]').get_attribute("data-holds")


def _withdraw(page: Page, event_type: str) -> None:
    row = page.locator(f"#timeline-table tr[data-type='{event_type}']:not(.withdrawn)").first
    row.get_by_role("link", name="Intrekken").click()
    assert_no_violations(page)
    page.get_by_label("reden").select_option("entered_in_error")
    page.get_by_role("button", name="Intrekken").click()
    page.wait_for_url(re.compile(r"/cases/\d{10}"))


def _director_with_legal_items(demo: Demo) -> tuple[DemoAccount, list[tuple[date, str, str]]]:
    directors = [a for a in demo.accounts.values() if a.user.role is Role.CASE_DIRECTOR]
    found = max(((a, _legal_items(demo.system, a.user.name)) for a in directors),
                key=lambda pair: len(pair[1]))  # fmt: skip
    assert found[1], "no printed director has a legal deadline on the demo's day"
    return found


def test_a_case_directors_day_on_the_demo_store(
    demo: Demo, context: BrowserContext, browser: Browser
) -> None:
    system, page = demo.system, context.new_page()
    director, legal = _director_with_legal_items(demo)
    # The team lead watches the key figures on the dashboard meanwhile, in a browser of her own.
    leads = desk(browser)
    lead = leads.new_page()
    _sign_in(lead, demo, demo.accounts[f"tl-{(director.user.team or '').lower()}"])
    lead.goto(demo.url + "/dashboard")

    # Sign in.
    page.goto(demo.url + "/login")
    assert_no_violations(page)
    _sign_in(page, demo, director)
    page.wait_for_url(demo.url + "/")

    # The first screen: the soonest legal deadline first, legal before practice.
    rows = page.locator("#worklist tr.item-row")
    first = rows.first
    assert first.bounding_box() is not None and (first.bounding_box() or {"y": 999})["y"] < 768
    kinds = [rows.nth(i).get_attribute("data-kind") or "" for i in range(rows.count())]
    legal_count = sum(ItemKind(k).is_legal for k in kinds)
    assert all(ItemKind(k).is_legal for k in kinds[:legal_count])  # legal first
    assert first.locator("td.due").inner_text() == _day_nl(legal[0][0])
    assert_no_violations(page)
    _shot(page, "worklist")

    # Open it (a case with a legal deadline whose travel document is missing, if any).
    candidates = [v for _, _, v in legal]
    v_number = candidates[0]
    for candidate in dict.fromkeys(candidates):
        page.goto(f"{demo.url}/cases/{candidate}")
        if _holds(page, "travel_document") == "no":
            v_number = candidate
            break
    page.goto(demo.url + "/")
    page.locator(f'#worklist a[href="/cases/{v_number}"]').first.click()
    page.wait_for_url(f"{demo.url}/cases/{v_number}")
    assert page.locator("#case-summary").is_visible()
    assert_no_violations(page)
    _shot(page, "case")
    interviews_before = _interviews_figure(lead)
    due_for_interview = _on_worklist(page, demo, "no_interview", v_number)

    # Record an interview, submitted twice (back and again): stored once.
    page.goto(f"{demo.url}/cases/{v_number}/record/interview")
    assert_no_violations(page)
    page.get_by_label("soort").select_option("follow_up")
    page.get_by_label("houding").select_option("cooperating")
    before = _count(system, [v_number], "interview")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/cases/{v_number}\?recorded=\d+"))
    page.go_back()
    page.wait_for_url(re.compile(r"/record/interview\?submission="))
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(r"again=same"))
    assert _count(system, [v_number], "interview") == before + 1
    assert page.locator("#timeline-table tr.just-recorded[data-type='interview']").count() == 1
    assert_no_violations(page)
    assert _interviews_figure(lead) != interviews_before
    assert not _on_worklist(page, demo, "no_interview", v_number)  # interviewed today

    # Record a travel document: readiness changes.
    page.goto(f"{demo.url}/cases/{v_number}")
    was = _holds(page, "travel_document")
    page.goto(f"{demo.url}/cases/{v_number}/record/travel_document_valid")
    page.get_by_label("soort").select_option("passport")
    page.get_by_label("geldig tot en met").fill(f"{UNTIL + timedelta(days=730):%d-%m-%Y}")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/cases/{v_number}\?recorded=\d+"))
    assert _holds(page, "travel_document") == "yes"
    assert_no_violations(page)

    # Both were wrong: withdrawn, and readiness, the worklist and the key figures go back.
    _withdraw(page, "travel_document_valid")
    assert _holds(page, "travel_document") == was
    assert page.locator("#timeline-table tr.withdrawn[data-type='travel_document_valid']").count()
    assert_no_violations(page)
    _withdraw(page, "interview")
    assert _interviews_figure(lead) == interviews_before
    assert _on_worklist(page, demo, "no_interview", v_number) == due_for_interview

    # A family action: one interview for every member.
    family = _family_of(system, director.user.name)
    page.goto(f"{demo.url}/families/{family}")
    assert_no_violations(page)
    _shot(page, "family")
    members = [
        (page.locator("[data-member]").nth(i).get_attribute("data-member") or "")
        for i in range(page.locator("[data-member]").count())
    ]
    members = [m for m in members if m] or _members(system, family)
    before = _count(system, members, "interview")
    page.locator("ul.record-links").get_by_role("link", name="vertrekgesprek").click()
    assert_no_violations(page)
    page.get_by_label("soort").select_option("follow_up")
    page.get_by_label("houding").select_option("cooperating")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(re.compile(rf"/families/{family}\?recorded="))
    assert _count(system, members, "interview") == before + len(members)
    assert_no_violations(page)

    # Switch language, and sign out.
    page.goto(demo.url + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(demo.url + "/")
    assert page.get_by_role("heading", name="Worklist").is_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto(demo.url + "/")
    page.wait_for_url(re.compile(r"/login"))  # signed out: the worklist asks to sign in
    leads.close()


def _shot(page: Page, name: str) -> None:
    """The first screen at 1366 by 768, as a user sees it (TERUGKEER_SCREENSHOTS=docs/screenshots
    refreshes the README's)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _sign_in(page: Page, demo: Demo, account: DemoAccount) -> None:
    """Sign in with the one-time password the demo printed, and choose one's own first."""
    assert account.user.name not in demo.used, "its one-time password is spent"
    demo.used.add(account.user.name)
    page.goto(demo.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(account.user.name)
    page.get_by_label("Wachtwoord").fill(account.password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(demo.url + "/password")
    assert_no_violations(page)
    page.get_by_label("Huidig wachtwoord").fill(account.password)
    own = "zeven lantaarns aan de haven"  # not the user name, nor on the common list
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(own)
    page.get_by_label("Nieuw wachtwoord nogmaals").fill(own)
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    page.wait_for_url(demo.url + "/password?changed=1")
    page.get_by_role("link", name="Naar uw werk").click()
    page.wait_for_url(lambda url: "/password" not in url)


def _members(system: System, family: str) -> list[str]:
    with system.engine.connect() as connection:
        return list(connection.execute(
            select(cases.c.v_number).where(cases.c.family == family, cases.c.closed_us.is_(None))
        ).scalars())  # fmt: skip


def _day_nl(day: date) -> str:
    return format_date(day, "d MMMM y", locale="nl")


def test_a_team_lead_and_an_admin_on_the_demo_store(demo: Demo, browser: Browser) -> None:
    """The team lead's workload shows every director of the team with tens of open cases, not
    thousands; the admin sees the organisation's accounts, the unprinted directors without a
    password to be set. axe clean; screenshots of both."""
    leads = desk(browser)
    lead = leads.new_page()
    account = next(
        a for a in demo.accounts.values()
        if a.user.role is Role.TEAM_LEAD and a.user.name not in demo.used
    )  # fmt: skip
    _sign_in(lead, demo, account)
    lead.goto(demo.url + "/team")
    rows = lead.locator("#workload tbody tr[data-director]")
    directors = [rows.nth(i).get_attribute("data-director") for i in range(rows.count())]
    team = f"rv-{(account.user.team or '').lower()}-"
    assert directors and all(d and d.startswith(team) for d in directors)
    open_cases = [
        int(rows.nth(i).locator('[data-count="open_cases"]').inner_text().replace(".", ""))
        for i in range(rows.count())
    ]
    assert sum(open_cases) > 0 and max(open_cases) < 100  # tens, not thousands
    assert_no_violations(lead)
    _shot(lead, "workload")
    leads.close()

    admins = desk(browser)
    admin = admins.new_page()
    _sign_in(admin, demo, demo.accounts["beheerder"])
    admin.goto(demo.url + "/admin/users")
    names = admin.locator("#accounts tbody tr[data-user]")
    shown = {names.nth(i).get_attribute("data-user") for i in range(names.count())}
    assert {"tl-noord", "rv-noord-01", "auditor"} <= shown
    unprinted = admin.locator('#accounts tr[data-user="rv-noord-02"]').inner_text()
    assert "nog geen wachtwoord" in unprinted  # the admin sees who needs one set first
    assert_no_violations(admin)
    _shot(admin, "users")
    admins.close()
