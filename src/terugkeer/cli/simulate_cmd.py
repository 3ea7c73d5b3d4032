"""`terugkeer simulate`: a synthetic caseload as v1 chain events (no real person)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import settings


def simulate_command(
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")],
    out: Annotated[Path, typer.Option("--out", help="the JSONL file to write")],
    seed: Annotated[int, typer.Option("--seed")] = 1,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="a TOML file overriding parameters")
    ] = None,
) -> None:
    """Simulate the return process up to --to (with a warm-up before --from); every line is
    valid for `terugkeer import`."""
    # Imported here, not at the top: the simulator brings simpy and numpy, the progress bar rich
    # (`--help` must start fast).
    from terugkeer.services.simulation import ParameterError, parameters, simulate_feed

    if end < start:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    try:
        params = parameters(scenario)
    except ParameterError as error:
        raise typer.BadParameter(str(error), param_hint="--scenario") from None
    began = time.perf_counter()
    with days_progress(enabled=sys.stderr.isatty()) as progress:
        try:
            run = simulate_feed(
                settings(), params, start=start.date(), end=end.date(), seed=seed, out=out,
                progress=progress,
            )  # fmt: skip
        except ParameterError as error:
            raise typer.BadParameter(str(error), param_hint="--from") from None
    seconds = time.perf_counter() - began
    typer.echo(
        f"{run.events:,} events for {run.persons:,} people from {run.origin} to {end.date()} "
        f"in {seconds:.1f} s ({run.events / seconds:,.0f} events/s) -> {out}",
        err=True,
    )


@contextmanager
def days_progress(*, enabled: bool) -> Iterator[Callable[[float, float], None] | None]:
    """A progress bar over simulated days on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("simulating"), BarColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("simulate", total=None)

        def advance(day: float, last: float) -> None:
            bar.update(task, completed=day, total=last)

        yield advance
