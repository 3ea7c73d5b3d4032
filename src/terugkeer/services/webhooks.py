"""Signed webhooks (issue 10): a partner's subscription to event types, and their delivery.

The event store queues a delivery in the transaction that appends an event (store/webhooks.py,
the outbox); a deliverer — a thread of the web server, or `terugkeer webhooks deliver` —
claims due deliveries and POSTs them. A subscription reaches what the partner could read back:
event types in its agreement's reads, of its own events and of other senders' about persons
in its reach (services/reach.py) when the event is recorded.

Each delivery follows the Standard Webhooks signature scheme (standardwebhooks.com), so a
partner can verify it with that project's libraries or ten lines of its own:
`webhook-id` (the event id, the same on every retry: deduplicate by it), `webhook-timestamp`
(Unix seconds of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256>` over
`{id}.{timestamp}.{body}` with the subscription's secret (`whsec_<base64 key>`). The body is
the v1 event as stored. At least once: any answer but 2xx, or none within the timeout, is
retried after an exponentially growing wait with jitter, until the attempts run out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import random
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Connection

from terugkeer.bootstrap import System
from terugkeer.domain.calendar import to_micros
from terugkeer.monitoring.metrics import count_webhook_failure
from terugkeer.services.errors import ServiceError
from terugkeer.services.partners import CASE, PARTNER, list_partners
from terugkeer.store import webhooks as rows
from terugkeer.store.engine import writing
from terugkeer.store.users import utc_text

log = logging.getLogger(__name__)

#: A delivery's states: still to be sent (or retried), delivered, given up.
STATES = (rows.PENDING, rows.DELIVERED, rows.FAILED)


class SubscriptionError(ServiceError):
    """A subscription that cannot be made or removed as asked (the message says why)."""


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    partner: str
    url: str
    types: frozenset[str]
    removed: bool


def subscribe(system: System, partner: str, url: str, types: Sequence[str]) -> tuple[int, str]:
    """A new subscription of `partner` to `types` at `url`; its id and signing secret (shown
    once). The types must be ones the partner's agreement lets it read back."""
    found = {p.name: p for p in list_partners(system)}.get(partner)
    if found is None or found.kind != PARTNER:
        raise SubscriptionError(f"no chain partner named {partner}")
    if found.revoked:
        raise SubscriptionError(f"partner {partner} is revoked")
    if not types:
        raise SubscriptionError("give at least one event type")
    readable = found.reads - {CASE}  # the case file is read, never pushed
    outside = sorted(set(types) - readable)
    if outside:
        raise SubscriptionError(
            f"{outside[0]} is not in the partner's agreement (event types it reads back: "
            f"{', '.join(sorted(readable)) or 'none'}); "
            "the agreement is set by `partners add --reads`"
        )
    _check_url(url)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    with writing(system.engine) as connection:
        key = rows.add_subscription(connection, partner, url, ",".join(sorted(set(types))),
                                    secret, utc_text(system.clock()))  # fmt: skip
    return key, secret


#: Hosts a plain-http URL may name: the machine itself (a partner's relay on it, the tests).
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _check_url(url: str) -> None:
    """Event contents are personal data: HTTPS only (plain HTTP to the machine itself), no
    credentials in the URL (they would show in the delivery log), and a URL httpx can send."""
    try:
        parsed = httpx.URL(url)
        httpx.Request("POST", parsed)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise SubscriptionError("the URL is not one a request can be sent to") from None
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if not parts.hostname or "@" in parts.netloc:
        raise SubscriptionError("the URL must be https://host/path, without a user name")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise SubscriptionError("the URL must be https:// (plain http only to this machine)")


def subscriptions(system: System) -> list[Subscription]:
    with system.engine.connect() as connection:
        found = rows.all_subscriptions(connection)
    return [Subscription(r.id, r.partner, r.url, frozenset(r.types.split(",")),
                         r.removed_at is not None) for r in found]  # fmt: skip


def unsubscribe(system: System, subscription_id: int) -> int:
    """Nothing more is queued for it, and its deliveries still due are given up; how many."""
    with writing(system.engine) as connection:
        if not rows.remove_subscription(connection, subscription_id, utc_text(system.clock())):
            raise SubscriptionError(f"no current subscription {subscription_id}")
        return rows.give_up(connection, "subscription removed", subscription_id=subscription_id)


def delivery_log(system: System, limit: int = 200, state: str | None = None) -> list[rows.Delivery]:
    with system.engine.connect() as connection:
        return rows.deliveries(connection, limit, state)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value (Standard Webhooks, v1)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def retry_delay(base: float, cap: float, attempt: int, draw: float) -> float:
    """Seconds before the attempt after failed attempt `attempt` (1, 2, …): half the
    exponential step fixed, half drawn (`draw` in [0, 1)), so retries of many deliveries that
    failed together spread out and none comes sooner than half its step."""
    step = min(cap, base * 2.0 ** (attempt - 1))
    return step / 2 + draw * step / 2


@dataclass(frozen=True, slots=True)
class Round:
    """What one pass of the deliverer did."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0


def _send(client: httpx.Client, due: rows.Due, now: int) -> tuple[int | None, str]:
    body = due.body.encode("utf-8")
    headers = {
        "content-type": "application/json",
        "webhook-id": due.event_id,
        "webhook-timestamp": str(now),
        "webhook-signature": signature(due.secret, due.event_id, now, body),
    }
    try:
        # The status is the answer; the body is never read (a partner's reply is not ours).
        with client.stream("POST", due.url, content=body, headers=headers) as answer:
            return answer.status_code, f"HTTP {answer.status_code}"
    except httpx.TimeoutException:
        return None, "no answer within the timeout"
    except httpx.HTTPError as error:  # the kind only: an error's text may echo the URL
        return None, f"not reached ({type(error).__name__})"
    except Exception as error:  # e.g. a URL that cannot be sent to: counts as an attempt
        return None, f"not sent ({type(error).__name__})"


#: deliver()'s answer when the claim's lease had run out: the row was not touched.
SUPERSEDED = "superseded"


def deliver(system: System, client: httpx.Client, due: rows.Due) -> str:
    """Send one claimed delivery and record the attempt; the row's new state (or SUPERSEDED
    when the lease ran out meanwhile: another claim owns the row, this result is dropped)."""
    attempt = _attempt(system, client, due)
    with writing(system.engine) as connection:
        return _record(system, connection, due, attempt)


@dataclass(frozen=True, slots=True)
class _Attempt:
    status: int | None
    result: str
    ms: int


def _attempt(system: System, client: httpx.Client, due: rows.Due) -> _Attempt:
    started = time.monotonic()
    status, result = _send(client, due, int(system.clock().timestamp()))
    return _Attempt(status, result, int((time.monotonic() - started) * 1000))


def _record(system: System, connection: Connection, due: rows.Due, attempt: _Attempt) -> str:
    settings = system.settings
    now = system.clock()
    status, result = attempt.status, attempt.result
    if status is not None and 200 <= status < 300:
        state, result, later = rows.DELIVERED, "delivered", 0.0
    elif due.attempt >= settings.webhook_max_attempts:
        state, later = rows.FAILED, 0.0
    else:
        state = rows.PENDING
        later = retry_delay(
            settings.webhook_retry_base_seconds,
            settings.webhook_retry_cap_seconds,
            due.attempt,
            random.random(),
        )
    following = to_micros(now) + int(later * 1_000_000)
    kept = rows.record_attempt(connection, due, at=utc_text(now), status=status,
                               result=result, ms=attempt.ms, state=state,
                               next_attempt_us=following)  # fmt: skip
    if not kept:
        log.warning("webhook delivery %s attempt %s: lease ended, result dropped",
                    due.outbox_id, due.attempt)  # fmt: skip
        return SUPERSEDED
    if state != rows.DELIVERED:
        count_webhook_failure(status, result, given_up=state == rows.FAILED)
        log.info("webhook delivery %s attempt %s: %s", due.outbox_id, due.attempt, result)
    return state


def locks_rows(system: System) -> bool:
    """Whether deliverers own their rows by a lock held through the send (PostgreSQL) rather
    than by a committed lease (SQLite: its one write lock cannot be held that long)."""
    return system.engine.dialect.name == "postgresql"


def deliver_one(system: System, client: httpx.Client) -> str | None:
    """Claim the next due delivery and send it; its new state, None when none was due.

    On PostgreSQL the claim is a row lock (FOR UPDATE SKIP LOCKED) held by one transaction
    through the send and the record: no other process or host sends the row meanwhile, and
    when this process dies the database ends the transaction and the row is due again at
    once, with no attempt counted. The transaction may wait on the partner at most the lease
    (idle_in_transaction_session_timeout, for this transaction only), so a host that vanished
    without closing its connection frees its rows then. On SQLite the claim is the lease,
    committed before the send (`claim`); a killed process's rows are due after it."""
    if not locks_rows(system):
        claimed = claim(system, 1)
        return deliver(system, client, claimed[0]) if claimed else None
    lease = lease_seconds(system)
    with writing(system.engine) as connection:
        rows.wait_idle_at_most(connection, lease)
        now = to_micros(system.clock())
        claimed = rows.claim_due(connection, now, int(lease * 1_000_000), 1, lock=True)
        if not claimed:
            return None
        return _record(system, connection, claimed[0], _attempt(system, client, claimed[0]))


def lease_seconds(system: System) -> float:
    """How long a claim holds a row: well beyond one attempt (httpx's timeout is per phase)."""
    return system.settings.webhook_timeout_seconds * 6 + 60


def claim(system: System, limit: int) -> list[rows.Due]:
    """Due deliveries, leased to this deliverer."""
    lease = int(lease_seconds(system) * 1_000_000)
    now = to_micros(system.clock())
    with system.engine.connect() as connection:
        if not rows.any_due(connection, now):
            return []
    with writing(system.engine) as connection:
        return rows.claim_due(connection, now, lease, limit)


def due_count(system: System, limit: int) -> int:
    """How many deliveries are due now, up to `limit`."""
    with system.engine.connect() as connection:
        return rows.count_due(connection, to_micros(system.clock()), limit)


def deliver_due(system: System, client: httpx.Client, limit: int = 100) -> Round:
    """One pass, one delivery after the other, each claimed just before it is sent (no lease
    runs out while others are sent): for `webhooks deliver --once` and tests."""
    counts = {rows.DELIVERED: 0, rows.PENDING: 0, rows.FAILED: 0, SUPERSEDED: 0}
    for _ in range(limit):
        state = deliver_one(system, client)
        if state is None:
            break
        counts[state] += 1
    return Round(counts[rows.DELIVERED], counts[rows.PENDING], counts[rows.FAILED])


class Deliverer:
    """Delivers in the background: a loop that claims as many due deliveries as it has free
    senders and sends them from a small pool, so a slow partner holds one sender while the
    others go on. Intake never waits on it: the outbox is its only link to the event store."""

    def __init__(self, system: System, *, senders: int = 4,
                 client: Callable[[], httpx.Client] | None = None) -> None:  # fmt: skip
        self.system = system
        self._senders = senders
        timeout = system.settings.webhook_timeout_seconds
        # Made in the deliverer's own thread, not here: a client loads the CA bundle (a tenth
        # of a second), which held up the server's start (the deliverer starts in its lifespan).
        self._new_client = client or (lambda: httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False))  # fmt: skip
        self._client: httpx.Client | None = None
        self._pool = ThreadPoolExecutor(senders, thread_name_prefix="webhook")
        self._busy: set[Future[str | None]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deliverer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop claiming; wait a while for the sends under way (their rows stay leased and are
        sent again after the lease if they do not finish)."""
        self._stop.set()
        self._thread.join(timeout=self.system.settings.webhook_timeout_seconds + 5)
        self._pool.shutdown(wait=False, cancel_futures=True)
        wait(self._busy, timeout=self.system.settings.webhook_timeout_seconds + 5)
        if self._client is not None:
            self._client.close()

    def _run(self) -> None:
        self._client = self._new_client()
        away = False  # the outbox could not be read at the last poll
        while not self._stop.is_set():
            try:
                self._busy = {future for future in self._busy if not future.done()}
                room = self._senders - len(self._busy)
                if room > 0 and locks_rows(self.system):  # each sender claims its own row
                    for _ in range(due_count(self.system, room)):
                        self._busy.add(self._pool.submit(self._deliver_one))
                elif room > 0:
                    for due in claim(self.system, room):
                        if self._stop.is_set():
                            break  # claimed, not sent: its lease runs out, it is sent later
                        self._busy.add(self._pool.submit(self._deliver, due))
                if away:
                    log.warning("webhook deliverer: the outbox can be read again")
                away = False
            except Exception as error:  # a store briefly away: again at the next poll
                if not away:  # one line per outage, not one per poll
                    log.warning("webhook deliverer: the outbox could not be read (%s); "
                                "trying again every poll", type(error).__name__)  # fmt: skip
                away = True
            self._stop.wait(self.system.settings.webhook_poll_seconds)

    def _http(self) -> httpx.Client:
        assert self._client is not None  # made first thing in _run, before any send
        return self._client

    def _deliver_one(self) -> str | None:
        try:
            return deliver_one(self.system, self._http())
        except Exception as error:  # its transaction ended without a record: due again
            log.warning("webhook delivery: not recorded (%s)", type(error).__name__)
            return rows.PENDING

    def _deliver(self, due: rows.Due) -> str:
        try:
            return deliver(self.system, self._http(), due)
        except Exception as error:  # not recorded: the lease runs out, it is claimed again
            log.warning("webhook delivery %s: not recorded (%s)", due.outbox_id,
                        type(error).__name__)  # fmt: skip
            return rows.PENDING
