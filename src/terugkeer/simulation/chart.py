"""The chart of a what-if comparison: each figure's difference with its 95% interval."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go

from terugkeer.reports.plot_images import plot_image
from terugkeer.simulation.compare import Comparison


def difference_chart(rows: list[Comparison], title: str) -> go.Figure:
    """Relative difference (scenario vs base, %) per figure; rows with a zero base are left out."""
    shown = [row for row in rows if row.base.mean]
    names = [row.figure for row in shown]
    middle = [100 * row.difference.mean / row.base.mean for row in shown]
    plus = [100 * (row.difference.high - row.difference.mean) / abs(row.base.mean) for row in shown]
    minus = [100 * (row.difference.mean - row.difference.low) / abs(row.base.mean) for row in shown]
    figure = go.Figure(
        go.Scatter(
            x=middle, y=names, mode="markers",
            error_x={"type": "data", "array": plus, "arrayminus": minus, "visible": True},
        )
    )  # fmt: skip
    figure.add_vline(x=0, line_dash="dot")
    figure.update_layout(
        title=title,
        xaxis_title="difference with the base, % (95% interval, paired by seed)",
        height=max(400, 22 * len(names) + 160),
        margin={"l": 360},
        yaxis={"autorange": "reversed"},
    )
    return figure


def write_chart(figure: go.Figure, html: Path, png: Path) -> None:
    """HTML (self-contained, works offline) and PNG. The PNG is drawn by kaleido in a headless
    Chromium: the Debian package's, when no other browser is configured."""
    figure.write_html(html, include_plotlyjs=True)
    png.write_bytes(plot_image(figure, "png", width=1100, height=figure.layout.height))
