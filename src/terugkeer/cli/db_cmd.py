"""`terugkeer db upgrade | rebuild | project`: the store's schema and its derived tables."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

db_app = typer.Typer(help="The event store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(database_url: DatabaseUrl = None) -> None:
    """Apply every pending Alembic migration."""
    # Imported here, not at the top: the services bring SQLAlchemy and Alembic (a fast `--help`).
    from terugkeer.services.schema import upgrade_schema

    typer.echo(f"schema at revision {upgrade_schema(system(database_url))}")


@db_app.command("rebuild")
def rebuild_command(database_url: DatabaseUrl = None) -> None:
    """Re-derive every projection (cases, Dublin deadlines) from the events under the current
    rules table, in one transaction — run it after changing the rules (e.g. another
    TERUGKEER_AMMR_FROM); `audit verify` passes afterwards."""
    from terugkeer.services.schema import rebuild

    done = rebuild(system(database_url, migrate=False))
    typer.echo(
        f"rebuilt the projections of {done.persons} persons: {done.cases} cases, "
        f"{done.dublin_claims} Dublin claims"
    )


@db_app.command("project")
def project_command(database_url: DatabaseUrl = None) -> None:
    """Bring the projections up to the chain's head, where a bulk import's projector left
    them (it was killed, say). Pages and the API do so by themselves at the next write."""
    from terugkeer.services.schema import project

    done = project(system(database_url, migrate=False))
    if done.reached == done.start:
        typer.echo(f"the projections reflect every event (seq {done.reached})")
    else:
        typer.echo(f"projected seq {done.start + 1} to {done.reached}")


@db_app.command("complete-from")
def complete_from_command(
    day: Annotated[
        datetime | None,
        typer.Argument(
            formats=["%Y-%m-%d"],
            help="The first day the store holds the caseload "
            "whole (YYYY-MM-DD); without it, show the current setting.",
        ),
    ] = None,
    why: Annotated[
        str, typer.Option(help="Why (e.g. 'caseload migrated whole on this day').")
    ] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """From which day the store holds the caseload whole. Comparisons and series that reach
    before it are marked "not comparable" (the annual report, dashboard, open data, key figures
    and API). Each setting is kept with who set it, when and why."""
    import getpass

    from terugkeer.services.completeness import completeness, set_complete_from

    if day is None:
        found = completeness(system(database_url, migrate=False))
        if found.complete_from is None:
            typer.echo("not set: every period is taken as complete")
        else:
            typer.echo(f"complete from {found.complete_from.isoformat()} (set {found.set_at} "
                       f"by {found.set_by}: {found.why})")  # fmt: skip
        return
    try:
        made = set_complete_from(system(database_url), day.date(), by=getpass.getuser(), why=why)
    except ValueError as refused:
        typer.echo(f"not set: {refused}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"complete from {made.complete_from}: comparisons before it are not comparable")
