"""`terugkeer retention run`: pseudonymise the people whose cases all closed long ago."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

retention_app = typer.Typer(help="Storage limitation (AVG art. 5(1)(e)).", no_args_is_help=True)


@retention_app.command("run")
def run_command(
    closed_before: Annotated[
        datetime | None,
        typer.Option(
            "--closed-before",
            formats=["%Y-%m-%d"],
            help="people whose cases all closed before this day (default: today minus "
            "TERUGKEER_RETENTION_YEARS)",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count only")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """V-number → keyed pseudonym, birth date → year, family id and free text removed; every
    key figure stays the same and `audit verify` still passes. Each run is recorded."""
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.retention import default_cut_off, run_retention

    app = system(database_url, migrate=False)
    day = closed_before.date() if closed_before else default_cut_off(app)
    try:
        report = run_retention(app, closed_before=day, dry_run=dry_run)
    except ServiceError as error:
        typer.echo(f"terugkeer: {error.message}", err=True)
        raise typer.Exit(2) from None
    verb = "would pseudonymise" if dry_run else "pseudonymised"
    typer.echo(
        f"{verb} {report.persons:,} people ({report.events:,} events) whose cases all closed "
        f"before {report.closed_before}"
    )
    if report.kept_row_versions:
        typer.echo(
            f"terugkeer: {report.kept_row_versions:,} old row versions are still held by an "
            "open database transaction elsewhere, so their original values remain in the "
            "files for now: run `terugkeer retention run` again once it has ended",
            err=True,
        )
        raise typer.Exit(1)
