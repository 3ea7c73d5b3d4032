"""`terugkeer demo`: one simulated year in an embedded store, and its key figures.

The caseload comes from the return-process simulator (`terugkeer simulate`): it contains no
real person, and travels the same path as a partner feed (a JSONL file, then `import`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from terugkeer.cli.context import rules
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.reports.table import key_figures_tables
from terugkeer.settings import DEFAULT_DATA_DIR
from terugkeer.simulation.loader import load_parameters
from terugkeer.simulation.runner import simulate
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="where the sample and store go")] = (
        DEFAULT_DATA_DIR
    ),
    year: Annotated[int, typer.Option("--year", min=2019, max=2025)] = 2023,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    lang: Annotated[str, typer.Option("--lang", help="nl or en")] = "nl",
) -> None:
    """Simulate a year (with its warm-up), import it into var/demo.db, print its key figures."""
    folder.mkdir(parents=True, exist_ok=True)
    sample, store_file = folder / f"simulated-{year}.jsonl", folder / "demo.db"
    first, last = date(year, 1, 1), date(year, 12, 31)
    typer.echo(f"simulating {year} (seed {seed}) ...", err=True)
    run = simulate(load_parameters(), first, last, seed, sample)
    for stale in folder.glob("demo.db*"):
        stale.unlink()
    engine = make_engine(f"sqlite:///{store_file}")
    ensure_schema(engine)
    typer.echo(f"importing {run.events:,} events ...", err=True)
    with sample.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, rules()))
    typer.echo(f"sample: {sample} ({summary.lines:,} lines, {summary.accepted:,} accepted)")
    with engine.connect() as connection:
        figures = key_figures(connection, Period(first, last))
    console = Console()
    for table in key_figures_tables(figures, "en" if lang == "en" else "nl"):
        console.print(table)
    typer.echo(
        f"store: {store_file}  (try: terugkeer report key-figures --from {first} --to {last} "
        f"--database-url sqlite:///{store_file}; terugkeer forecast --months 12 "
        f"--database-url sqlite:///{store_file})"
    )
