"""`terugkeer demo`: a store with a synthetic caseload, and its key figures.

Until the return-process simulator exists, the sample comes from the benchmark generator: a
plausible but unmodelled caseload for 2023 that contains no real person.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.cli.context import rules
from terugkeer.importing.service import import_lines
from terugkeer.reports.key_figures import key_figures
from terugkeer.reports.period import Period
from terugkeer.reports.table import key_figures_tables
from terugkeer.settings import DEFAULT_DATA_DIR
from terugkeer.store.engine import make_engine
from terugkeer.store.event_store import EventStore
from terugkeer.store.schema import ensure_schema


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="where the sample and store go")] = (
        DEFAULT_DATA_DIR
    ),
    events: Annotated[int, typer.Option("--events", min=1)] = 60_000,
    lang: Annotated[str, typer.Option("--lang", help="nl or en")] = "nl",
) -> None:
    """Write a sample chain-event file, import it into an embedded store, print its figures."""
    folder.mkdir(parents=True, exist_ok=True)
    sample, store_file = folder / "sample-events.jsonl", folder / "demo.db"
    sample.write_text("".join(line + "\n" for line in synthetic_lines(events)), encoding="utf-8")
    store_file.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{store_file}")
    ensure_schema(engine)
    with sample.open("rb") as stream:
        summary = import_lines(stream, EventStore(engine, rules()))
    typer.echo(f"sample: {sample} ({summary.lines:,} lines, {summary.accepted:,} accepted)")
    with engine.connect() as connection:
        figures = key_figures(connection, Period(date(2023, 1, 1), date(2023, 12, 31)))
    console = Console()
    for table in key_figures_tables(figures, "en" if lang == "en" else "nl"):
        console.print(table)
    typer.echo(
        f"store: {store_file}  (try: terugkeer report key-figures --from 2023-01-01 "
        f"--to 2023-12-31 --database-url sqlite:///{store_file})"
    )
