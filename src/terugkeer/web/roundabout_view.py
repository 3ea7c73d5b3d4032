"""The roundabout on the dashboard: the same picture as in the annual report and from `report
infographic`, inline (its text is text, in the page's font), with its text alternative as two
tables. Exact numbers in the page's notation, as everywhere on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from terugkeer.reports.roundabout.drawing import roundabout_svg
from terugkeer.reports.roundabout.model import Roundabout
from terugkeer.reports.roundabout.text import lines, stance_table
from terugkeer.web.i18n import Formats


@dataclass(frozen=True, slots=True)
class RoundaboutView:
    svg: Markup  # drawn by the product from numbers and its own words: no user text in it
    lines: list[tuple[str, str, int]]  # (label, number, indent)
    heads: list[str]
    rows: list[tuple[str, list[str]]]


def roundabout_view(data: Roundabout, f: Formats) -> RoundaboutView:
    lang = f.language

    def number(count: int) -> str:
        return f.number(count)

    heads, rows = stance_table(data, lang)
    return RoundaboutView(
        svg=Markup(roundabout_svg(data, lang, number)),  # every text in it is escaped when drawn
        lines=[(line.label, number(line.count), line.indent) for line in lines(data, lang)],
        heads=heads,
        rows=[(stance, [number(n) for n in counts]) for stance, counts in rows],
    )
