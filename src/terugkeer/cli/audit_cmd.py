"""`terugkeer audit verify`: recompute the events' hash chain, the projections from the events,
and the access log's hash chain."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

_ANCHOR = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})", re.ASCII)
AnchorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--anchor",
        metavar="SEQ:HASH",
        help="An access-log row noted earlier (the anchor line verify prints), kept outside "
        "the database: the chain must still hold that row with that hash. Repeatable.",
    ),
]


def parse_anchors(texts: list[str]) -> dict[int, str]:
    anchors: dict[int, str] = {}
    for text in texts:
        found = _ANCHOR.fullmatch(text.strip().lower())
        if found is None or int(found.group(1)) < 1:
            raise typer.BadParameter(
                "an anchor is SEQ:HASH, a row number and its 64-character hash",
                param_hint="--anchor",
            )
        anchors[int(found.group(1))] = found.group(2)
    return anchors


audit_app = typer.Typer(help="Integrity of the append-only history.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(database_url: DatabaseUrl = None, anchor: AnchorOption = None) -> None:
    """Exit 0 when the chain, the projections and the access log are intact; otherwise name the
    first broken row of each chain (and up to ten projection rows that differ from the events)
    and exit 1. Prints the access log's head as an anchor line: keep it outside the database
    (the operations log, a signed mail) and pass it back with --anchor to detect the newest rows
    deleted together with the head."""
    anchors = parse_anchors(anchor or [])
    # Imported here, not at the top: the services bring SQLAlchemy (`--help` must start fast).
    from terugkeer.services.integrity import check_integrity

    report = check_integrity(system(database_url, migrate=False), anchors)
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
        behind = chain.rows_checked - report.projected_seq if chain.intact else 0
        reach = (f" up to seq {report.projected_seq} ({behind} after it not projected yet: "
                 "`terugkeer db project` brings them up)") if behind > 0 else ""  # fmt: skip
        typer.echo(f"projections match the events{reach}")
    logged = report.access_log
    if logged.intact:
        earlier = logged.unkeyed_rows
        note = f" ({earlier} logged before the chain, without their V-number)" if earlier else ""
        typer.echo(f"access log intact: {logged.rows_checked} rows{note}, head {logged.head_hash}")
        if anchors:
            typer.echo(f"access log holds the {len(anchors)} anchored rows")
        typer.echo(f"access log anchor: {logged.rows_checked}:{logged.head_hash}")
    else:
        where = "" if logged.broken_seq is None else f" at row seq {logged.broken_seq}"
        typer.echo(
            f"ACCESS LOG BROKEN{where}: {logged.problem} "
            f"({logged.rows_checked} rows before it are intact)",
            err=True,
        )
    if not report.intact:
        raise typer.Exit(1)
