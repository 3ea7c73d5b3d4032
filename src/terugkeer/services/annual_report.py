"""`terugkeer report annual`: the agency's yearly report ("Stand van de uitvoering") regenerated
from the store in the seed's own structure — the key figures box, demonstrable departure and
outflow without departure with the change on the year before, the return roundabout,
nationality confirmations, Dublin, repeated procedures, the caseload's top nationalities and
emergency reception — as HTML or a tagged A4 PDF (WeasyPrint), Dutch or English.

Figures are published as the agency publishes them (counts to tens, under 5 as "<5"); shares
and changes in per cent come from the exact counts. The chapter on bottlenecks is the agency's
own editorial text: a Markdown file per year that the report includes as written, never
generated; without one the report says so.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from markdown_it import MarkdownIt

from terugkeer.bootstrap import System
from terugkeer.reports.charts import bar_chart
from terugkeer.reports.figures.caseload import caseload_without_dublin
from terugkeer.reports.figures.trends import monthly_trends, months_of
from terugkeer.reports.model import KeyFigures, PublishedCount
from terugkeer.reports.numbers import LOCALES, format_number
from terugkeer.reports.period import Period
from terugkeer.reports.publication import country_name
from terugkeer.reports.roundabout.drawing import published_in, roundabout_svg
from terugkeer.reports.roundabout.text import text_lines
from terugkeer.reports.rounding import publish_count
from terugkeer.services.infographic import roundabout_of
from terugkeer.services.key_figures import key_figures_of

LANGUAGES = ("nl", "en")


class AnnualReportError(ValueError):
    """The report cannot be made as asked (a year without events, an unknown output type)."""


@dataclass(frozen=True, slots=True)
class AnnualReport:
    year: int
    lang: str
    out: Path
    editorial: Path | None  # the included editorial file, if any


def editorial_file(folder: Path, year: int, lang: str) -> Path | None:
    """The year's editorial text: `YYYY.LANG.md`, else (Dutch) `YYYY.md`, in `folder`."""
    names = [f"{year}.{lang}.md"] + ([f"{year}.md"] if lang == "nl" else [])
    found = [folder / name for name in names if (folder / name).is_file()]
    return found[0] if found else None


def annual_report(
    system: System, year: int, out: Path, *, lang: str = "nl", editorial: Path | None = None
) -> AnnualReport:
    """Write the report of `year` to `out` (.html or .pdf)."""
    if out.suffix not in (".html", ".pdf"):
        raise AnnualReportError(f"{out}: the report is written as .html or .pdf")
    period, before = (Period(date(y, 1, 1), date(y, 12, 31)) for y in (year, year - 1))
    figures, previous = key_figures_of(system, period), key_figures_of(system, before)
    if figures.inflow == 0 and figures.caseload == 0 and figures.closed_procedures.total == 0:
        raise AnnualReportError(f"the store holds no events of {year}")
    text = editorial.read_text(encoding="utf-8") if editorial else None
    html = _page(system, year, lang, figures, previous, text)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".html":
        out.write_text(html, encoding="utf-8")
    else:
        from weasyprint import HTML  # heavy: only when a PDF is asked for

        HTML(string=html, base_url=str(_templates())).write_pdf(
            out, pdf_variant="pdf/ua-1", pdf_identifier=b"terugkeer-annual", uncompressed_pdf=False
        )
    return AnnualReport(year, lang, out, editorial)


def _templates() -> Any:
    return resources.files("terugkeer.reports") / "templates"


def _page(
    system: System,
    year: int,
    lang: str,
    figures: KeyFigures,
    previous: KeyFigures,
    editorial: str | None,
) -> str:
    n = _Numbers(lang)
    period = Period(date(year, 1, 1), date(year, 12, 31))
    with system.engine.connect() as connection:
        months = monthly_trends(connection, months_of(period, at_least=12, at_most=12))
        without_dublin = caseload_without_dublin(connection, period)
    found = roundabout_of(system, period)
    t = _PHRASES[lang]
    roundabout = roundabout_svg(found, lang) if found.closed else None
    labels = [format_date(m.month, "MMM", locale=LOCALES[lang]) for m in months]
    outcomes = {t["independent"]: [m.outcomes["independent_departure"] for m in months],
                t["forced"]: [m.outcomes["forced_departure"] for m in months],
                t["absconded"]: [m.outcomes["absconded"] for m in months],
                t["exit"]: [m.outcomes["exit_without_departure"] for m in months]}  # fmt: skip
    monthly = bar_chart(t["per_month"].format(year=year), labels, outcomes, stacked=True,
                        number=lambda v: format_number(round(v), lang))  # fmt: skip
    top = figures.top_nationalities
    share = sum(row.count for row in top) / without_dublin if without_dublin else None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_templates())), autoescape=True)
    return env.get_template("annual.html").render(
        lang=lang, year=year, t=t, n=n, k=figures, p=previous,
        roundabout=_data_url(roundabout) if roundabout else None,
        roundabout_text=text_lines(found, lang, published_in(lang)),
        monthly=_data_url(monthly), monthly_rows=list(zip(labels, *outcomes.values(), strict=True)),
        monthly_heads=list(outcomes),
        top=[(country_name(r.nationality, lang), r.count) for r in top], fonts=_fonts(),
        top_share=share,
        editorial=MarkdownIt("commonmark").render(editorial) if editorial else None,
    )  # fmt: skip


def _fonts() -> str:
    """Fira Sans (the pages' font, OFL) embedded, so that the HTML file stands alone and the
    PDF carries its font."""
    folder = resources.files("terugkeer.web") / "static" / "vendor" / "fonts"
    faces = []
    for name, style, weight in (("fira-sans-latin-400-normal", "normal", 400),
                                ("fira-sans-latin-400-italic", "italic", 400),
                                ("fira-sans-latin-700-normal", "normal", 700)):  # fmt: skip
        data = base64.b64encode((folder / f"{name}.woff2").read_bytes()).decode()
        faces.append(f"@font-face {{ font-family: 'Fira Sans'; font-style: {style}; "
                     f"font-weight: {weight}; src: url(data:font/woff2;base64,{data}) "
                     "format('woff2'); }")  # fmt: skip
    return "\n".join(faces)


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class _Numbers:
    """Numbers as the report writes them: counts published (tens, "<5"), in the language's
    notation; changes in whole per cent from exact counts, with words for their direction."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def count(self, exact: int) -> str:
        published: PublishedCount = publish_count(exact)
        return published if isinstance(published, str) else format_number(published, self.lang)

    def percent(self, share: float | None) -> str:
        if share is None:
            return "—"
        return f"{format_number(round(share * 100), self.lang)}%"

    def change(self, now: int, before: int) -> str:
        """ "40% meer dan het jaar ervoor" / "40% more than the year before"."""
        t = _PHRASES[self.lang]
        if now < 5 or before < 5:  # a share of a suppressed count would give it away
            return t["too_few"]
        relative = round((now - before) / before * 100)
        if relative == 0:
            return t["as_many"]
        word = t["more"] if relative > 0 else t["fewer"]
        return t["change"].format(pct=format_number(abs(relative), self.lang), word=word)

    def difference(self, now: int, before: int, year: int) -> str:
        """ "1.370 meer dan in 2022": the difference of the published counts, so that the
        sentence agrees with the numbers beside it."""
        t = _PHRASES[self.lang]
        a, b = publish_count(now), publish_count(before)
        if isinstance(a, str) or isinstance(b, str) or a == b:
            return t["about_as_many"].format(year=year)
        word = t["more"] if a > b else t["fewer"]
        return t["difference"].format(n=format_number(abs(a - b), self.lang), word=word, year=year)


_PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Stand van de uitvoering {year}",
        "subtitle": "Cijfers uit de zaakgeschiedenis van terugkeer",
        "roundabout": "De terugkeerrotonde {year}: afgesloten vertrekprocedures",
        "per_month": "Afgesloten vertrekprocedures per maand, {year}",
        "independent": "zelfstandig vertrek", "forced": "gedwongen vertrek",
        "absconded": "zelfstandig vertrek zonder toezicht", "exit": "uitstroom zonder vertrek",
        "more": "meer", "fewer": "minder", "change": "{pct}% {word} dan het jaar ervoor",
        "as_many": "evenveel als het jaar ervoor",
        "too_few": "te weinig om met het jaar ervoor te vergelijken",
        "difference": "Dat zijn er {n} {word} dan in {year}.",
        "about_as_many": "Dat zijn er ongeveer evenveel als in {year}.",
        "month": "maand",
    },
    "en": {
        "title": "State of implementation {year}",
        "subtitle": "Figures from the return case history",
        "roundabout": "The return roundabout {year}: closed return procedures",
        "per_month": "Closed return procedures per month, {year}",
        "independent": "independent departure", "forced": "forced departure",
        "absconded": "left without supervision", "exit": "exit without departure",
        "more": "more", "fewer": "fewer", "change": "{pct}% {word} than the year before",
        "as_many": "as many as the year before",
        "too_few": "too few to compare with the year before",
        "difference": "That is {n} {word} than in {year}.",
        "about_as_many": "That is about as many as in {year}.",
        "month": "month",
    },
}  # fmt: skip
