"""The forecast as a terminal table: a row per month, the headline figures as columns."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from terugkeer.forecast.run import MonthForecast
from terugkeer.reports.numbers import format_number
from terugkeer.simulation.compare import numeric_figures

#: The figures of the table (all of them are in the JSON), with short Dutch and English labels.
COLUMNS: dict[str, tuple[str, str]] = {
    "inflow": ("Instroom", "Inflow"),
    "closed_procedures.independent_departure": ("Zelfstandig vertrek", "Independent departure"),
    "closed_procedures.forced_departure": ("Gedwongen vertrek", "Forced departure"),
    "closed_procedures.absconded": ("Vertrek zonder toezicht", "Absconded"),
    "closed_procedures.exit_without_departure.total": (
        "Uitstroom zonder vertrek",
        "Exit, no departure",
    ),
    "caseload": ("Caseload (einde maand)", "Caseload (month end)"),
    "at_emergency_reception": ("Noodopvang (einde maand)", "Emergency reception (end)"),
}

TEXT = {
    "nl": {
        "month": "maand",
        "recorded": "  geregistreerd",
        "title": "Prognose vanaf de caseload van {as_of}: gemiddelde en 95%-voorspelinterval "
        "over {n} replicaties",
    },
    "en": {
        "month": "month",
        "recorded": "  recorded",
        "title": "Forecast from the caseload of {as_of}: mean and 95% prediction interval "
        "over {n} replications",
    },
}


def _number(value: float, lang: str) -> str:
    return format_number(value, lang)


def forecast_table(
    months: list[MonthForecast],
    recorded: dict[str, dict[str, Any]],
    *,
    as_of: str,
    replications: int,
    lang: str,
) -> Table:
    """`recorded`: the store's own figures of months it already covers (a back-test), by the
    month's first day."""
    words, column = TEXT[lang], 0 if lang == "nl" else 1
    table = Table(title=words["title"].format(as_of=as_of, n=replications))
    table.add_column(words["month"])
    for names in COLUMNS.values():
        table.add_column(names[column], justify="right")
    for month in months:
        cells = []
        for name in COLUMNS:
            shown = month.figures.get(name)
            cells.append(
                f"{_number(shown.mean, lang)}\n"
                f"[dim]{_number(shown.low, lang)} - {_number(shown.high, lang)}[/dim]"
                if shown
                else "-"
            )
        table.add_row(month.period.start.strftime("%Y-%m"), *cells)
        if (actual := recorded.get(month.period.start.isoformat())) is not None:
            values = dict(numeric_figures(actual))
            table.add_row(words["recorded"], *(_number(values[name], lang) for name in COLUMNS))
    return table
