"""`terugkeer publish`: the monthly open data as files, and their verification."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import as_of_moment

publish_app = typer.Typer(
    help="The monthly open data (instroom- en vertrekcijfers): publish --month YYYY-MM --out "
    "DIR, and publish verify DIR.",
    invoke_without_command=True,
)


def _month(text: str) -> date:
    try:
        return date.fromisoformat(text + "-01")
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a month YYYY-MM", param_hint="--month") from None


@publish_app.callback()
def publish(
    context: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="the publication's folder (default: the month's folder in "
            "TERUGKEER_PUBLICATIONS_DIR, which /cijfers serves)",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="only events recorded by then: YYYY-MM-DD[THH:MM], "
            "Europe/Amsterdam (a date: the end of that day)",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the month's publication: per year inflow by source, departures by kind and the
    demonstrable departure rate, outflow without departure, the top 5 nationalities of the
    inflow, and the month's key figures; CSV and JSON, an HTML page, a README, a manifest."""
    if context.invoked_subcommand is not None:
        return
    if month is None:
        raise typer.BadParameter("give --month YYYY-MM [--out DIR] (or: publish verify DIR)")
    from terugkeer.services.publication import PublicationError, recorded_by
    from terugkeer.services.publication import publish as write

    first = _month(month)
    known_by = None if as_of is None else recorded_by(as_of_moment(as_of))
    app = system(database_url, migrate=False)
    try:
        folder = out or app.settings.publications_dir / f"{first:%Y-%m}"
        done = write(app, first, folder, known_by=known_by)
    except PublicationError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"published {month} in {done.folder} ({len(done.files)} files), as of {done.as_of}")


@publish_app.command("verify")
def verify(folder: Path, database_url: DatabaseUrl = None) -> None:
    """Recompute a publication from the store: exit 0 when every file still matches, 1 when
    not, naming what moved and how many events were recorded since."""
    from terugkeer.services.publication import PublicationError
    from terugkeer.services.publication import verify as check

    try:
        found = check(system(database_url, migrate=False), folder)
    except PublicationError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(2) from None
    if found.not_reproduced:
        typer.echo(f"publication {found.month} is NOT what the events recorded by "
                   f"{found.as_of} give: {', '.join(found.not_reproduced)} differ (the files "
                   "or the history were changed)")  # fmt: skip
    else:
        typer.echo(f"publication {found.month} is reproduced byte for byte as known at "
                   f"{found.as_of}")  # fmt: skip
    since = f"{found.late_events} events since, {found.withdrawals_since} of them withdrawing one"
    if found.complete_from_moved is not None:
        then, now = (day.isoformat() if day else "not set" for day in found.complete_from_moved)
        typer.echo(f"the complete-from day was {then} then and is {now} now: the series leave "
                   "out other years")  # fmt: skip
    if not found.changed_files:
        typer.echo(f"and the store gives the same now ({since})")
    else:
        typer.echo(f"the store gives other figures now ({since}):")
        typer.echo("changed files: " + ", ".join(found.changed_files))
        for name, where, column, was, now in found.moved:
            typer.echo(f"  {name} {where} {column}: {was} -> {now}")
    if not found.matches:
        raise typer.Exit(1)
