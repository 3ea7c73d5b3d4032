"""`terugkeer export`: datasets for others (the EU's Frontex IRMA reporting)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

export_app = typer.Typer(help="Datasets for others: irma.", no_args_is_help=True)


@export_app.command("irma")
def irma(
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="a folder for the two CSV files")],
    database_url: DatabaseUrl = None,
) -> None:
    """The month's Frontex IRMA datasets by nationality: persons ready to be returned whose
    removal is not organised (end of the month), and persons effectively returned."""
    from terugkeer.services.eu_reporting import export_irma

    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        raise typer.BadParameter(
            f"{month!r} is not a month YYYY-MM", param_hint="--month"
        ) from None
    for path in export_irma(system(database_url, migrate=False), first, out):
        typer.echo(path)
