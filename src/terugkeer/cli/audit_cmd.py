"""`terugkeer audit verify`: recompute the hash chain and the projections from the events."""

from __future__ import annotations

import typer

from terugkeer.cli.context import DatabaseUrl, system

audit_app = typer.Typer(help="Integrity of the append-only history.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(database_url: DatabaseUrl = None) -> None:
    """Exit 0 when the chain and the projections are intact; otherwise name the first broken
    row (and up to ten projection rows that differ from the events) and exit 1."""
    # Imported here, not at the top: the services bring SQLAlchemy (`--help` must start fast).
    from terugkeer.services.integrity import check_integrity

    report = check_integrity(system(database_url, migrate=False))
    chain = report.chain
    if chain.intact:
        done = chain.pseudonymised
        retained = f" ({done} pseudonymised by retention)" if done else ""
        typer.echo(f"chain intact: {chain.rows_checked} events{retained}, head {chain.head_hash}")
    else:
        typer.echo(
            f"BROKEN at row seq {chain.broken_seq}: {chain.problem} "
            f"({chain.rows_checked} rows before it are intact)",
            err=True,
        )
    for problem in report.projection_problems:
        typer.echo(f"PROJECTION differs: {problem}", err=True)
    if not report.projection_problems:
        typer.echo("projections match the events")
    if not report.intact:
        raise typer.Exit(1)
