"""Every message of the pages has a Dutch translation, and the permission docs are current."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from terugkeer.domain.permissions import permissions_markdown
from terugkeer.web.i18n import Formats, negotiate

ROOT = Path(__file__).parents[3]


def _catalogue(language: str) -> dict[str, str]:
    po = resources.files("terugkeer.web") / f"locale/{language}/LC_MESSAGES/messages.po"
    with po.open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def test_every_template_message_has_a_dutch_translation() -> None:
    templates = ROOT / "src/terugkeer/web/templates"
    method = [("**.html", "jinja2")]
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(templates, method, options_map={
            "**.html": {"extensions": "jinja2.ext.i18n"}})
    }  # fmt: skip
    dutch = _catalogue("nl")
    missing = sorted(m for m in found if not dutch.get(m))
    assert len(found) > 50 and missing == [], f"run scripts/catalogues.py and translate {missing}"


def test_dutch_forms_of_dates_numbers_and_countries() -> None:
    dutch = Formats("nl")
    from datetime import date

    assert dutch.day(date(2023, 3, 14)) == "14 maart 2023"
    assert dutch.number(19990) == "19.990"
    assert dutch.country("MAR") == "Marokko"
    assert Formats("en").country("MAR") == "Morocco"


def test_language_choice() -> None:
    assert negotiate(None, None) == "nl"
    assert negotiate(None, "en-GB,en;q=0.9") == "en"
    assert negotiate("nl", "en") == "nl"  # a click beats the browser's setting
    assert negotiate("xx", "de-DE") == "nl"


def test_permission_docs_are_current() -> None:
    assert (ROOT / "docs/permissions.md").read_text(encoding="utf-8") == permissions_markdown()
