"""`terugkeer report annual`: the agency's yearly report ("Stand van de uitvoering") regenerated
from the store in the seed's own structure, as HTML or a tagged A4 PDF (WeasyPrint), Dutch or
English:

Voorwoord · Het terugkeerproces in beeld · Resultaten in vogelvlucht (Terugkeer in cijfers,
aantoonbaar vertrek, uitstroom zonder vertrek, herkomstlanden, Oekraïners) · Uitdagingen en
knelpunten (with its figures) · Internationale samenwerking · Meer weten · Colofon.

Figures are published as the agency publishes them (counts to tens, under 5 as "<5"); shares
and changes in per cent come from the exact counts; a comparison with the year before is only
made when the store is complete for that year (services/completeness.py), else the report says
why not. The texts no event holds are the agency's own Markdown (services/editorial.py).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from terugkeer.bootstrap import System
from terugkeer.reports.annual_text import PHRASES, Numbers
from terugkeer.reports.fonts import fira_sans
from terugkeer.reports.period import Period
from terugkeer.reports.publication import country_name
from terugkeer.reports.roundabout.drawing import published_in, roundabout_svg
from terugkeer.reports.roundabout.text import text_lines
from terugkeer.services.annual_figures import AnnualFigures, annual_figures, year_period
from terugkeer.services.editorial import Editorial, editorial_file, editorial_texts
from terugkeer.services.infographic import roundabout_of

__all__ = ["AnnualReport", "AnnualReportError", "annual_report", "editorial_file",
           "editorial_texts"]  # fmt: skip

LANGUAGES = ("nl", "en")


class AnnualReportError(ValueError):
    """The report cannot be made as asked (a year without events, an unknown output type)."""


@dataclass(frozen=True, slots=True)
class AnnualReport:
    year: int
    lang: str
    out: Path
    editorial: Editorial  # the agency's texts included, and the sections left as placeholders


def annual_report(
    system: System, year: int, out: Path, *, lang: str = "nl", editorial: Editorial | None = None
) -> AnnualReport:
    """Write the report of `year` to `out` (.html or .pdf)."""
    if out.suffix not in (".html", ".pdf"):
        raise AnnualReportError(f"{out}: the report is written as .html or .pdf")
    figures = annual_figures(system, year)
    if figures.empty:
        raise AnnualReportError(f"the store holds no events of {year}")
    texts = editorial or Editorial()
    html = _page(system, figures, lang, texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".html":
        out.write_text(html, encoding="utf-8")
    else:
        from weasyprint import HTML  # heavy: only when a PDF is asked for

        HTML(string=html, base_url=str(_templates())).write_pdf(
            out, pdf_variant="pdf/ua-1", pdf_identifier=b"terugkeer-annual", uncompressed_pdf=False
        )
    return AnnualReport(year, lang, out, texts)


def _roundabout(system: System, period: Period, lang: str) -> tuple[str | None, list[str]]:
    """The return roundabout of the period (SVG, the same picture as the dashboard's and
    `report infographic`'s) and its text alternative with the same numbers, published
    rounding; (None, []) when nothing closed."""
    found = roundabout_of(system, period)
    if not found.closed:
        return None, []
    return roundabout_svg(found, lang), text_lines(found, lang, published_in(lang))


def _page(system: System, figures: AnnualFigures, lang: str, editorial: Editorial) -> str:
    year = figures.year
    picture, picture_text = _roundabout(system, year_period(year), lang)
    top = figures.now.top_nationalities
    without_dublin = figures.caseload_without_dublin
    complete = figures.completeness
    note = None  # why the year before is not compared, or why this year is not whole
    if complete.complete_from is not None:
        day = Numbers(lang).day(complete.complete_from)
        if not complete.covers(year_period(year).start):
            note = PHRASES[lang]["incomplete"].format(day=day, year=year)
        elif figures.before is None:
            note = complete.note(lang)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_templates())), autoescape=True)
    return env.get_template("annual.html").render(
        lang=lang, year=year, year_start=year_period(year).start, t=PHRASES[lang],
        n=Numbers(lang), f=figures,
        k=figures.now, p=figures.before, not_comparable=note,
        roundabout=_data_url(picture) if picture else None, roundabout_text=picture_text,
        top=[(country_name(r.nationality, lang), r.count) for r in top],
        top_share=sum(r.count for r in top) / without_dublin if without_dublin else None,
        text={section: editorial.html(section) for section in editorial.files},
        fonts=fira_sans(),
    )  # fmt: skip


def _templates() -> Any:
    return resources.files("terugkeer.reports") / "templates"


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
