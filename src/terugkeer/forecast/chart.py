"""The forecast as a chart: per headline figure, the monthly mean with its 95% band, and the
store's recorded months beside it where it has them."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from terugkeer.forecast.run import MonthForecast
from terugkeer.forecast.table import COLUMNS
from terugkeer.simulation.compare import numeric_figures

BAND = "rgba(31, 119, 180, 0.2)"
LINE = "rgb(31, 119, 180)"


def forecast_chart(
    months: list[MonthForecast], recorded: dict[str, dict[str, Any]], *, title: str, lang: str
) -> go.Figure:
    column = 0 if lang == "nl" else 1
    rows = math.ceil(len(COLUMNS) / 2)
    figure = make_subplots(
        rows=rows, cols=2, subplot_titles=[names[column] for names in COLUMNS.values()]
    )
    x = [month.period.start.isoformat() for month in months]
    for index, name in enumerate(COLUMNS):
        row, col = index // 2 + 1, index % 2 + 1
        shown = [month.figures[name] for month in months]
        figure.add_trace(
            go.Scatter(x=x + x[::-1], y=[i.high for i in shown] + [i.low for i in shown][::-1],
                       fill="toself", fillcolor=BAND, line={"width": 0}, hoverinfo="skip",
                       showlegend=False),
            row=row, col=col,
        )  # fmt: skip
        figure.add_trace(
            go.Scatter(x=x, y=[i.mean for i in shown], mode="lines+markers",
                       line={"color": LINE}, name=name, showlegend=False),
            row=row, col=col,
        )  # fmt: skip
        actual = [(m, dict(numeric_figures(recorded[m]))[name]) for m in x if m in recorded]
        if actual:
            figure.add_trace(
                go.Scatter(x=[m for m, _ in actual], y=[v for _, v in actual], mode="markers",
                           marker={"color": "black", "symbol": "x"}, showlegend=False),
                row=row, col=col,
            )  # fmt: skip
    figure.update_layout(title=title, height=300 * rows + 120)
    return figure
