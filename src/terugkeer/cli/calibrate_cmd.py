"""`terugkeer calibrate`: fit the simulator's free rates to a year of published figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from terugkeer.services.simulation import Iteration


def calibrate_command(
    targets: Annotated[Path, typer.Option("--targets", help="published figures (JSON)")],
    out: Annotated[Path, typer.Option("--out", help="where to write the fitted values (TOML)")],
    year: Annotated[int, typer.Option("--year")] = 2023,
    seeds: Annotated[int, typer.Option("--seeds", min=1)] = 2,
    iterations: Annotated[int, typer.Option("--iterations", min=1)] = 5,
    scenario: Annotated[Path | None, typer.Option("--scenario")] = None,
) -> None:
    """Each iteration: `seeds` replications (simulate → import → report), then every free rate
    is scaled towards its figure. Prints the deviations; writes the fitted rates to --out."""
    # Imported here, not at the top: the simulator brings simpy and numpy, the progress bar rich
    # (`--help` must start fast).
    from terugkeer.cli.progress import replications_bar
    from terugkeer.services.simulation import fit_rates, parameters

    def show(iteration: Iteration) -> None:
        worst = max(abs(d) for d in iteration.deviations.values())
        typer.echo(f"iteration {iteration.number}: worst deviation {worst:+.1%}")
        for figure, deviation in iteration.deviations.items():
            typer.echo(f"  {figure:<58} {deviation:+7.1%}")

    published = json.loads(targets.read_text(encoding="utf-8"))
    with replications_bar() as start:
        fitted = fit_rates(
            parameters(scenario), published, year=year, seeds=list(range(1, seeds + 1)),
            iterations=iterations, report=show,
            progress=lambda number: start(f"iteration {number}: replications", seeds),
        )  # fmt: skip
    out.write_text(fitted, encoding="utf-8")
    typer.echo(f"fitted rates written to {out}")


def backtest_command(
    published: Annotated[Path, typer.Option("--published", help="published-figures.json")],
    first: Annotated[int, typer.Option("--first")] = 2018,
    last: Annotated[int, typer.Option("--last")] = 2022,
    seeds: Annotated[int, typer.Option("--seeds", min=1)] = 2,
) -> None:
    """Run the calibrated model with each year's published inflow; print a Markdown table of
    simulated next to published outcomes (information, not a pass or fail)."""
    from terugkeer.services.simulation import back_test

    years = json.loads(published.read_text(encoding="utf-8"))["years"]
    typer.echo(back_test(years, first, last, seeds))
