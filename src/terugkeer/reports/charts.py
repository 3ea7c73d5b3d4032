"""Charts as SVG (matplotlib, drawn on the server): the dashboard shows them as images beside
their tables, the annual report embeds them as vector graphics. No JavaScript, so they pass the
pages' Content-Security-Policy and render the same in a PDF; the same input gives the same
bytes (no date in the metadata, fixed element ids).

matplotlib is imported when a chart is drawn, not with this module: the command line and the
pages that draw none do not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: Rijkshuisstijl colours (dark blue, orange, green, violet, sky blue, brown): distinct also
#: in the common colour-vision deficiencies when paired with the table beside each chart.
PALETTE = ("#01689B", "#E17000", "#39870C", "#A90061", "#8FCAE7", "#94710A")

_STYLE: Any = {  # matplotlib's rc_context types its keys as a Literal of every rc name
    "svg.fonttype": "none",  # text stays text: selectable, searchable, smaller
    "svg.hashsalt": "terugkeer",  # fixed ids: reproducible output
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # always there (matplotlib ships it): no font warnings
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    stacked: bool,
    number: Callable[[float], str] = str,
) -> str:
    """Bars per category, one colour per series: stacked (parts of a whole) or side by side."""

    def draw(axes: Any) -> None:
        width = 0.8 if stacked else 0.8 / max(len(series), 1)
        bottom = [0] * len(categories)
        for index, (name, values) in enumerate(series.items()):
            colour = PALETTE[index % len(PALETTE)]
            if stacked:
                axes.bar(range(len(categories)), values, width, bottom=bottom, label=name,
                         color=colour)  # fmt: skip
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            else:
                offsets = [i - 0.4 + width * (index + 0.5) for i in range(len(categories))]
                axes.bar(offsets, values, width, label=name, color=colour)
        axes.set_ylim(bottom=0)
        _label_values(axes, number)

    # Stacked: the legend in the order of the stack, top first.
    return _drawn(title, categories, draw, legend=len(series) > 1, reverse=stacked)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    percent: bool = False,
    number: Callable[[float], str] = str,
) -> str:
    """One line per series; a missing value (None) leaves a gap. `number` writes the values
    of the axis in the reader's language ("1.500" in Dutch)."""

    def draw(axes: Any) -> None:
        for index, (name, values) in enumerate(series.items()):
            points = [float("nan") if v is None else v * (100 if percent else 1) for v in values]
            axes.plot(range(len(categories)), points, marker="o", markersize=3, label=name,
                      color=PALETTE[index % len(PALETTE)])  # fmt: skip
        if percent:
            axes.set_ylim(0, 100)
            axes.yaxis.set_major_formatter("{x:.0f}%")
        else:
            axes.set_ylim(bottom=0)
            _label_values(axes, number)

    return _drawn(title, categories, draw, legend=len(series) > 1)


def _label_values(axes: Any, number: Callable[[float], str]) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 people
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))


def _drawn(
    title: str,
    categories: Sequence[str],
    draw: Callable[[Any], None],
    *,
    legend: bool,
    reverse: bool = False,
) -> str:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 3.0), layout="constrained")
        axes = figure.subplots()
        axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        draw(axes)
        axes.set_xticks(range(len(categories)), categories, rotation=45, ha="right")
        if legend:
            axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                        reverse=reverse)  # fmt: skip
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
