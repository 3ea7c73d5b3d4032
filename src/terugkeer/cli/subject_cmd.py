"""`terugkeer subject export` and `terugkeer privacy register`: the data subject's rights (AVG
art. 15 and 30) for the privacy officer."""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system
from terugkeer.cli.options import Language

subject_app = typer.Typer(help="One person's data, for their request (AVG art. 15).",
                          no_args_is_help=True)  # fmt: skip
privacy_app = typer.Typer(help="The register of processing activities (AVG art. 30).",
                          no_args_is_help=True)  # fmt: skip


class SubjectFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


class RegisterFormat(StrEnum):
    MD = "md"
    JSON = "json"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"terugkeer: {message}", err=True)
    return typer.Exit(code)


@subject_app.command("export")
def export_command(
    v_number: Annotated[str, typer.Argument(help="the person's V-number (10 digits)")],
    by: Annotated[str, typer.Option("--by", help="the privacy officer: a user name")],
    why: Annotated[
        str,
        typer.Option(
            "--why",
            help="the request's reference, e.g. "
            "'AVG-2026-0042 art. 15' (logged for good: no names)",
        ),
    ],
    output: Annotated[SubjectFormat, typer.Option("--format")] = SubjectFormat.JSON,
    out: Annotated[
        Path | None, typer.Option("--out", help="write here (default: stdout; a PDF needs --out)")
    ] = None,
    lang: Annotated[Language, typer.Option("--lang", help="the PDF's language")] = Language.NL,
    database_url: DatabaseUrl = None,
) -> None:
    """Everything held on the person: their facts (withdrawn ones marked, with who sent each),
    their cases and readiness over time, who read their case, which partners received their
    data. Exit 1 when the store holds nothing of the V-number. The export is logged."""
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.subject_export import ExportFormat, export_subject
    from terugkeer.services.users import find_user

    if output is SubjectFormat.PDF and out is None:
        raise _fail("a PDF is written to a file: give --out FILE", 2)
    app = system(database_url, migrate=False)
    user = find_user(app, by)
    if user is None or not user.active:
        raise _fail(f"no active user named {by}")
    try:
        made = export_subject(
            app, user, v_number, why, ExportFormat(output.value), channel="cli",
            origin=socket.gethostname(), lang=lang.value, detail=f"os_user={getpass.getuser()}",
        )  # fmt: skip
    except ServiceError as error:
        raise _fail(error.message) from None
    if out is None:
        sys.stdout.buffer.write(made.body)
        sys.stdout.buffer.write(b"\n")
        return
    _write_private(out, made.body)
    typer.echo(f"written {out} ({len(made.body):,} bytes); the export is in the access log")


def _write_private(path: Path, body: bytes) -> None:
    """Readable by its owner only, whatever the umask: it holds everything on one person (as a
    backup's files are 0600). An existing file is emptied and made so too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(body)


@privacy_app.command("register")
def register_command(
    output: Annotated[RegisterFormat, typer.Option("--format")] = RegisterFormat.MD,
    lang: Annotated[Language, typer.Option("--lang")] = Language.NL,
    database_url: DatabaseUrl = None,
) -> None:
    """Generated from this installation's configuration: purposes, categories of data subjects
    and of personal data, recipients (roles, partners, webhooks), retention, security."""
    from terugkeer.services.processing_register import processing_register
    from terugkeer.services.register_markdown import register_json, register_markdown

    found = processing_register(system(database_url, migrate=False))
    if output is RegisterFormat.JSON:
        typer.echo(json.dumps(register_json(found), ensure_ascii=False, indent=2))
    else:
        typer.echo(register_markdown(found, lang.value), nl=False)
