"""`terugkeer report infographic`: the return process as a Sankey diagram (plotly) — HTML with
plotly's JavaScript beside it (no CDN: it works offline), SVG and PNG (drawn by kaleido in a
headless Chromium), and a text alternative that lists every flow (WCAG 1.1.1)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from terugkeer.bootstrap import System
from terugkeer.reports.infographic import NODES, Flow, flows
from terugkeer.reports.period import Period
from terugkeer.reports.plot_images import PlotImageError, plot_image

_TITLE = {"nl": "De terugkeerrotonde: afgesloten vertrekprocedures {start} tot en met {end}",
          "en": "The return roundabout: return procedures closed {start} to {end}"}  # fmt: skip
_SUMMARY = {"nl": "Tekstversie: elke stroom van de figuur, met het aantal zaken (afgerond op "
                  "tientallen, onder de 5 als <5).",
            "en": "Text version: every flow of the figure, with its number of cases (rounded "
                  "to tens, under 5 as <5)."}  # fmt: skip


__all__ = [
    "Infographic",
    "NothingClosedError",
    "PlotImageError",
    "flows_of",
    "infographic",
    "sankey_svg",
]


@dataclass(frozen=True, slots=True)
class Infographic:
    flows: list[Flow]
    files: list[Path]


def figure(found: list[Flow], title: str, lang: str) -> go.Figure:
    keys = list(NODES)
    names = 0 if lang == "nl" else 1
    sankey = go.Sankey(
        node={"label": [NODES[k][names] for k in keys], "pad": 18, "thickness": 16,
              "color": "#154273"},
        link={"source": [keys.index(f.source) for f in found],
              "target": [keys.index(f.target) for f in found],
              "value": [f.cases for f in found], "color": "rgba(143, 168, 200, 0.55)",
              "customdata": [f.label(lang) for f in found],
              "hovertemplate": "%{customdata}<extra></extra>"},
    )  # fmt: skip
    drawn = go.Figure(sankey)
    drawn.update_layout(title=title, font={"family": "Arial", "size": 13}, width=1100, height=640)
    return drawn


def flows_of(system: System, period: Period) -> list[Flow]:
    with system.engine.connect() as connection:
        return flows(connection, period)


class NothingClosedError(ValueError):
    """No procedure closed in the period: there is no flow to draw."""


def sankey_svg(found: list[Flow], title: str, lang: str) -> str:
    """The roundabout as SVG (vector: for the annual report's PDF)."""
    if not found:
        raise NothingClosedError("no return procedure closed in the period")
    return plot_image(figure(found, title, lang), "svg").decode()


def infographic(system: System, period: Period, out: Path, lang: str = "nl") -> Infographic:
    """NothingClosedError when no procedure closed in the period (plotly cannot draw an empty
    Sankey, and an empty figure would tell nobody anything)."""
    found = flows_of(system, period)
    if not found:
        raise NothingClosedError(
            f"no return procedure closed from {period.start} to {period.end}: nothing to draw"
        )
    title = _TITLE[lang].format(start=period.start, end=period.end)
    drawn = figure(found, title, lang)
    out.mkdir(parents=True, exist_ok=True)
    text = [title, "", _SUMMARY[lang], "", *(f"- {f.label(lang)}" for f in found)]
    (out / "infographic.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    (out / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    chart = drawn.to_html(full_html=False, include_plotlyjs=False)
    items = "".join(f"<li>{html.escape(f.label(lang))}</li>" for f in found)
    page = (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            '<script src="plotly.min.js"></script></head><body><main>'
            f"<h1>{html.escape(title)}</h1>"
            f'<figure aria-describedby="flows">{chart}</figure>'
            f'<section id="flows"><p>{html.escape(_SUMMARY[lang])}</p><ul>{items}</ul>'
            "</section></main></body></html>\n")  # fmt: skip
    (out / "infographic.html").write_text(page, encoding="utf-8")
    (out / "infographic.svg").write_bytes(plot_image(drawn, "svg"))
    (out / "infographic.png").write_bytes(plot_image(drawn, "png", scale=1))
    names = ["infographic.html", "plotly.min.js", "infographic.svg", "infographic.png",
             "infographic.txt"]  # fmt: skip
    return Infographic(found, [out / name for name in names])
