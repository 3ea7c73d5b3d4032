"""`terugkeer case show V_NUMBER`: a person's cases, removal readiness and Dublin deadlines."""

from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import CaseFormat, Language

case_app = typer.Typer(help="One person's case file.", no_args_is_help=True)


@case_app.command("show")
def show_command(
    v_number: Annotated[str, typer.Argument(help="the person's V-number (10 digits)")],
    on: Annotated[
        datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="judge on this day (default: today)"),
    ] = None,
    output: Annotated[CaseFormat, typer.Option("--format")] = CaseFormat.TEXT,
    lang: Annotated[Language, typer.Option("--lang", help="labels")] = Language.NL,
    database_url: DatabaseUrl = None,
) -> None:
    """Readiness is information for a person's decision, never a decision. Exit 1 when no
    event of the V-number is stored. The read is recorded in the access log."""
    # Imported here, not at the top: the services bring SQLAlchemy (`--help` must start fast).
    from terugkeer.cli.render_case import case_file_text
    from terugkeer.services.case_json import case_file_json
    from terugkeer.services.cases import Access, case_file
    from terugkeer.services.errors import UnknownPersonError

    app = system(database_url, migrate=False)
    day = on.date() if on else app.today()
    reader = Access(getpass.getuser(), "cli", "case.read", socket.gethostname(), v_number)
    try:
        found = case_file(app, v_number=v_number, on=day, reader=reader)
    except UnknownPersonError as error:
        typer.echo(f"terugkeer: {error.message}", err=True)
        raise typer.Exit(1) from None
    if output is CaseFormat.JSON:
        typer.echo(json.dumps(case_file_json(found), ensure_ascii=False))
    else:
        typer.echo(case_file_text(found, lang.value))
