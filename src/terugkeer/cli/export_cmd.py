"""`terugkeer export`: datasets for others (the EU's Frontex IRMA reporting, process mining)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import AsOf, as_of_moment

export_app = typer.Typer(help="Datasets for others: irma, ocel.", no_args_is_help=True)


@export_app.command("irma")
def irma(
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="a folder for the two CSV files")],
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The month's Frontex IRMA datasets by nationality: persons ready to be returned whose
    removal is not organised (end of the month), and persons effectively returned."""
    from terugkeer.services.eu_reporting import export_irma
    from terugkeer.services.known import as_known
    from terugkeer.services.publication import recorded_by

    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        raise typer.BadParameter(
            f"{month!r} is not a month YYYY-MM", param_hint="--month"
        ) from None
    known_by = None if as_of is None else recorded_by(as_of_moment(as_of))
    with as_known(system(database_url, migrate=False), known_by) as viewed:
        for path in export_irma(viewed, first, out):
            typer.echo(path)


@export_app.command("ocel")
def ocel(
    out: Annotated[Path, typer.Option("--out", help="the OCEL 2.0 JSON file to write")],
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")
    ] = None,
    identifiable: Annotated[
        bool,
        typer.Option(
            "--identifiable",
            help="keep V-numbers, references and free text "
            "(for the agency's own use only; default: pseudonymised)",
        ),
    ] = False,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The case history as an object-centric event log (OCEL 2.0 JSON) for process mining:
    persons, cases, procedures, document requests and flights as objects; pseudonymised
    (docs/ocel.md)."""
    from terugkeer.services.eu_reporting import export_ocel
    from terugkeer.services.known import as_known
    from terugkeer.services.publication import recorded_by

    since = start.date() if start else date(1900, 1, 1)
    until = end.date() if end else date(2100, 12, 31)
    if until < since:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    if identifiable:
        typer.echo("warning: V-numbers and free text are in the file; it holds personal data",
                   err=True)  # fmt: skip
    known_by = None if as_of is None else recorded_by(as_of_moment(as_of))
    with as_known(system(database_url, migrate=False), known_by) as viewed:
        written, objects = export_ocel(viewed, out, since=since, until=until,
                                       pseudonymous=not identifiable)  # fmt: skip
    typer.echo(f"{written:,} events, {objects:,} objects -> {out}")
