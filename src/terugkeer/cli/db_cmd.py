"""`terugkeer db upgrade`: bring the store's schema to the current migration."""

from __future__ import annotations

import typer

from terugkeer.cli.context import DatabaseUrl, settings
from terugkeer.store.engine import make_engine
from terugkeer.store.schema import upgrade

db_app = typer.Typer(help="The event store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(database_url: DatabaseUrl = None) -> None:
    """Apply every pending Alembic migration."""
    revision = upgrade(make_engine(settings(database_url).database_url))
    typer.echo(f"schema at revision {revision}")
