"""`terugkeer import PATH`: load chain events (JSON Lines, v1) into the store."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from terugkeer.cli.context import DatabaseUrl, system

if TYPE_CHECKING:
    from terugkeer.services.ingest import ImportSummary
    from terugkeer.services.ingest import Progress as ProgressCallback


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def import_events(
    path: Annotated[str, typer.Argument(help="a JSONL file of chain events, or - for stdin")],
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = (
        OutputFormat.TEXT
    ),
    database_url: DatabaseUrl = None,
) -> None:
    """Store every valid line, report every invalid one; exit 1 when any line was rejected."""
    # Imported here, not at the top: the importer brings SQLAlchemy and pydantic, the progress bar
    # rich (`--help` must start fast).
    from terugkeer.services.ingest import ingest_stream

    show_progress = output is OutputFormat.TEXT and sys.stderr.isatty()
    with _open(path) as stream, _progress(path, show_progress) as advance:
        summary = ingest_stream(system(database_url), stream, progress=advance)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        _print_text(summary)
    raise typer.Exit(1 if summary.rejected else 0)


@contextmanager
def _open(path: str) -> Iterator[BinaryIO]:
    if path == "-":
        yield sys.stdin.buffer
        return
    file = Path(path)
    if not file.is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint="PATH")
    with file.open("rb") as stream:
        yield stream


@contextmanager
def _progress(path: str, enabled: bool) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    total = None if path == "-" else _count_lines(Path(path))
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=total)

        def advance(done: int) -> None:
            bar.update(task, completed=done)

        yield advance


def _count_lines(file: Path) -> int:
    with file.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def _print_text(summary: ImportSummary) -> None:
    for result in summary.rejected:
        where = f"line {result.line}" + (f" (id {result.event_id})" if result.event_id else "")
        typer.echo(f"{where}: {result.error}", err=True)
    typer.echo(
        f"{summary.accepted} accepted, {summary.known} already known, "
        f"{len(summary.rejected)} rejected ({summary.lines} lines)"
    )
