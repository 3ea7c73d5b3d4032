"""`terugkeer partners`: the chain partners' API credentials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

partners_app = typer.Typer(
    help="API credentials of chain partners: add, list, rotate, revoke.", no_args_is_help=True
)


def _types(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _or_exit(action: Callable[[], str | None]) -> str | None:
    from terugkeer.services.partners import PartnerError

    try:
        return action()
    except PartnerError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None


@partners_app.command("add")
def add(
    name: str,
    source: Annotated[str, typer.Option("--source", help="the v1 source of its events, e.g. KMAR")],
    types: Annotated[str, typer.Option("--types", help="event types it may send: a,b,...")],
    reads: Annotated[
        str, typer.Option("--reads", help="event types it may read back, for its own persons")
    ] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Register a partner; prints its API token once, alone on the last line."""
    from terugkeer.services.partners import add_partner

    app = system(database_url)
    token = _or_exit(lambda: add_partner(app, name, source, _types(types), _types(reads)))
    typer.echo(f"added partner {name} (source {source}); its token, shown only now:")
    typer.echo(token)


@partners_app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """Every partner with its source, the event types it may send, and whether it is revoked."""
    from terugkeer.services.partners import list_partners

    for partner in list_partners(system(database_url)):
        state = "revoked" if partner.revoked else "active"
        typer.echo(f"{partner.name}\t{partner.source}\t{','.join(sorted(partner.types))}\t{state}")


@partners_app.command("rotate")
def rotate(name: str, database_url: DatabaseUrl = None) -> None:
    """A new token (printed alone on the last line); the old one works for the overlap
    (TERUGKEER_TOKEN_OVERLAP_HOURS, default 24)."""
    from terugkeer.services.partners import rotate_token

    app = system(database_url)
    token = _or_exit(lambda: rotate_token(app, name))
    hours = app.settings.token_overlap_hours
    typer.echo(f"new token for {name}; the previous one stays valid for {hours} hours:")
    typer.echo(token)


@partners_app.command("revoke")
def revoke(name: str, database_url: DatabaseUrl = None) -> None:
    """No more calls with any of the partner's tokens, at once."""
    from terugkeer.services.partners import revoke_partner

    app = system(database_url)
    _or_exit(lambda: revoke_partner(app, name))
    typer.echo(f"revoked {name}")
