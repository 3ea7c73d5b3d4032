"""The key figures as a terminal table (Dutch by default, English on request)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from terugkeer.reports.labels import LABELS, TITLES


def _lookup(figures: dict[str, Any], dotted: str) -> Any:
    value: Any = figures
    for part in dotted.split("."):
        value = value[part]
    return value


def _format(value: Any, lang: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.1%}"
        return text.replace(".", ",") if lang == "nl" else text
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "nl" else text
    return str(value)


def key_figures_tables(figures: dict[str, Any], lang: str) -> list[Table]:
    column = 0 if lang == "nl" else 1
    title, top_title = TITLES[lang]
    period = figures["period"]
    main = Table(title=title.format(start=period["from"], end=period["to"]))
    main.add_column("kerncijfer" if lang == "nl" else "figure")
    main.add_column("aantal" if lang == "nl" else "value", justify="right")
    for key, names in LABELS.items():
        main.add_row(names[column], _format(_lookup(figures, key), lang))
    top = Table(title=top_title, min_width=len(top_title) + 4)
    top.add_column("nationaliteit" if lang == "nl" else "nationality")
    top.add_column("aantal" if lang == "nl" else "count", justify="right")
    for row in figures["top_nationalities"]:
        top.add_row(row["nationality"], _format(row["count"], lang))
    return [main, top]
