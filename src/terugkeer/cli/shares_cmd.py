"""`terugkeer shares`: a case director shares a person with a chain partner until a day."""

from __future__ import annotations

import socket
from datetime import date
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

shares_app = typer.Typer(
    help="Shares of a person with a chain partner (its reach): add, end, list.",
    no_args_is_help=True,
)

By = Annotated[
    str,
    typer.Option("--by", help="the case director (or team lead) who shares: a user name"),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"terugkeer: {message}", err=True)
    return typer.Exit(1)


@shares_app.command("add")
def add(
    v_number: str,
    partner: Annotated[str, typer.Option("--partner", help="the chain partner's name")],
    until: Annotated[str, typer.Option("--until", help="the last day it holds, YYYY-MM-DD")],
    by: By,
    database_url: DatabaseUrl = None,
) -> None:
    """The partner reads the person's case file and the other senders' events its agreement
    lists, until UNTIL (inclusive). Recorded with who shared and when, in the access log too."""
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.reach import share_person
    from terugkeer.services.users import find_user

    app = system(database_url)
    try:
        day = date.fromisoformat(until)
    except ValueError:
        raise _fail(f"--until is not a date YYYY-MM-DD: {until}") from None
    user = find_user(app, by)
    if user is None or not user.active:
        raise _fail(f"no active user named {by}")
    try:
        key = share_person(app, user, v_number, partner, day, channel="cli",
                           origin=socket.gethostname())  # fmt: skip
    except ServiceError as error:
        raise _fail(error.message) from None
    typer.echo(f"share {key}: {partner} reads this person until {day}")


@shares_app.command("end")
def end(share_id: int, by: By, database_url: DatabaseUrl = None) -> None:
    """End a share before its day (its start stays on record beside the end)."""
    from terugkeer.services.errors import ServiceError
    from terugkeer.services.reach import end_share
    from terugkeer.services.users import find_user

    app = system(database_url)
    user = find_user(app, by)
    if user is None or not user.active:
        raise _fail(f"no active user named {by}")
    try:
        end_share(app, user, share_id, channel="cli", origin=socket.gethostname())
    except ServiceError as error:
        raise _fail(error.message) from None
    typer.echo(f"share {share_id} ended")


@shares_app.command("list")
def list_(
    v_number: Annotated[str | None, typer.Option("--v-number")] = None,
    partner: Annotated[str | None, typer.Option("--partner")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Shares, newest first: id, partner, V-number, until, by, at, and who ended it."""
    from terugkeer.services.reach import list_shares

    for s in list_shares(system(database_url), v_number=v_number, partner=partner):
        ended = f"ended by {s.ended_by} at {s.ended_at}" if s.ended_by else "-"
        fields = (str(s.id), s.partner, s.v_number, str(s.until), s.actor, s.at, ended)
        typer.echo("\t".join(fields))
