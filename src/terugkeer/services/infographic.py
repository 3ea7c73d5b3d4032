"""`terugkeer report infographic`: the return roundabout of a period as the agency draws it —
the SVG, an HTML page with the picture and its text alternative (the same numbers in tables),
a PNG (Chromium), and a text version. Published numbers (tens, "<5")."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from terugkeer.bootstrap import System
from terugkeer.reports.fonts import fira_sans
from terugkeer.reports.period import Period
from terugkeer.reports.roundabout.drawing import (
    VIEW_WIDTH,
    period_text,
    published_in,
    roundabout_svg,
)
from terugkeer.reports.roundabout.model import Roundabout
from terugkeer.reports.roundabout.query import roundabout
from terugkeer.reports.roundabout.text import text_html, text_lines
from terugkeer.reports.roundabout.words import WORDS
from terugkeer.reports.svg_png import PngError, png_of_svg

__all__ = ["Infographic", "NothingToDrawError", "PngError", "infographic", "roundabout_of"]

FILES = ("infographic.svg", "infographic.html", "infographic.png", "infographic.txt")


@dataclass(frozen=True, slots=True)
class Infographic:
    figures: Roundabout
    files: list[Path]


class NothingToDrawError(ValueError):
    """No inflow and no closed procedure in the period: the picture would tell nobody anything."""


def roundabout_of(system: System, period: Period) -> Roundabout:
    with system.engine.connect() as connection:
        return roundabout(connection, period)


def infographic(system: System, period: Period, out: Path, lang: str = "nl") -> Infographic:
    found = roundabout_of(system, period)
    if not found.total_inflow and not found.closed:
        raise NothingToDrawError(
            f"no inflow and no closed return procedure from {period.start} to {period.end}: "
            "nothing to draw"
        )
    number = published_in(lang)
    svg = roundabout_svg(found, lang, number)
    png = png_of_svg(svg, VIEW_WIDTH)  # first: if Chromium fails, no half set of files
    out.mkdir(parents=True, exist_ok=True)
    w = WORDS[lang]
    (out / "infographic.svg").write_text(svg + "\n", encoding="utf-8")
    (out / "infographic.png").write_bytes(png)
    text = [w["title"], period_text(found, lang), "", w["alt_summary"], "",
            *text_lines(found, lang, number)]  # fmt: skip
    (out / "infographic.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    (out / "infographic.html").write_text(_page(found, lang, svg), encoding="utf-8")
    return Infographic(found, [out / name for name in FILES])


def _page(found: Roundabout, lang: str, svg: str) -> str:
    """A page that stands alone (fonts inside, no script): the picture and its tables."""
    w = WORDS[lang]
    title = html.escape(w["title"])
    tables = text_html(found, lang, published_in(lang))
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{fira_sans()}\n"
        "body{font-family:'Fira Sans',Arial,sans-serif;margin:1.5rem auto;max-width:60rem;"
        "padding:0 1rem;color:#000}h1{color:#154273}figure{margin:0}"
        "svg{width:100%;height:auto}table{border-collapse:collapse;margin:1rem 0}"
        "caption{text-align:left;font-weight:700;padding-bottom:.3rem}"
        "th,td{padding:.2rem .6rem;border-bottom:1px solid #8fa8c8;text-align:right}"
        "th:first-child{text-align:left}.indent-1{padding-left:1.6rem}"
        ".indent-2{padding-left:2.8rem}</style></head><body><main>"
        f"<h1>{title}</h1><figure>{svg}</figure>{tables}</main></body></html>\n"
    )
