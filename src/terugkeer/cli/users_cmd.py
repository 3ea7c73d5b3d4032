"""`terugkeer users`: the accounts of the pages (password read from standard input)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

users_app = typer.Typer(help="Accounts of the web pages: add, list, disable.", no_args_is_help=True)

ROLES = "case_director, team_lead, analyst, auditor, admin"


@users_app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option("--role", help=ROLES)],
    team: Annotated[str | None, typer.Option("--team")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add an account; its password, the first line of standard input, is a one-time password:
    the user chooses their own at the first sign-in."""
    from terugkeer.domain.permissions import Role
    from terugkeer.services.users import UserError, add_user

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(f"one of {ROLES}", param_hint="--role") from None
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = add_user(system(database_url), name, chosen, team, password, must_change=True)
    except UserError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"added {user.name} ({user.role.value}{', team ' + team if team else ''})")


@users_app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """Every account with its role, team and whether it can sign in."""
    from terugkeer.services.users import list_users

    for user in list_users(system(database_url)):
        state = "active" if user.active else "disabled"
        typer.echo(f"{user.name}\t{user.role.value}\t{user.team or '-'}\t{state}")


@users_app.command("disable")
def disable(name: str, database_url: DatabaseUrl = None) -> None:
    """No more sign-in for the account; its open sessions end at once."""
    from terugkeer.services.users import UserError, disable_user

    try:
        disable_user(system(database_url), name)
    except UserError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"disabled {name}")
