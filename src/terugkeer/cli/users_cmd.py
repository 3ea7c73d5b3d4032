"""`terugkeer users`: the accounts of the pages (password read from standard input)."""

from __future__ import annotations

import getpass
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from terugkeer.cli.context import DatabaseUrl, system

if TYPE_CHECKING:
    from terugkeer.services.users import User

T = TypeVar("T")

users_app = typer.Typer(
    help="Accounts of the web pages: add, list, disable, enable, unlock, reset-password, set-role.",
    no_args_is_help=True,
)

ROLES = "case_director, team_lead, analyst, auditor, admin, privacy_officer"


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
    """No more sign-in for the account; its open sessions end at once; logged."""
    from terugkeer.services.accounts import disable_account

    app = system(database_url)
    _or_exit(lambda: disable_account(app, _operator(), name, socket.gethostname(), channel="cli"))
    typer.echo(f"disabled {name}")


@users_app.command("enable")
def enable(name: str, database_url: DatabaseUrl = None) -> None:
    """Sign-in allowed again for a disabled account; logged."""
    from terugkeer.services.accounts import enable_account

    app = system(database_url)
    _or_exit(lambda: enable_account(app, _operator(), name, socket.gethostname(), channel="cli"))
    typer.echo(f"enabled {name}")


#: The CLI's words for the refusals the admin's page words (services/accounts.AccountRefused).
REFUSALS = {
    "unknown": "no user with this name",
    "team_needed": "a case director or team lead belongs to a team: give --team",
    "team_invalid": "a team name has at most 60 printable characters",
    "has_cases": "this case director still directs open cases: a team lead reassigns them first",
    "self": "an admin cannot do this to their own account",
    "external": "this account signs in through the identity provider, which sets its role, "
    "team and password",
}


def _operator() -> User:
    """The actor of an account command: the operating-system user, as every command logs it
    (whoever runs `terugkeer` on the server has the database in hand: an admin)."""
    from terugkeer.domain.permissions import Role
    from terugkeer.services.users import User

    return User(getpass.getuser(), Role.ADMIN, None)


def _or_exit(action: Callable[[], T]) -> T:
    from terugkeer.services.accounts import AccountRefused

    try:
        return action()
    except AccountRefused as refused:
        typer.echo(f"terugkeer: {REFUSALS.get(refused.reason, refused.reason)}", err=True)
        raise typer.Exit(1) from None


@users_app.command("unlock")
def unlock(name: str, database_url: DatabaseUrl = None) -> None:
    """Lift the lock after many failed sign-ins (and the waits after failed sign-ins from any
    place) so the user can sign in again; logged."""
    from terugkeer.services.accounts import unlock_account

    app = system(database_url)
    _or_exit(lambda: unlock_account(app, _operator(), name, socket.gethostname(), channel="cli"))
    typer.echo(f"unlocked {name}")


@users_app.command("reset-password")
def reset_password(name: str, database_url: DatabaseUrl = None) -> None:
    """A new one-time password, printed once: the user must choose their own at the next
    sign-in. Unlocks the account and ends its sessions; logged (never the password)."""
    from terugkeer.services.accounts import reset_password as reset

    app = system(database_url)
    password = _or_exit(lambda: reset(app, _operator(), name, socket.gethostname(),
                                      channel="cli"))  # fmt: skip
    typer.echo(f"one-time password for {name}: {password}")


@users_app.command("set-role")
def set_role(
    name: str,
    role: Annotated[str, typer.Argument(help=ROLES)],
    team: Annotated[str | None, typer.Option("--team")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Another role (and team) for an account, by the admin page's rules: a case director who
    still directs open cases keeps role and team until a team lead has reassigned them."""
    from terugkeer.domain.permissions import Role
    from terugkeer.services.accounts import change_role

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(f"one of {ROLES}", param_hint="ROLE") from None
    app = system(database_url)
    _or_exit(lambda: change_role(app, _operator(), name, chosen, team or "",
                                 socket.gethostname(), channel="cli"))  # fmt: skip
    typer.echo(f"{name} is now {chosen.value}{', team ' + team if team and team.strip() else ''}")
