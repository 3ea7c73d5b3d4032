"""The key figures as a terminal table (Dutch by default, English on request)."""

from __future__ import annotations

from rich.table import Table

from terugkeer.reports.labels import HEADERS, TITLES, figure_rows, label_of
from terugkeer.reports.model import KeyFigures, NationalityCount, PublishedKeyFigures
from terugkeer.reports.numbers import format_figure

#: Shown elsewhere than as rows of the main table: in its title, and as a table of their own.
_OWN_PLACE = frozenset({"period", "top_nationalities"})


def key_figures_tables(figures: KeyFigures | PublishedKeyFigures, lang: str) -> list[Table]:
    figure_header, value_header = HEADERS[lang]
    period = figures.period
    title = TITLES[lang].format(start=period.start.isoformat(), end=period.end.isoformat())
    main = Table(title=title)
    main.add_column(figure_header)
    main.add_column(value_header, justify="right")
    for _, label, value in figure_rows(figures, _OWN_PLACE):
        main.add_row(label.text(lang), format_figure(value, lang))
    top_title = label_of(type(figures), "top_nationalities").text(lang)
    top = Table(title=top_title, min_width=len(top_title) + 4)
    top.add_column(label_of(NationalityCount, "nationality").text(lang))
    top.add_column(label_of(NationalityCount, "count").text(lang), justify="right")
    for row in figures.top_nationalities:
        top.add_row(row.nationality, format_figure(row.count, lang))
    return [main, top]
