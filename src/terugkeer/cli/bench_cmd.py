"""`terugkeer bench ...`: measured speed, printed against a baseline from the same run."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import settings
from terugkeer.services.bench import import_benchmark, report_benchmark
from terugkeer.settings import DEFAULT_DATA_DIR

bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)


@bench_app.command("import")
def bench_import_command(
    events: Annotated[int, typer.Option("--events", "-n", min=1)] = 200_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Import N synthetic events into a temporary SQLite store; compare with raw executemany."""
    result = import_benchmark(settings(), events=events, seed=seed)
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


@bench_app.command("report")
def bench_report_command(
    events: Annotated[int, typer.Option("--events", "-n", min=1)] = 1_000_000,
    repeats: Annotated[int, typer.Option("--repeats", min=2)] = 10,
    store: Annotated[
        Path, typer.Option("--store", help="a SQLite file for synthetic events only; reused")
    ] = DEFAULT_DATA_DIR / "bench" / "report.db",
) -> None:
    """Time `report key-figures` for 2023 over a store of N synthetic events (filled if short).

    Never the configured store: synthetic people must not mix with real histories, and an
    append-only store cannot be cleaned afterwards."""
    result, _ = report_benchmark(store, events=events, repeats=repeats)
    typer.echo(f"stored events          {result.stored_events:>12,}  ({store})")
    for name, values in (
        ("key figures 2023", result.report_ms),
        ("full scan baseline", result.scan_ms),
    ):
        typer.echo(
            f"{name:<22} median {statistics.median(values):>8.0f} ms   "
            f"p95 {result.p95(values):>8.0f} ms   (n={len(values)})"
        )
