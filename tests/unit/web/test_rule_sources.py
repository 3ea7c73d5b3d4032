"""Every legal source a page shows comes in the page's language (issue 27, point 7)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from terugkeer.rules import load_rules
from terugkeer.web.rule_sources import cited, dutch


def _sources(model: BaseModel) -> Iterator[str]:
    for name, value in model:
        if isinstance(value, tuple):
            for row in value:
                yield from _sources(row)
        elif name.endswith("source") and isinstance(value, str):
            yield value


def test_every_source_of_the_rules_table_has_its_dutch() -> None:
    sources = set(_sources(load_rules()))
    assert len(sources) > 10
    missing = sorted(s for s in sources if not dutch(s))
    assert missing == [], f"add these to web/locale/nl/LC_MESSAGES/rule_sources.toml: {missing}"


def test_a_dutch_page_shows_the_dutch_and_the_marker_apart() -> None:
    shown = cited("DTenV werkwijze: a departure interview at least every 6 weeks [U]", "nl")
    assert shown.parts == (("DTenV-werkwijze: ten minste elke 6 weken een vertrekgesprek", None),)
    assert shown.markers == ("U",)


def test_a_source_without_dutch_stays_english_and_says_so() -> None:
    shown = cited("Some Regulation art. 1", "nl")
    assert shown.parts == (("Some Regulation art. 1", "en"),)


def test_an_english_page_marks_the_dutch_title_it_cites() -> None:
    shown = cited("Return Directive 2008/115/EC art. 15; Vreemdelingenwet 2000 art. 59", "en")
    assert ("Vreemdelingenwet 2000", "nl") in shown.parts
    assert "".join(part for part, _ in shown.parts).startswith("Return Directive")
