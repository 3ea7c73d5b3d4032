"""The legal sources of the rules table in the page's language (issue 27: "every rule text and
legal source comes in the page's language").

rules.toml writes its sources in English; the Dutch of each is in a catalogue beside the page
messages (locale/nl/LC_MESSAGES/rule_sources.toml), keyed by the English text, so that a source
stored with a worklist item is found as well as one read from the rules table. A source that
the catalogue lacks stays in English and says so (`lang="en"`); on an English page the Dutch
titles it cites ("Vreemdelingenwet 2000") carry `lang="nl"`. Markers ([U], [S]) are taken out
of the text and shown, explained, beside it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_MARKER = re.compile(r"\s*\[([USV])\]")


@dataclass(frozen=True, slots=True)
class Cited:
    #: The text in parts, each with its language when that is not the page's (else None).
    parts: tuple[tuple[str, str | None], ...]
    #: The rules table's markers named in the source: "U" unverified, "S" secondary source.
    markers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Catalogue:
    dutch: dict[str, str]
    titles: tuple[str, ...]  # longest first


@cache
def _catalogue() -> _Catalogue:
    path = resources.files("terugkeer.web").joinpath("locale/nl/LC_MESSAGES/rule_sources.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    dutch = {str(row["en"]): str(row["nl"]) for row in data["source"]}
    titles = sorted((str(t) for t in data["dutch_titles"]), key=len, reverse=True)
    return _Catalogue(dutch, tuple(titles))


def dutch(source: str) -> str | None:
    """The Dutch text of an English source (its markers left out), None when not catalogued."""
    return _catalogue().dutch.get(_MARKER.sub("", source).strip())


def cited(source: str, language: str) -> Cited:
    """`source` as a page in `language` shows it."""
    markers = tuple(dict.fromkeys(_MARKER.findall(source)))
    text = _MARKER.sub("", source).strip()
    if language == "nl":
        found = dutch(text)
        return Cited(((found, None),) if found else ((text, "en"),), markers)
    return Cited(_marked_titles(text), markers)


def _marked_titles(text: str) -> tuple[tuple[str, str | None], ...]:
    titles = _catalogue().titles
    if not titles:
        return ((text, None),)
    pattern = re.compile("|".join(re.escape(t) for t in titles))
    parts: list[tuple[str, str | None]] = []
    at = 0
    for found in pattern.finditer(text):
        if found.start() > at:
            parts.append((text[at : found.start()], None))
        parts.append((found.group(0), "nl"))
        at = found.end()
    if at < len(text):
        parts.append((text[at:], None))
    return tuple(parts)
