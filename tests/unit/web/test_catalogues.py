"""Every message of the pages has a Dutch translation, and the permission docs are current."""

from __future__ import annotations

import re
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


def _extracted(folder: str, method: str, pattern: str, keywords: dict[str, None]) -> set[str]:
    options = {pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {}
    return {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            ROOT / folder, [(pattern, method)], options_map=options, keywords=keywords
        )
    }


def test_every_template_message_has_a_dutch_translation() -> None:
    found = _extracted("src/terugkeer/web/templates", "jinja2", "**.html", {"_": None})
    dutch = _catalogue("nl")
    missing = sorted(m for m in found if not dutch.get(m))
    assert len(found) > 50 and missing == [], f"run scripts/catalogues.py and translate {missing}"


def test_every_domain_sentence_has_a_dutch_translation() -> None:
    """Reasons of the readiness panel and rejections of a form reach the page as `say(...)`."""
    found = _extracted("src/terugkeer", "python", "**.py", {"say": None})
    dutch = _catalogue("nl")
    missing = sorted(m for m in found if not dutch.get(m))
    assert len(found) > 40 and missing == [], f"run scripts/catalogues.py and translate {missing}"


def test_translations_keep_every_placeholder() -> None:
    """A translation that drops or misspells a %(name)s would show the English instead."""
    for language in ("nl", "en"):
        for message_id, text in _catalogue(language).items():
            if text:
                assert _names(text) == _names(message_id), (language, message_id, text)


def _names(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


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


def test_domain_sentences_in_dutch_with_their_values_in_dutch_form() -> None:
    from datetime import date

    from terugkeer.domain.messages import Code, FieldPath, say

    dutch, english = Formats("nl"), Formats("en")
    term = say("departure term runs until %(day)s", day=date(2023, 3, 14))
    assert dutch.say(term) == "vertrektermijn loopt tot en met 14 maart 2023"
    assert english.say(term) == "departure term runs until 14 March 2023"
    assert str(term) == "departure term runs until 2023-03-14"  # the CLI's and the API's
    place = say("at %(location)s since %(day)s", location=Code("family_location"),
                day=date(2023, 1, 2))  # fmt: skip
    assert dutch.say(place) == "in gezinslocatie sinds 2 januari 2023"
    nested = say("%(field)s %(problem)s (got %(got)s)", field=FieldPath("data.destination"),
                 problem=say("must be an ISO 3166-1 alpha-3 code"), got='"ZZZ"')  # fmt: skip
    assert dutch.say(nested) == 'bestemming moet een ISO 3166-1 alpha-3-code zijn (ingevuld: "ZZZ")'
    unknown = say("a sentence no catalogue has: %(n)s", n=19990)
    assert dutch.say(unknown) == "a sentence no catalogue has: 19.990"


def test_every_field_of_the_v1_format_has_a_dutch_name() -> None:
    """The timeline and the forms show data fields by name: none may appear as a raw key."""
    from typing import get_type_hints

    from terugkeer.chain_events.schema import DATA_SCHEMAS

    dutch = _catalogue("nl")
    fields = {name for schema in DATA_SCHEMAS.values() for name in get_type_hints(schema)}
    assert sorted(f for f in fields if not dutch.get(f)) == []


def test_a_transfer_reason_names_the_member_state_in_dutch() -> None:
    from datetime import date

    from terugkeer.domain.messages import Country, say

    held = say(
        "transfer deadline to %(member_state)s passed on %(day)s: the Netherlands became "
        "responsible", member_state=Country("DEU"), day=date(2023, 8, 1),
    )  # fmt: skip
    assert Formats("nl").say(held) == (
        "overdrachtstermijn voor Duitsland verstreken op 1 augustus 2023: Nederland is "
        "verantwoordelijk geworden"
    )
    assert str(held) == (  # the CLI's and the API's: the code, as the events write it
        "transfer deadline to DEU passed on 2023-08-01: the Netherlands became responsible"
    )
