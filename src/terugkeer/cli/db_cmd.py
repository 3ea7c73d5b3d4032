"""`terugkeer db upgrade | rebuild`: the store's schema and its derived tables."""

from __future__ import annotations

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
