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
    source: Annotated[
        str | None, typer.Option("--source", help="the v1 source of its events, e.g. KMAR")
    ] = None,
    types: Annotated[str, typer.Option("--types", help="event types it may send: a,b,...")] = "",
    reads: Annotated[
        str,
        typer.Option(
            "--reads",
            help="what it may read back of the persons in its reach (shares, reach rules): "
            "event types, and `case` (cases, state, removal readiness); its own events it "
            "always reads back",
        ),
    ] = "",
    analyst: Annotated[
        bool, typer.Option("--analyst", help="a token that reads aggregates only (key figures)")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Register a partner; prints its API token once, alone on the last line."""
    from terugkeer.services.partners import add_analyst, add_partner

    if analyst == (source is not None):
        typer.echo("terugkeer: give --source SOURCE --types ... for a chain partner, or "
                   "--analyst for an analyst token", err=True)  # fmt: skip
        raise typer.Exit(2)
    app = system(database_url)
    if source is None:
        token = _or_exit(lambda: add_analyst(app, name))
        typer.echo(f"added analyst token {name} (aggregates only); shown only now:")
    else:
        token = _or_exit(lambda: add_partner(app, name, source, _types(types), _types(reads)))
        typer.echo(f"added partner {name} (source {source}); its token, shown only now:")
    typer.echo(token)


@partners_app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """Every partner: name, kind, source, what it may send, what it may read, state."""
    from terugkeer.services.partners import list_partners

    for p in list_partners(system(database_url)):
        state = "revoked" if p.revoked else "active"
        fields = (p.name, p.kind, p.source or "-", ",".join(sorted(p.types)) or "-",
                  ",".join(sorted(p.reads)) or "-", state)  # fmt: skip
        typer.echo("\t".join(fields))


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


rules_app = typer.Typer(
    help="A partner's reach rules: which agency-established facts let it read a person.",
    no_args_is_help=True,
)
partners_app.add_typer(rules_app, name="rules")


@rules_app.command("add")
def rule_add(
    name: str,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="custody (detention as the latest place, or a detention not ended) or "
            "escorted_flight (a KMar-escorted flight due within --days)",
        ),
    ],
    days: Annotated[int, typer.Option("--days", help="escorted_flight: days ahead")] = 0,
    trust: Annotated[
        str, typer.Option("--trust", help="sources whose facts count: a,b (never its own)")
    ] = "DTENV",
    database_url: DatabaseUrl = None,
) -> None:
    """A reach rule for partner NAME, matched by facts of the trusted sources."""
    import getpass
    import socket

    from terugkeer.services.reach import add_rule

    app = system(database_url)
    actor, origin = getpass.getuser(), socket.gethostname()
    key = _or_exit_rule(lambda: add_rule(app, name, kind, days=days, trusted=_types(trust),
                                         actor=actor, origin=origin))  # fmt: skip
    typer.echo(f"reach rule {key} for {name}: {kind}")


@rules_app.command("remove")
def rule_remove(rule_id: int, database_url: DatabaseUrl = None) -> None:
    """The rule no longer lets its partner read anyone (kept on record, stamped removed)."""
    import getpass
    import socket

    from terugkeer.services.reach import remove_rule

    app = system(database_url)
    _or_exit_rule(lambda: remove_rule(app, rule_id, actor=getpass.getuser(),
                                      origin=socket.gethostname()))  # fmt: skip
    typer.echo(f"reach rule {rule_id} removed")


@rules_app.command("list")
def rule_list(database_url: DatabaseUrl = None) -> None:
    """Rules in force: id, partner, kind, days, trusted sources."""
    from terugkeer.services.reach import list_rules

    for r in list_rules(system(database_url)):
        fields = (str(r.id), r.partner, r.kind, str(r.days), ",".join(sorted(r.trusted)))
        typer.echo("\t".join(fields))


def _or_exit_rule(action: Callable[[], object]) -> object:
    from terugkeer.services.reach import ReachError

    try:
        return action()
    except ReachError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
