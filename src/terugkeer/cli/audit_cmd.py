"""`terugkeer audit verify`: recompute the hash chain and the projections from the events."""

from __future__ import annotations

import typer

from terugkeer.cli.context import DatabaseUrl, open_engine, rules
from terugkeer.store.hashchain import verify
from terugkeer.store.projection_check import projection_problems

audit_app = typer.Typer(help="Integrity of the append-only history.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(database_url: DatabaseUrl = None) -> None:
    """Exit 0 when the chain and the projections are intact; otherwise name the first broken
    row (and up to ten projection rows that differ from the events) and exit 1."""
    with open_engine(database_url, migrate=False).connect() as connection:
        chain = verify(connection)
        problems = projection_problems(connection, rules(database_url))
    if chain.intact:
        typer.echo(f"chain intact: {chain.rows_checked} events, head {chain.head_hash}")
    else:
        typer.echo(
            f"BROKEN at row seq {chain.broken_seq}: {chain.problem} "
            f"({chain.rows_checked} rows before it are intact)",
            err=True,
        )
    for problem in problems:
        typer.echo(f"PROJECTION differs: {problem}", err=True)
    if not problems:
        typer.echo("projections match the events")
    if problems or not chain.intact:
        raise typer.Exit(1)
