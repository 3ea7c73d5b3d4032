"""The agency's own texts in the annual report: Markdown it supplies per year and language,
one file per named section, included as written (never generated, raw HTML not passed on).

Layout in the editorial folder (`TERUGKEER_EDITORIAL_DIR`, or `--editorial-dir`):

    2023/voorwoord.md        Dutch (also `voorwoord.nl.md`)
    2023/voorwoord.en.md     English

Sections (`SECTIONS`): `voorwoord` (foreword), `medewerkers` (the staff-count sentence that
opens "Resultaten in vogelvlucht"), `uitdagingen` (the challenges chapter), `internationaal`
(the introduction to international cooperation), `meer-weten` (where to learn more) and
`colofon`. The file of one year and language before sections existed, `2023.md` /
`2023.en.md`, is still read as the challenges chapter, and `--editorial FILE` names that
chapter's file directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

SECTIONS = ("voorwoord", "medewerkers", "uitdagingen", "internationaal", "meer-weten", "colofon")
#: Without their text the report shows a placeholder that says what is missing: the report
#: never writes the agency's words for it. The others are left out (`medewerkers`,
#: `internationaal`) or get the product's default (`meer-weten`, `colofon`).
PLACEHOLDERS = ("voorwoord", "uitdagingen")
CHALLENGES = "uitdagingen"

# CommonMark without raw HTML: the text is the agency's, the page around it is ours.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True, slots=True)
class Editorial:
    files: Mapping[str, Path] = field(default_factory=dict)  # section → the file included

    def html(self, section: str) -> str | None:
        """The section's text as HTML, or None when the agency supplied none. Its headings
        sit under the chapter's own (h2): `#` becomes h3, `##` h4, and so on (at most h6),
        so that the tagged PDF's outline stays one tree."""
        found = self.files.get(section)
        if found is None:
            return None
        tokens = _MARKDOWN.parse(found.read_text(encoding="utf-8"))
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1:]) + 2, 6)}"
        return str(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))

    @property
    def missing(self) -> tuple[str, ...]:
        """The sections that show a placeholder."""
        return tuple(section for section in PLACEHOLDERS if section not in self.files)


def editorial_file(folder: Path, year: int, lang: str) -> Path | None:
    """The year's challenges chapter in the layout before named sections: `YYYY.LANG.md`,
    else (Dutch) `YYYY.md`, in `folder`."""
    return _in_language(folder, str(year), lang)


def _in_language(folder: Path, stem: str, lang: str) -> Path | None:
    """`STEM.LANG.md` in `folder`, else for Dutch (the agency's own language) `STEM.md`."""
    names = [f"{stem}.{lang}.md"] + ([f"{stem}.md"] if lang == "nl" else [])
    found = [folder / name for name in names if (folder / name).is_file()]
    return found[0] if found else None


def editorial_texts(
    folder: Path | None, year: int, lang: str, *, challenges: Path | None = None
) -> Editorial:
    """The year's sections found in `folder` (None: no folder); `challenges` overrides the
    challenges chapter's file."""
    files: dict[str, Path] = {}
    if folder is not None:
        for section in SECTIONS:
            found = _in_language(folder / str(year), section, lang)
            if found is not None:
                files[section] = found
        legacy = editorial_file(folder, year, lang)
        if CHALLENGES not in files and legacy is not None:
            files[CHALLENGES] = legacy
    if challenges is not None:
        files[CHALLENGES] = challenges
    return Editorial(files)
