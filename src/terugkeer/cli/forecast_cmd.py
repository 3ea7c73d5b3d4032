"""`terugkeer forecast`: the key figures of the months ahead, from the store's caseload."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import DEFAULT_DATA_DIR, Language, ReportFormat

if TYPE_CHECKING:
    from terugkeer.services.forecast import Caseload
    from terugkeer.services.simulation import Parameters


def forecast_command(
    months: Annotated[int, typer.Option("--months", min=1, max=60)] = 12,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="a TOML file overriding parameters")
    ] = None,
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at",
            formats=["%Y-%m-%d"],
            help="start from the caseload at the end of this day (default: the last recorded "
            "day); months the store already holds are shown beside the forecast",
        ),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", "-n", min=2)] = 10,
    output: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.TABLE,
    lang: Annotated[Language, typer.Option("--lang", help="table labels")] = Language.NL,
    chart: Annotated[Path, typer.Option("--chart", help="folder for the chart")] = (
        DEFAULT_DATA_DIR / "forecast"
    ),
    database_url: DatabaseUrl = None,
) -> None:
    """Project the key figures month by month from the store's current caseload, with 95%
    prediction intervals over replications of the simulator. Works on aggregate cohorts of
    the caseload only: it forecasts flows and stocks, never anything about a person."""
    # Imported here, not at the top: the forecast brings SQLAlchemy, simpy, numpy, plotly and
    # rich (`--help` must start fast).
    from rich.console import Console

    from terugkeer.cli.progress import replications_bar
    from terugkeer.forecast.chart import forecast_chart
    from terugkeer.forecast.table import forecast_table
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.forecast import as_json, forecast, forecast_start
    from terugkeer.simulation.chart import write_chart

    _parameters(scenario, None)  # a bad scenario is refused before the store is read
    try:
        begin = forecast_start(
            system(database_url, migrate=False), at=at.date() if at else None, months=months
        )
    except ServiceError as error:
        raise typer.BadParameter(error.message, param_hint="--database-url") from None
    as_of, caseload, recorded = begin.as_of, begin.caseload, begin.recorded
    params = _parameters(scenario, caseload)
    seeds = list(range(1, replications + 1))
    typer.echo(_assumptions(caseload, params), err=True)
    if begin.note:  # the observed inflow reaches before the complete-from day: not used
        typer.echo(f"note: {begin.note} The inflow observed before it is not used.", err=True)
    with replications_bar() as start:
        months_ahead = forecast(
            params, begin, months=months, seeds=seeds, progress=start("replications", len(seeds))
        )
    if output is ReportFormat.JSON:
        document: dict[str, Any] = as_json(months_ahead, caseload, seeds)
        document["inflow_per_year"] = params.inflow.per_year.model_dump()
        document["recorded"] = recorded
        typer.echo(json.dumps(document, ensure_ascii=False))
    else:
        table = forecast_table(
            months_ahead,
            recorded,
            as_of=as_of.isoformat(),
            replications=len(seeds),
            lang=lang.value,
        )
        screen = Console()
        if not screen.is_terminal:
            screen = Console(width=170)  # a file or pipe: keep the columns whole
        screen.print(table)
    chart.mkdir(parents=True, exist_ok=True)
    name = f"forecast-{as_of.isoformat()}" + (f"-{scenario.stem}" if scenario else "")
    html, png = chart / f"{name}.html", chart / f"{name}.png"
    title = f"{name} ({len(seeds)} replications, 95% prediction intervals)"
    write_chart(forecast_chart(months_ahead, recorded, title=title, lang=lang.value), html, png)
    typer.echo(f"chart: {html} and {png}", err=True)


def _parameters(scenario: Path | None, caseload: Caseload | None) -> Parameters:
    from terugkeer.services.forecast import forecast_parameters
    from terugkeer.services.simulation import ParameterError

    try:
        return forecast_parameters(scenario, caseload)
    except ParameterError as error:
        raise typer.BadParameter(str(error), param_hint="--scenario") from None


def _assumptions(caseload: Caseload, params: Parameters) -> str:
    inflow = params.inflow.per_year
    return (
        f"caseload at the end of {caseload.as_of}: {caseload.size:,} open cases in "
        f"{len(caseload.cohorts):,} cohorts, {sum(n for _, n in caseload.away):,} people away "
        f"in an asylum procedure; inflow {inflow.value:,.0f} a year ({inflow.source})"
    )
