"""What the store holds about one person beyond their events, for a data subject's request
(AVG art. 15): the access log's rows about them and the webhook deliveries of their events."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, func, select

from terugkeer.store.tables import access_log, events, subscriptions, webhook_outbox


class LoggedAccess(NamedTuple):
    seq: int | None  # its place in the access log's chain
    at: str  # UTC, the log's own form
    actor: str
    channel: str
    action: str
    origin: str
    detail: str | None


class DeliveredEvent(NamedTuple):
    partner: str
    subscription: int
    event_seq: int
    event_id: str
    event_type: str
    state: str  # pending, delivered, failed
    attempts: int
    delivered_at: str | None  # UTC


def accesses_of(connection: Connection, v_number: str) -> list[LoggedAccess]:
    """Every access-log row naming the person, oldest first."""
    query = (
        select(access_log.c.seq, access_log.c.at, access_log.c.actor, access_log.c.channel,
               access_log.c.action, access_log.c.origin, access_log.c.detail)
        .where(access_log.c.v_number == v_number)
        .order_by(access_log.c.id)
    )  # fmt: skip
    return [LoggedAccess(*row) for row in connection.execute(query)]


def deliveries_of(connection: Connection, v_number: str) -> list[DeliveredEvent]:
    """Every webhook delivery queued for an event of the person, oldest first."""
    query = (
        select(subscriptions.c.partner, subscriptions.c.id, webhook_outbox.c.event_seq,
               webhook_outbox.c.event_id, webhook_outbox.c.event_type, webhook_outbox.c.state,
               webhook_outbox.c.attempts, webhook_outbox.c.delivered_at)
        .select_from(
            webhook_outbox.join(events, events.c.seq == webhook_outbox.c.event_seq).join(
                subscriptions, subscriptions.c.id == webhook_outbox.c.subscription_id
            )
        )
        .where(events.c.v_number == v_number)
        .order_by(webhook_outbox.c.id)
    )  # fmt: skip
    return [DeliveredEvent(*row) for row in connection.execute(query)]


def events_under(connection: Connection, subject: str) -> int:
    """How many events are stored under `subject`: a person retention pseudonymised."""
    query = select(func.count()).select_from(events).where(events.c.v_number == subject)
    return int(connection.execute(query).scalar_one())
