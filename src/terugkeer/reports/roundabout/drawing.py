"""The roundabout drawn as the agency draws it, as SVG: a pure function of the figures.

Inflow from IND, Politie, KMar and others comes in from the left and enters a roundabout; four
exits leave it: departure without supervision (up), independent departure with its support
(right, top), forced departure through the removal process and its four conditions (right,
bottom; "cooperating after all" climbs from it to independent departure), and outflow without
departure with its three reasons (down). Both departures end at the destination.

Every arrow's width is its volume times one scale (the largest volume gets `MAX_BAND`), with
`MIN_BAND` as the least so that a small flow stays visible; the legend states the scale. Text is
at least `MIN_FONT` units: at the annual report's text width (A4 less its margins) that is at
least 9 pt (`points`). Colours are the Rijkshuisstijl ones of the pages; the font is Fira Sans.

Every label is kept as a `Label` with its estimated box, so tests can check that none overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape

from babel.dates import format_date

from terugkeer.reports.numbers import LOCALES, format_number
from terugkeer.reports.roundabout.model import EXIT_REASONS, SOURCES, SUPPORT, Roundabout
from terugkeer.reports.roundabout.text import ROADS, Number
from terugkeer.reports.roundabout.words import CONDITIONS, WORDS
from terugkeer.reports.rounding import publish_count

VIEW_WIDTH = 960
MIN_FONT = 18
#: The annual report's text width: A4 (210 mm) less its 20 mm side margins, in points.
A4_TEXT_WIDTH_PT = (210 - 2 * 20) / 25.4 * 72
MAX_BAND = 84.0
MIN_BAND = 4.0
FONT = "'Fira Sans', Arial, sans-serif"

# Rijkshuisstijl colours (web/static/site.css and reports/charts.py).
LINT = "#154273"  # lintblauw: headings, the roundabout
INK = "#000000"
PALE = "#DCE3EA"
WHITE = "#FFFFFF"
COLOURS = {
    "inflow": "#01689B",
    "independent": "#39870C",
    "forced": "#A90061",
    "absconded": "#94710A",
    "exit": "#E17000",
}
SUPPORT_COLOURS = {"reintegration": "#275937", "basic_departure": "#39870C", "none": "#A6CF8C"}

CENTRE = (370.0, 480.0)
RADIUS = 108.0  # the road's centre line
ROAD = 52.0
RIGHT = 900.0  # where the departures' arrows end, at the destination bar
LIST_LEFT = 580.0  # lists on the right: labels from here, numbers right-aligned at RIGHT
INDEPENDENT_Y = 300.0
FORCED_Y = 650.0


def published_in(lang: str) -> Number:
    """Counts as published (tens, "<5") in the language's notation."""

    def number(count: int) -> str:
        shown = publish_count(count)
        return shown if isinstance(shown, str) else format_number(shown, lang)

    return number


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float  # the baseline
    text: str
    size: float = MIN_FONT
    bold: bool = False
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    italic: bool = False
    vertical: bool = False  # turned a quarter anticlockwise, (x, y) the middle of its baseline

    def width(self) -> float:
        return text_width(self.text, self.size, self.bold)

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom), estimated."""
        w = self.width()
        if self.vertical:
            return (self.x - 0.8 * self.size, self.y - w / 2, self.x + 0.25 * self.size,
                    self.y + w / 2)  # fmt: skip
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return (left, self.y - 0.78 * self.size, left + w, self.y + 0.24 * self.size)

    def svg(self) -> str:
        weight = ' font-weight="700"' if self.bold else ""
        weight += ' font-style="italic"' if self.italic else ""
        turn = f' transform="rotate(-90 {_n(self.x)} {_n(self.y)})"' if self.vertical else ""
        anchor = "middle" if self.vertical else self.anchor
        place = f'x="{_n(self.x)}" y="{_n(self.y)}" font-size="{_n(self.size)}"'
        return (f'<text {place}{weight} text-anchor="{anchor}" fill="{self.fill}"{turn}>'
                f"{escape(self.text)}</text>")  # fmt: skip


@dataclass(slots=True)
class Picture:
    """The shapes (SVG elements, drawn in order) and the labels (drawn last, on top)."""

    height: float = 0.0
    shapes: list[str] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of `text` in Fira Sans, a little generous."""
    em = 0.0
    for c in text:
        if c in "ilj.,:;'|!()[] ":
            em += 0.28
        elif c in "ftr-/":
            em += 0.38
        elif c in "mwMW":
            em += 0.86
        elif c.isupper() or c.isdigit() or c in "<>=":
            em += 0.62
        else:
            em += 0.53
    return em * size * (1.06 if bold else 1.0)


def points(font_size: float) -> float:
    """The size in points of `font_size` when the picture fills the A4 text width."""
    return font_size * A4_TEXT_WIDTH_PT / VIEW_WIDTH


def roundabout_svg(data: Roundabout, lang: str, number: Number | None = None) -> str:
    """The picture as a standalone SVG element (role="img", with <title> and <desc>)."""
    shown = number or published_in(lang)
    drawn = picture(data, lang, shown)
    w = WORDS[lang]
    title = f"{w['title']}, {period_text(data, lang)}"
    desc = w["desc"].format(inflow=shown(data.total_inflow), closed=shown(data.closed),
                            **{s: shown(data.inflow[s]) for s in SOURCES},
                            **{k: shown(v) for k, v in data.exits.items()})  # fmt: skip
    height = _n(drawn.height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {height}" '
        f'width="{VIEW_WIDTH}" height="{height}" role="img" aria-labelledby="rb-title rb-desc" '
        f'font-family="{FONT}" lang="{lang}">'
        f'<title id="rb-title">{escape(title)}</title><desc id="rb-desc">{escape(desc)}</desc>'
        f'<rect width="{VIEW_WIDTH}" height="{height}" fill="{WHITE}"/>'
        + "".join(drawn.shapes)
        + "".join(label.svg() for label in drawn.labels)
        + "</svg>"
    )


def picture(data: Roundabout, lang: str, number: Number) -> Picture:
    return _Drawing(data, lang, number).draw()


class _Drawing:
    """One picture being drawn: the figures, the words, the number form and the scale."""

    def __init__(self, data: Roundabout, lang: str, number: Number) -> None:
        self.data, self.lang, self.number = data, lang, number
        self.w = WORDS[lang]
        self.scale = MAX_BAND / data.largest() if data.largest() else 0.0
        self.drawn = Picture()

    def width(self, count: int) -> float:
        return 0.0 if count <= 0 else max(MIN_BAND, count * self.scale)

    def add(self, *labels: Label) -> None:
        self.drawn.labels.extend(labels)

    def draw(self) -> Picture:
        w = self.w
        self.add(Label(24, 40, w["title"], 26, bold=True, fill=LINT),
                 Label(24, 68, period_text(self.data, self.lang), MIN_FONT))  # fmt: skip
        for index, line in enumerate(_wrap(w["aim"], CENTRE[0] - 70, MIN_FONT)):
            self.add(Label(24, 130 + 24 * index, line, MIN_FONT, italic=True, fill=LINT))
        self.inflow()
        self.absconded()
        independent = self.independent()
        forced, box_bottom = self.forced()
        self.after_all(independent, forced)
        self.exit()
        self.ring()
        self.destination()
        self.legend(max(box_bottom, 880.0) + 40)
        return self.drawn

    def inflow(self) -> None:
        data, w = self.data, self.w
        cx, cy = CENTRE
        self.add(Label(24, 330, f"{w['inflow']} {self.number(data.total_inflow)}", 22,
                       bold=True, fill=LINT),
                 Label(24, 356, w["inflow_via"], MIN_FONT))  # fmt: skip
        widths = [self.width(data.inflow[s]) for s in SOURCES]
        stacked = cy - sum(widths) / 2
        for index, source in enumerate(SOURCES):
            y = cy + (index - 1.5) * 66 + 10
            band = widths[index]
            joined = stacked + band / 2  # where it runs in the merged band
            stacked += band
            if band:
                path = (f"M 150 {_n(y)} C 200 {_n(y)} 190 {_n(joined)} 240 {_n(joined)} "
                        f"L {_n(cx - RADIUS)} {_n(joined)}")  # fmt: skip
                self.drawn.shapes.append(_band(path, band, COLOURS["inflow"]))
            self.add(Label(140, y - 4, w[source], MIN_FONT, anchor="end"),
                     Label(140, y + 18, self.number(data.inflow[source]), MIN_FONT, bold=True,
                           anchor="end"))  # fmt: skip

    def absconded(self) -> None:
        cx, cy = CENTRE
        count = self.data.exits["absconded"]
        band = self.width(count)
        x, tip = cx + 10, 120.0
        if band:
            path = f"M {_n(x)} {_n(cy - RADIUS)} L {_n(x)} {_n(tip + 24)}"
            self.drawn.shapes.append(_arrow(path, band, COLOURS["absconded"], (x, tip), "up"))
        left = x + max(band, MIN_BAND) / 2 + 16
        self.add(Label(left, 150, self.w["absconded"], 20, bold=True, fill=LINT),
                 Label(left, 176, self.w["absconded_note"], MIN_FONT),
                 Label(left, 204, self.number(count), 22, bold=True))  # fmt: skip

    def independent(self) -> float:
        """The lane to the destination, striped by support; returns its width."""
        data, w, y = self.data, self.w, INDEPENDENT_Y
        count = data.exits["independent"]
        band = self.width(count)
        if band:
            self.drawn.shapes.append(
                _arrow(_lane(40, y), band, COLOURS["independent"], (RIGHT, y), "right")
            )
            top = y - band / 2  # the support as stripes, each as wide as its share
            for kind in SUPPORT:
                part = band * data.support[kind] / count
                if part:
                    self.drawn.shapes.append(
                        f'<rect x="{_n(LIST_LEFT - 20)}" y="{_n(top)}" '
                        f'width="{_n(RIGHT - 22 - LIST_LEFT + 20)}" height="{_n(part)}" '
                        f'fill="{SUPPORT_COLOURS[kind]}"/>'
                    )
                top += part
        cooperating = self.number(data.stances[ROADS[0]])
        self.add(Label(LIST_LEFT, y - band / 2 - 44, f"{w['cooperating']}: {cooperating}",
                       MIN_FONT),
                 Label(LIST_LEFT, y - band / 2 - 14, f"{w['independent']} {self.number(count)}",
                       22, bold=True, fill=LINT))  # fmt: skip
        row = y + band / 2 + 34
        for kind in SUPPORT:
            self.drawn.shapes.append(f'<rect x="{_n(LIST_LEFT)}" y="{_n(row - 14)}" width="14" '
                                     f'height="14" fill="{SUPPORT_COLOURS[kind]}"/>')  # fmt: skip
            self.add(Label(LIST_LEFT + 22, row, w[kind], MIN_FONT),
                     Label(RIGHT - 14, row, self.number(data.support[kind]), MIN_FONT,
                           bold=True, anchor="end"))  # fmt: skip
            row += 26
        return band

    def forced(self) -> tuple[float, float]:
        """The lane through the removal process and its four conditions; returns the lane's
        width and the bottom of the process's box."""
        data, w, y = self.data, self.w, FORCED_Y
        count = data.exits["forced"]
        band = self.width(count)
        colour = COLOURS["forced"]
        top, bottom = y - band / 2 - 12, y + band / 2 + 186
        self.drawn.shapes.append(
            f'<rect x="{_n(LIST_LEFT - 20)}" y="{_n(top)}" width="{_n(RIGHT - LIST_LEFT + 20)}" '
            f'height="{_n(bottom - top)}" rx="10" fill="{WHITE}" stroke="{colour}" '
            'stroke-width="3"/>'
        )
        if band:
            self.drawn.shapes.append(_arrow(_lane(-40, y), band, colour, (RIGHT, y), "right"))
        not_cooperating = self.number(data.stances[ROADS[2]])
        self.add(Label(LIST_LEFT, top - 44, f"{w['not_cooperating']}: {not_cooperating}",
                       MIN_FONT),
                 Label(LIST_LEFT, top - 14, f"{w['forced']} {self.number(count)}", 22,
                       bold=True, fill=LINT))  # fmt: skip
        row = y + band / 2 + 40
        self.add(Label(LIST_LEFT, row, w["removal"], 20, bold=True, fill=colour),
                 Label(LIST_LEFT, row + 26, w["conditions"], MIN_FONT))  # fmt: skip
        row += 58
        for index, condition in enumerate(CONDITIONS, start=1):
            self.drawn.shapes.append(f'<circle cx="{_n(LIST_LEFT + 10)}" cy="{_n(row - 6)}" '
                                     f'r="11" fill="{colour}"/>')  # fmt: skip
            self.add(Label(LIST_LEFT + 10, row, str(index), MIN_FONT, bold=True,
                           anchor="middle", fill=WHITE),
                     Label(LIST_LEFT + 30, row, w[condition], MIN_FONT))  # fmt: skip
            row += 26
        return band, bottom

    def after_all(self, independent: float, forced: float) -> None:
        """ "Cooperating after all": from the removal lane up to independent departure."""
        count = self.data.stances[ROADS[1]]
        band = self.width(count)
        x = LIST_LEFT - 50
        low, high = FORCED_Y - forced / 2, INDEPENDENT_Y + independent / 2
        if band:
            path = f"M {_n(x)} {_n(low)} L {_n(x)} {_n(high + 22)}"
            self.drawn.shapes.append(_arrow(path, band, COLOURS["independent"], (x, high), "up",
                                            dashed=True))  # fmt: skip
        left, middle = x + max(band, MIN_BAND) / 2 + 14, (low + high) / 2
        self.add(Label(left, middle, self.w["after_all"], MIN_FONT),
                 Label(left, middle + 24, self.number(count), MIN_FONT, bold=True))  # fmt: skip

    def exit(self) -> None:
        data, w = self.data, self.w
        cx, cy = CENTRE
        band = self.width(data.exits["exit"])
        x, tip = cx - 10, 850.0
        if band:
            path = f"M {_n(x)} {_n(cy + RADIUS)} L {_n(x)} {_n(tip - 24)}"
            self.drawn.shapes.append(_arrow(path, band, COLOURS["exit"], (x, tip), "down"))
        right = x - max(band, MIN_BAND) / 2 - 16
        self.add(Label(24, 690, w["exit"], 20, bold=True, fill=LINT),
                 Label(24, 716, self.number(data.exits["exit"]), 22, bold=True))  # fmt: skip
        row = 750.0
        for reason in EXIT_REASONS:
            name = w["exit_other" if reason == "other" else reason]
            self.add(Label(24, row, name, MIN_FONT),
                     Label(right, row, self.number(data.exit_reasons[reason]), MIN_FONT,
                           bold=True, anchor="end"))  # fmt: skip
            row += 26

    def ring(self) -> None:
        cx, cy = CENTRE
        self.drawn.shapes.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(RADIUS)}" fill="none" stroke="{LINT}" '
            f'stroke-width="{_n(ROAD)}"/>'
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(RADIUS)}" fill="none" stroke="{WHITE}" '
            'stroke-width="2" stroke-dasharray="10 8"/>'
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(RADIUS - ROAD / 2)}" fill="{PALE}"/>'
        )
        first, second = self.w["island"].split("\n")
        self.add(Label(cx, cy - 14, self.number(self.data.closed), 24, bold=True,
                       anchor="middle", fill=LINT),
                 Label(cx, cy + 12, first, MIN_FONT, anchor="middle"),
                 Label(cx, cy + 34, second, MIN_FONT, anchor="middle"))  # fmt: skip

    def destination(self) -> None:
        top, bottom = INDEPENDENT_Y - 60, FORCED_Y + 60
        self.drawn.shapes.append(f'<rect x="{_n(RIGHT)}" y="{_n(top)}" width="40" '
                                 f'height="{_n(bottom - top)}" rx="6" fill="{LINT}"/>')  # fmt: skip
        self.add(Label(RIGHT + 27, (top + bottom) / 2, self.w["destination"], 20, bold=True,
                       fill=WHITE, vertical=True))  # fmt: skip

    def legend(self, y: float) -> None:
        w, x = self.w, 24.0
        if self.scale:
            unit = _round_unit(self.data.largest() / 4)
            said = w["scale_unit"].format(n=format_number(unit, self.lang))
            self.add(Label(x, y, w["scale"], MIN_FONT, bold=True))
            x += text_width(w["scale"], MIN_FONT, True) + 12
            self.drawn.shapes.append(_swatch(x, y, unit * self.scale))
            self.add(Label(x + 40, y, said, MIN_FONT))
            x += 40 + text_width(said, MIN_FONT) + 24
            self.add(Label(x, y, w["scale_minimum"], MIN_FONT))
            x += text_width(w["scale_minimum"], MIN_FONT) + 12
            self.drawn.shapes.append(_swatch(x, y, MIN_BAND))
        y += 34
        for note in ("note_flows", "note_stance"):
            for line in _wrap(w[note], VIEW_WIDTH - 48, MIN_FONT):
                self.add(Label(24, y, line, MIN_FONT))
                y += 24
        self.drawn.height = y + 8


def _lane(degrees: float, y: float) -> str:
    """A departure's path: from the ring at `degrees`, bending to run right at height `y`."""
    cx, _ = CENTRE
    x0, y0 = _on_ring(degrees)
    bend = 50 if y < CENTRE[1] else -50
    return (f"M {_n(x0)} {_n(y0)} C {_n(x0 + 40)} {_n(y0 - bend)} {_n(cx + 140)} {_n(y)} "
            f"{_n(cx + 200)} {_n(y)} L {_n(RIGHT - 22)} {_n(y)}")  # fmt: skip


def _swatch(x: float, y: float, thickness: float) -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y - 6 - thickness / 2)}" width="28" '
            f'height="{_n(thickness)}" fill="{INK}"/>')  # fmt: skip


def _round_unit(value: float) -> int:
    """The round number (1, 2 or 5 times a power of ten) nearest below `value`, at least 1."""
    if value < 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    return max(step * power for step in (1, 2, 5) if step * power <= value)


def _wrap(text: str, room: float, size: float) -> Iterable[str]:
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and text_width(trial, size) > room:
            yield line
            line = word
        else:
            line = trial
    if line:
        yield line


def _on_ring(degrees: float) -> tuple[float, float]:
    cx, cy = CENTRE
    angle = math.radians(degrees)
    return cx + RADIUS * math.cos(angle), cy - RADIUS * math.sin(angle)


def _band(path: str, width: float, colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="14 6"' if dashed else ""
    return (f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{_n(width)}"'
            f"{dash}/>")  # fmt: skip


def _arrow(path: str, width: float, colour: str, tip: tuple[float, float], direction: str,
           dashed: bool = False) -> str:  # fmt: skip
    """A band along `path` whose last 24 units are an arrowhead ending at `tip`."""
    half = width / 2 + max(6.0, width * 0.25)
    x, y = tip
    corners = {
        "right": [(x - 24, y - half), (x, y), (x - 24, y + half)],
        "up": [(x - half, y + 24), (x, y), (x + half, y + 24)],
        "down": [(x - half, y - 24), (x, y), (x + half, y - 24)],
    }[direction]
    points_ = " ".join(f"{_n(a)},{_n(b)}" for a, b in corners)
    return _band(path, width, colour, dashed) + f'<polygon points="{points_}" fill="{colour}"/>'


def period_text(data: Roundabout, lang: str) -> str:
    """ "1 januari 2023 tot en met 31 december 2023"."""
    return WORDS[lang]["period"].format(start=_day(data.start, lang), end=_day(data.end, lang))


def _day(day: date, lang: str) -> str:
    return format_date(day, "long", locale=LOCALES[lang])


def _n(value: float) -> str:
    """A coordinate with at most one decimal (small, stable output)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")
