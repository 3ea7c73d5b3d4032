"""`terugkeer backup DEST` and `terugkeer restore SRC [--force | --check-only]`: a copy of the
store with a manifest, and a restore that verifies it against the manifest."""

from __future__ import annotations

import getpass
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, settings, system

if TYPE_CHECKING:
    from terugkeer.services.restore import RestoreReport


def backup_command(
    dest: Annotated[
        Path, typer.Argument(help="A new (or empty) folder for the backup file and manifest.json")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Copy the store into DEST while it stays in use: SQLite with its online backup API,
    PostgreSQL with pg_dump (one snapshot). DEST/manifest.json records the chain heads, the
    schema revision, the file's sha256 and every year's key figures, for `restore` to verify."""
    # Imported here, not at the top: the services bring SQLAlchemy (`--help` must start fast).
    from terugkeer.services.backup import take_backup
    from terugkeer.services.errors import ServiceError

    try:
        taken = take_backup(
            system(database_url, migrate=False),
            dest,
            actor=getpass.getuser(),
            origin=socket.gethostname(),
        )
    except ServiceError as refused:
        typer.echo(f"no backup: {refused.message}", err=True)
        raise typer.Exit(2) from None
    manifest = taken.manifest
    facts = manifest.store
    years = ", ".join(facts.key_figures) or "none"
    typer.echo(
        f"backup of {manifest.backend} store in {dest}: {manifest.file.name} "
        f"({manifest.file.bytes} bytes, sha256 {manifest.file.sha256})"
    )
    typer.echo(
        f"events up to seq {facts.events.last_seq} (hash {facts.events.last_hash}); "
        f"access log up to seq {facts.access_log.last_seq}"
    )
    typer.echo(f"key figures of the years {years} in {dest / 'manifest.json'}")


def restore_command(
    src: Annotated[Path, typer.Argument(help="A folder `terugkeer backup` wrote")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a store that is not empty.")
    ] = False,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check-only",
            help="Verify the backup in a scratch store (a temporary SQLite file, or a new "
            "database on the PostgreSQL server --database-url names); no store is touched.",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Put the backup in SRC into the store, then verify it: the file's sha256, both hash
    chains intact and ending where the manifest says, the projections (and their versions)
    equal to a replay of the events, and every year's key figures equal to the manifest's.
    Exit 1 names the first difference; exit 2 when nothing was restored."""
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.restore import check_backup, restore_backup

    config = settings(database_url)
    try:
        if check_only:
            report = check_backup(config, src)
        else:
            report = restore_backup(
                config, src, force=force, actor=getpass.getuser(), origin=socket.gethostname()
            )
    except ServiceError as refused:
        typer.echo(f"not restored: {refused.message}", err=True)
        raise typer.Exit(2) from None
    _print(report, check_only)


def _print(report: RestoreReport, check_only: bool) -> None:
    taken = report.manifest.taken_at
    for check in report.checks:
        typer.echo(f"{'ok' if check.passed else 'FAILED'}  {check.sentence}")
    failure = report.first_failure
    if failure is not None:
        if failure.name == "file":
            typer.echo(
                "not restored: the backup file is not the one the manifest describes", err=True
            )
        else:
            typer.echo(f"NOT VERIFIED: {failure.sentence}", err=True)
        raise typer.Exit(1)
    # Which store was replaced: a shell without the service's environment restores into the
    # default SQLite file, and says so here.
    what = "the backup verifies" if check_only else f"restored and verified into {report.target}"
    typer.echo(f"{what}: the store as it was at {taken:%Y-%m-%d %H:%M:%S} UTC")
