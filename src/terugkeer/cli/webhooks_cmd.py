"""`terugkeer webhooks`: partners' subscriptions, the delivery log, and a deliverer of its own."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer

from terugkeer.cli.context import DatabaseUrl, system

webhooks_app = typer.Typer(
    help="Signed webhooks to chain partners: add, list, remove, log, deliver.",
    no_args_is_help=True,
)


@webhooks_app.command("add")
def add(
    partner: str,
    url: Annotated[str, typer.Option("--url", help="where the partner receives them")],
    types: Annotated[str, typer.Option("--types", help="event types, from its reads: a,b,...")],
    database_url: DatabaseUrl = None,
) -> None:
    """Subscribe a partner; prints the signing secret once, alone on the last line."""
    from terugkeer.services.webhooks import SubscriptionError, subscribe

    wanted = [t.strip() for t in types.split(",") if t.strip()]
    try:
        key, secret = subscribe(system(database_url), partner, url, wanted)
    except SubscriptionError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"subscription {key} for {partner}; its signing secret, shown only now:")
    typer.echo(secret)


@webhooks_app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """Every subscription: id, partner, URL, event types, state."""
    from terugkeer.services.webhooks import subscriptions

    for s in subscriptions(system(database_url)):
        state = "removed" if s.removed else "active"
        typer.echo("\t".join((str(s.id), s.partner, s.url, ",".join(sorted(s.types)), state)))


@webhooks_app.command("remove")
def remove(subscription_id: int, database_url: DatabaseUrl = None) -> None:
    """Queue nothing more for it, and give up what is still due."""
    from terugkeer.services.webhooks import SubscriptionError, unsubscribe

    try:
        given_up = unsubscribe(system(database_url), subscription_id)
    except SubscriptionError as error:
        typer.echo(f"terugkeer: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"removed subscription {subscription_id}; deliveries given up: {given_up}")


@webhooks_app.command("log")
def log(
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    state: Annotated[str | None, typer.Option(help="pending, delivered or failed")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The newest deliveries: partner, event id and type, state, attempts, last result, next
    attempt (UTC)."""
    from terugkeer.services.webhooks import delivery_log

    for d in delivery_log(system(database_url), limit, state):
        following = datetime.fromtimestamp(d.next_attempt_us / 1e6, UTC).isoformat(
            timespec="seconds"
        )
        shown = following if d.state == "pending" else (d.delivered_at or "-")
        fields = (str(d.outbox_id), d.partner, d.event_id, d.event_type, d.state,
                  str(d.attempts), d.last_result or "-", shown)  # fmt: skip
        typer.echo("\t".join(fields))


@webhooks_app.command("deliver")
def deliver(
    once: Annotated[bool, typer.Option("--once", help="one pass, then stop")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Deliver due webhooks until stopped (Ctrl-C); for a deployment that runs the deliverer
    apart from the web server (TERUGKEER_WEBHOOKS_IN_SERVER=false there)."""
    import httpx

    from terugkeer.monitoring.metrics import multiprocess_problem
    from terugkeer.services.webhooks import Deliverer, deliver_due

    if (problem := multiprocess_problem()) is not None:  # it counts its failed attempts
        typer.echo(f"terugkeer: {problem}", err=True)
        raise typer.Exit(2)
    app = system(database_url)
    if once:
        with httpx.Client(timeout=app.settings.webhook_timeout_seconds) as client:
            done = deliver_due(app, client)
        typer.echo(f"delivered {done.delivered}, to retry {done.retried}, given up {done.failed}")
        return
    from terugkeer.monitoring.logs import configure

    configure(app.settings.log_format, app.settings.log_level)  # the log of `serve`'s form
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    deliverer = Deliverer(app)
    deliverer.start()
    typer.echo("delivering webhooks; Ctrl-C stops")
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        deliverer.stop()
