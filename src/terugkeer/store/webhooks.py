"""Webhook subscriptions, the outbox and the delivery log, as rows (the rules and the sending
are in services/webhooks.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, text, update

from terugkeer.domain.calendar import from_micros, local_date
from terugkeer.store.reach import ground_of, live_rules
from terugkeer.store.tables import events, partners, subscriptions, webhook_attempts, webhook_outbox

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    id: int
    partner: str
    url: str
    types: str
    secret: str
    created_at: str
    removed_at: str | None


class Accepted(NamedTuple):  # built per event: a tuple is made in half the time
    """An event just appended, as the outbox needs it (no contents)."""

    seq: int
    event_id: str
    type: str
    v_number: str
    source: str  # its sender: a partner's own events reach it whoever the person is
    #: A retraction: the seq of the event it withdrew (delivered where that event was).
    withdrawn_seq: int | None = None


@dataclass(frozen=True, slots=True)
class Due:
    """A delivery a deliverer has claimed: where to, with what, which attempt."""

    outbox_id: int
    attempt: int
    #: The delivery's `webhook-id`: the event's sender and id ("KMAR:kmar-2023-1"), unique
    #: per subscription since two senders may use the same id (EVENTS.md v1.1).
    event_id: str
    url: str
    secret: str
    body: str
    #: The lease this claim holds (its end): an attempt is recorded only while the row still
    #: carries it, so the result of a send that outlived its lease cannot overwrite a newer one.
    lease: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A row of the admin's delivery log."""

    outbox_id: int
    partner: str
    url: str
    event_id: str
    event_type: str
    state: str
    attempts: int
    last_result: str | None
    next_attempt_us: int
    delivered_at: str | None


def add_subscription(connection: Connection, partner: str, url: str, types: str, secret: str,
                     at: str) -> int:  # fmt: skip
    found = connection.execute(insert(subscriptions).values(
        partner=partner, url=url, types=types, secret=secret, created_at=at))  # fmt: skip
    key = found.inserted_primary_key
    assert key is not None
    return int(key[0])


def all_subscriptions(connection: Connection) -> list[SubscriptionRow]:
    query = select(subscriptions).order_by(subscriptions.c.id)
    return [SubscriptionRow(*row) for row in connection.execute(query)]


def remove_subscription(connection: Connection, subscription_id: int, at: str) -> bool:
    done = connection.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.removed_at.is_(None))
        .values(removed_at=at)
    )
    return done.rowcount == 1


def enqueue(connection: Connection, accepted: Sequence[Accepted], now_us: int) -> int:
    """Queue a delivery per live subscription for each accepted event of its types that its
    partner may read: one it sent itself, or one about a person in its reach today (a share or
    a reach rule, store/reach.py: the same decision as the API's reads); in the caller's
    transaction, which has already written the batch's events and projections. How many were
    queued."""
    live = connection.execute(
        select(subscriptions.c.id, subscriptions.c.types, partners.c.name, partners.c.source)
        .join(partners, partners.c.name == subscriptions.c.partner)
        .where(subscriptions.c.removed_at.is_(None), partners.c.revoked_at.is_(None))
    ).all()
    if not live:
        return 0
    wanted = [(key, frozenset(types.split(",")), name, source)
              for key, types, name, source in live if source is not None]  # fmt: skip
    today = local_date(from_micros(now_us))
    rules = {name: live_rules(connection, name) for _, _, name, _ in wanted}
    reach: dict[tuple[str, str], bool] = {}
    rows: list[dict[str, object]] = []
    for event in accepted:
        for key, types, name, source in wanted:
            if event.type not in types:
                continue
            if event.source != source and (name, event.v_number) not in reach:
                found = ground_of(connection, name, source, event.v_number, today, rules[name])
                reach[name, event.v_number] = found is not None
            if event.source == source or reach[name, event.v_number]:
                rows.append(
                    {
                        "subscription_id": key,
                        "event_seq": event.seq,
                        "event_id": event.event_id,
                        "event_type": event.type,
                        "state": PENDING,
                        "attempts": 0,
                        "next_attempt_us": now_us,
                    }
                )
    rows += _retractions(connection, accepted, {row[0] for row in live}, rows, now_us)
    if rows:
        connection.execute(insert(webhook_outbox), rows)
    return len(rows)


def _retractions(
    connection: Connection,
    accepted: Sequence[Accepted],
    live: set[int],
    queued: list[dict[str, object]],
    now_us: int,
) -> list[dict[str, object]]:
    """A retraction goes to every live subscription the event it withdrew was queued for
    (EVENTS.md, "Delivery"), whatever its types: a subscriber must learn that a fact it holds
    was withdrawn."""
    withdrawing = {e.withdrawn_seq: e for e in accepted if e.withdrawn_seq is not None}
    if not withdrawing:
        return []
    stored = connection.execute(
        select(webhook_outbox.c.subscription_id, webhook_outbox.c.event_seq)
        .where(webhook_outbox.c.event_seq.in_(list(withdrawing)))
        .distinct()
    ).all()
    already = {(row["subscription_id"], row["event_seq"]) for row in queued}
    # The withdrawn event may be queued in this very transaction (one request, or batches
    # group-committed together): its rows are not in the table yet.
    received = {*stored, *((s, e) for s, e in already if e in withdrawing)}
    rows: list[dict[str, object]] = []
    for subscription, withdrawn in sorted(received):
        retraction = withdrawing[withdrawn]
        if subscription not in live or (subscription, retraction.seq) in already:
            continue
        rows.append(
            {
                "subscription_id": subscription,
                "event_seq": retraction.seq,
                "event_id": retraction.event_id,
                "event_type": retraction.type,
                "state": PENDING,
                "attempts": 0,
                "next_attempt_us": now_us,
            }
        )
    return rows


def _due(now_us: int) -> ColumnElement[bool]:
    free = or_(webhook_outbox.c.lease_until_us.is_(None), webhook_outbox.c.lease_until_us < now_us)
    return and_(webhook_outbox.c.state == PENDING, webhook_outbox.c.next_attempt_us <= now_us, free)


def any_due(connection: Connection, now_us: int) -> bool:
    """Whether a delivery is due (a read: an idle deliverer takes no write lock)."""
    query = select(webhook_outbox.c.id).where(_due(now_us)).limit(1)
    return connection.execute(query).first() is not None


def count_due(connection: Connection, now_us: int, limit: int) -> int:
    """How many deliveries are due, up to `limit` (a read)."""
    query = select(webhook_outbox.c.id).where(_due(now_us)).limit(limit)
    return len(connection.execute(query).all())


def claim_due(connection: Connection, now_us: int, lease_us: int, limit: int,
              *, lock: bool = False) -> list[Due]:  # fmt: skip
    """Take up to `limit` due deliveries for `lease_us`: a row is claimed by exactly one
    deliverer (the conditional update), across threads and processes, on both backends. Only
    for live subscriptions of partners not revoked (their queued rows are given up when they
    end, see `give_up`; this guards the moment between). `lock` (PostgreSQL): the rows are
    also locked, skipping those another transaction holds, until the caller's transaction
    ends — a deliverer that sends and records within it owns them without a committed lease."""
    due = _due(now_us)
    query = (
        select(
            webhook_outbox.c.id,
            webhook_outbox.c.attempts,
            webhook_outbox.c.event_id,
            events.c.source,
            subscriptions.c.url,
            subscriptions.c.secret,
            events.c.body,
        )
        .join(subscriptions, subscriptions.c.id == webhook_outbox.c.subscription_id)
        .join(partners, partners.c.name == subscriptions.c.partner)
        .join(events, events.c.seq == webhook_outbox.c.event_seq)
        .where(due, subscriptions.c.removed_at.is_(None), partners.c.revoked_at.is_(None))
        .order_by(webhook_outbox.c.next_attempt_us, webhook_outbox.c.id)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True, of=webhook_outbox)
    claimed: list[Due] = []
    lease = now_us + lease_us
    for key, attempts, event_id, source, url, secret, body in connection.execute(query).all():
        taken = connection.execute(
            update(webhook_outbox)
            .where(webhook_outbox.c.id == key, due)
            .values(lease_until_us=lease)
        )
        if taken.rowcount == 1:
            delivery_id = f"{source}:{event_id}"
            claimed.append(Due(key, attempts + 1, delivery_id, url, secret, body, lease))
    return claimed


def wait_idle_at_most(connection: Connection, seconds: float) -> None:
    """PostgreSQL ends this transaction (and its connection) when its client leaves it idle
    longer than `seconds`: its row locks are freed even if the client's host vanished."""
    connection.execute(
        text("SELECT set_config('idle_in_transaction_session_timeout', :ms, true)"),
        {"ms": str(int(seconds * 1000))},
    )


def record_attempt(connection: Connection, due: Due, *, at: str, status: int | None,
                   result: str, ms: int, state: str, next_attempt_us: int) -> bool:  # fmt: skip
    """The attempt in the log and the outbox row's new state, its lease ended — if the row is
    still pending under this claim's lease; else nothing (False): the lease ran out and the
    row was claimed again, or given up meanwhile."""
    done = connection.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.id == due.outbox_id, webhook_outbox.c.state == PENDING,
               webhook_outbox.c.lease_until_us == due.lease)
        .values(state=state, attempts=due.attempt, last_result=result, lease_until_us=None,
                next_attempt_us=next_attempt_us,
                delivered_at=at if state == DELIVERED else None)
    )  # fmt: skip
    if done.rowcount != 1:
        return False
    connection.execute(insert(webhook_attempts).values(
        outbox_id=due.outbox_id, attempt=due.attempt, at=at, status=status, result=result,
        ms=ms))  # fmt: skip
    return True


def give_up(connection: Connection, result: str, *, subscription_id: int | None = None,
            partner: str | None = None) -> int:  # fmt: skip
    """Give up the pending deliveries of a subscription, or of all of a partner's (removed,
    revoked): nothing more is sent there. How many."""
    ids = select(subscriptions.c.id)
    if subscription_id is not None:
        ids = ids.where(subscriptions.c.id == subscription_id)
    if partner is not None:
        ids = ids.where(subscriptions.c.partner == partner)
    done = connection.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.state == PENDING, webhook_outbox.c.subscription_id.in_(ids))
        .values(state=FAILED, last_result=result, lease_until_us=None)
    )
    return done.rowcount


def deliveries(connection: Connection, limit: int, state: str | None = None) -> list[Delivery]:
    """The newest deliveries first (by when they were queued)."""
    query = (
        select(
            webhook_outbox.c.id.label("outbox_id"),
            subscriptions.c.partner,
            subscriptions.c.url,
            webhook_outbox.c.event_id,
            webhook_outbox.c.event_type,
            webhook_outbox.c.state,
            webhook_outbox.c.attempts,
            webhook_outbox.c.last_result,
            webhook_outbox.c.next_attempt_us,
            webhook_outbox.c.delivered_at,
        )
        .join(subscriptions, subscriptions.c.id == webhook_outbox.c.subscription_id)
        .order_by(webhook_outbox.c.id.desc())
        .limit(limit)
    )
    if state is not None:
        query = query.where(webhook_outbox.c.state == state)
    return [Delivery(**row._asdict()) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    #: When the oldest pending delivery's event was stored (its outbox row was written in the
    #: same transaction), UTC text; None when nothing waits.
    oldest_pending_at: str | None
    given_up: int


def backlog(connection: Connection) -> Backlog:
    """The outbox's waiting and given-up deliveries, read through `ix_webhook_outbox_pending`
    (state, event_seq): ranges of the index, never the delivered rows."""
    counts: dict[str, int] = dict(
        connection.execute(
            select(webhook_outbox.c.state, func.count())
            .where(webhook_outbox.c.state.in_((PENDING, FAILED)))
            .group_by(webhook_outbox.c.state)
        ).all()
    )
    oldest = (
        select(func.min(webhook_outbox.c.event_seq))
        .where(webhook_outbox.c.state == PENDING)
        .scalar_subquery()
    )
    at = connection.execute(select(events.c.recorded_at).where(events.c.seq == oldest)).scalar()
    return Backlog(int(counts.get(PENDING, 0)), at, int(counts.get(FAILED, 0)))
