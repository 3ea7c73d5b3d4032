"""`terugkeer bench ...`: measured speed, printed against a baseline from the same run."""

from __future__ import annotations

from typing import Annotated

import typer

from terugkeer.bench.runner import bench_import
from terugkeer.cli.context import rules

bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)


@bench_app.command("import")
def bench_import_command(
    events: Annotated[int, typer.Option("--events", "-n", min=1)] = 200_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Import N synthetic events into a temporary SQLite store; compare with raw executemany."""
    result = bench_import(events, rules(), seed=seed)
    typer.echo(f"events                 {result.events:>12,}  (accepted {result.accepted:,})")
    typer.echo(
        f"terugkeer import       {result.import_rate:>12,.0f} events/s  "
        f"({result.import_seconds:.2f} s)"
    )
    typer.echo(
        f"sqlite3 executemany    {result.baseline_rate:>12,.0f} events/s  "
        f"({result.baseline_seconds:.2f} s)"
    )
    typer.echo(f"baseline / import      {result.ratio:>12.1f} x")
