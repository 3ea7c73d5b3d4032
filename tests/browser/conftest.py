"""Real headless Chromium (Debian's, driven by Playwright; never `playwright install`), and
axe-core injected into each page to check WCAG 2.1 A/AA."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/system-packages.sh installs it (as root)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations of impact serious or critical on the page."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " help: v.help}))",
        WCAG,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def assert_accessible(page: Page) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"


#: Issue 27: "axe with no violation of any impact", WCAG 2.2 AA (24 by 24 targets) and axe's
#: best practices (unique landmarks, one main, ...) included.
EVERY_RULE = [*WCAG, "wcag22aa", "best-practice"]


def all_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page, of any impact, under EVERY_RULE."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))",
        EVERY_RULE,
    )
    return found


def assert_no_violations(page: Page) -> None:
    violations = all_violations(page)
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"


def desk(browser: Browser) -> BrowserContext:
    """A Dutch browser at 1366 by 768, as a case director's screen; accepts downloads.
    bypass_csp: only so that a test can inject axe-core; the app's CSP stays strict."""
    return browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport={"width": 1366, "height": 768},
        accept_downloads=True,
    )  # fmt: skip


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """The desk browser of one test (a module may define its own `context` instead)."""
    made = desk(browser)
    yield made
    made.close()
