"""`terugkeer audit verify`: recompute the hash chain over the stored events."""

from __future__ import annotations

import typer

from terugkeer.cli.context import DatabaseUrl, open_engine
from terugkeer.store.hashchain import verify

audit_app = typer.Typer(help="Integrity of the append-only history.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(database_url: DatabaseUrl = None) -> None:
    """Exit 0 when the chain is intact; otherwise name the first broken row and exit 1."""
    with open_engine(database_url, migrate=False).connect() as connection:
        result = verify(connection)
    if result.intact:
        typer.echo(f"intact: {result.rows_checked} events, head {result.head_hash}")
        return
    typer.echo(
        f"BROKEN at row seq {result.broken_seq}: {result.problem} "
        f"({result.rows_checked} rows before it are intact)",
        err=True,
    )
    raise typer.Exit(1)
