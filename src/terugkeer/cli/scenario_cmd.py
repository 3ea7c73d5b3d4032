"""`terugkeer scenario compare`: a what-if next to the base, with intervals and a chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from terugkeer.cli.options import DEFAULT_DATA_DIR

if TYPE_CHECKING:
    from rich.table import Table

    from terugkeer.services.simulation import Comparison, Parameters

scenario_app = typer.Typer(help="What-if scenarios on the simulator.", no_args_is_help=True)


def _load(path: Path) -> Parameters:
    # Imported here, not at the top: the simulator brings simpy and numpy, the chart plotly, the
    # table rich (`--help` must start fast).
    from terugkeer.services.simulation import ParameterError, parameters

    try:
        return parameters(None if path.name == "base" else path)
    except ParameterError as error:
        raise typer.BadParameter(str(error)) from None


@scenario_app.command("compare")
def compare_command(
    base: Annotated[Path, typer.Argument(help="a scenario file, or `base` for the parameters")],
    scenario: Annotated[Path, typer.Argument(help="the scenario file to compare with it")],
    replications: Annotated[int, typer.Option("--replications", "-n", min=2)] = 10,
    year: Annotated[int, typer.Option("--year")] = 2023,
    out: Annotated[Path, typer.Option("--out", help="folder for the chart")] = (
        DEFAULT_DATA_DIR / "compare"
    ),
) -> None:
    """Both with the same seeds (common random numbers), in parallel over the cores; prints
    every key figure's mean and 95% interval for each and their difference, and writes a chart
    of the differences (HTML and PNG)."""
    from rich.console import Console

    from terugkeer.cli.progress import replications_bar
    from terugkeer.services.simulation import compare_scenarios
    from terugkeer.simulation.chart import difference_chart, write_chart

    base_params, scenario_params = _load(base), _load(scenario)
    seeds = list(range(1, replications + 1))
    with replications_bar() as start:
        rows = compare_scenarios(
            base_params, scenario_params, seeds=seeds, year=year,
            progress=lambda name: start(f"replications: {name}", len(seeds)),
        )  # fmt: skip
    output = Console()
    if not output.is_terminal:
        output = Console(width=150)  # a file or pipe: keep each figure on one line
    output.print(_table(rows, f"{scenario.stem} vs {base.stem}, {year}, n={replications}"))
    out.mkdir(parents=True, exist_ok=True)
    html, png = out / f"{scenario.stem}.html", out / f"{scenario.stem}.png"
    write_chart(difference_chart(rows, f"{scenario.stem} vs {base.stem} ({year})"), html, png)
    typer.echo(f"chart: {html} and {png}")


def _table(rows: list[Comparison], title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for header in ("figure", "base (95% interval)", "scenario (95% interval)", "difference"):
        table.add_column(header, justify="left" if header == "figure" else "right")
    for row in rows:
        table.add_row(
            row.figure, _cell(row.base.mean, row.base.low, row.base.high),
            _cell(row.scenario.mean, row.scenario.low, row.scenario.high),
            _cell(row.difference.mean, row.difference.low, row.difference.high, signed=True),
        )  # fmt: skip
    return table


def _cell(mean: float, low: float, high: float, *, signed: bool = False) -> str:
    if abs(mean) < 1 and abs(high) <= 1 and abs(low) <= 1 and (mean % 1 or high % 1):
        sign = "+" if signed else ""
        return f"{mean:{sign}.3f} [{low:.3f}, {high:.3f}]"
    sign = "+" if signed else ""
    return f"{mean:{sign},.0f} [{low:,.0f}, {high:,.0f}]"
