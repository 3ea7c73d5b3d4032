"""The subject export as a tagged A4 PDF (WeasyPrint), Dutch or English, drawn from its JSON
form (services/subject_json.py): the PDF shows what the JSON holds, no more, no less."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Any

import jinja2

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.reports.fonts import fira_sans
from terugkeer.reports.subject_text import PHRASES, action_words, word


def _local(text: str | None, lang: str) -> str:
    """An ISO time as the reader writes it, in Amsterdam time."""
    if not text:
        return "—"
    at = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(AMSTERDAM)
    return at.strftime("%d-%m-%Y %H:%M" if lang == "nl" else "%Y-%m-%d %H:%M")


def _day(text: str | None, lang: str) -> str:
    if not text:
        return "—"
    year, month, day = text[:10].split("-")
    return f"{day}-{month}-{year}" if lang == "nl" else text[:10]


def subject_html(export: dict[str, Any], lang: str = "nl") -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("terugkeer.reports") / "templates")),
        autoescape=True,
    )
    events = export["events"]
    return env.get_template("subject.html").render(
        lang=lang, t=PHRASES[lang], x=export, fonts=fira_sans(),
        senders=[(s, [e for e in events if e["source"] == s]) for s in export["senders"]],
        withdrawn=sum(1 for e in events if e["withdrawn"]),
        local=lambda text: _local(text, lang), day=lambda text: _day(text, lang),
        word=lambda code: word(code, lang), action=lambda code: action_words(code, lang),
    )  # fmt: skip


def subject_pdf(export: dict[str, Any], lang: str = "nl") -> bytes:
    from weasyprint import HTML  # heavy: only when a PDF is asked for

    pdf = HTML(string=subject_html(export, lang)).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=b"terugkeer-subject", uncompressed_pdf=False
    )
    assert pdf is not None  # write_pdf without a target returns the bytes
    return bytes(pdf)
