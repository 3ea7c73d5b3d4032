"""The webhook rules apart from HTTP timing: who may subscribe to what, what is queued (in the
appending transaction, only within the agreement), the signature a partner's library accepts,
the retry schedule, and giving up after the last attempt."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from terugkeer.bootstrap import System, bootstrap
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_analyst, add_partner, revoke_partner
from terugkeer.services.retention import run_retention
from terugkeer.services.webhooks import (
    SUPERSEDED,
    SubscriptionError,
    claim,
    deliver,
    deliver_due,
    delivery_log,
    lease_seconds,
    retry_delay,
    signature,
    subscribe,
    unsubscribe,
)
from terugkeer.settings import Settings
from terugkeer.store.tables import webhook_attempts, webhook_outbox
from tests.integration.lines import intake, line

NOW = datetime(2024, 1, 1, 12, tzinfo=UTC)


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    built = bootstrap(Settings(database_url=database_url, webhook_retry_base_seconds=0.001,
                               webhook_max_attempts=2, webhook_timeout_seconds=2,
                               pseudonym_key=SecretStr("webhook tests' own key")))  # fmt: skip
    built.clock = lambda: NOW
    add_partner(built, "coa", "COA", ["intake", "absconded"], reads=["absconded", "case"])
    yield built
    built.close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/hook"  # nothing listens there


def _queued(system: System) -> list[str]:
    with system.engine.connect() as connection:
        return list(connection.execute(select(webhook_outbox.c.event_id)).scalars())


def test_only_types_of_the_agreement_and_sensible_urls(system: System) -> None:
    add_analyst(system, "wodc")
    add_partner(system, "ind", "IND", ["intake"])
    revoke_partner(system, "ind")
    refused = {
        ("nobody", "https://x.example/h", ("absconded",)): "no chain partner named nobody",
        ("wodc", "https://x.example/h", ("absconded",)): "no chain partner named wodc",
        ("ind", "https://x.example/h", ("intake",)): "partner ind is revoked",
        ("coa", "https://x.example/h", ("intake",)): "intake is not in the partner's agreement",
        ("coa", "https://x.example/h", ("case",)): "case is not in the partner's agreement",
        ("coa", "ftp://x.example/h", ("absconded",)): "the URL must be https://",
        ("coa", "http://x.example/h", ("absconded",)): "plain http only to this machine",
        ("coa", "https://u:p@x.example/h", ("absconded",)): "without a user name",
        ("coa", "https://:p@x.example/h", ("absconded",)): "without a user name",
        ("coa", "https://x.example/\x00", ("absconded",)): "not one a request can be sent to",
        ("coa", "https://xn--/h", ("absconded",)): "not one a request can be sent to",
        ("coa", "https://x.example/h", ()): "give at least one event type",
    }
    for (partner, url, types), said in refused.items():
        with pytest.raises(SubscriptionError, match=re.escape(said)):
            subscribe(system, partner, url, list(types))
    assert subscribe(system, "coa", "http://127.0.0.1:9/h", ["absconded"])[1].startswith("whsec_")


def test_queued_with_the_event_only_for_the_partners_own_persons_and_live_subscriptions(
    system: System,
) -> None:
    key, _ = subscribe(system, "coa", "https://coa.example/hooks", ["absconded"])
    ingest_lines(system, [
        line("c-1", "intake", "4000000001", "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        intake("d-1", "4000000002", "2023-01-02T10:00:00+01:00"),  # a DTENV intake
        line("c-2", "absconded", "4000000001", "2023-02-02T10:00:00+01:00", source="COA"),
        line("d-2", "absconded", "4000000002", "2023-02-02T10:00:00+01:00"),  # not COA's person
    ])  # fmt: skip
    assert _queued(system) == ["c-2"]
    # A rejected event (no open case any more) queues nothing.
    late = line("c-3", "absconded", "4000000001", "2023-03-02T10:00:00+01:00", source="COA")
    assert ingest_lines(system, [late]).rejected
    unsubscribe(system, key)
    with pytest.raises(SubscriptionError, match=f"no current subscription {key}"):
        unsubscribe(system, key)
    again = [
        line("c-4", "intake", "4000000003", "2023-04-01T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("c-5", "absconded", "4000000003", "2023-04-02T10:00:00+01:00", source="COA"),
    ]  # fmt: skip
    ingest_lines(system, again)
    assert _queued(system) == ["c-2"]  # nothing for a removed subscription


def test_a_retraction_in_the_same_batch_as_its_event_is_delivered_too(system: System) -> None:
    """EVENTS.md v1.1 allows a request to carry an event and its retraction: the subscriber
    that gets the event gets the retraction, though both are queued in one transaction."""
    subscribe(system, "coa", "https://coa.example/hooks", ["absconded"])
    assert not ingest_lines(system, [
        line("s-1", "intake", "4000000009", "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("s-2", "absconded", "4000000009", "2023-02-02T10:00:00+01:00", source="COA"),
        line("s-3", "retracted", "4000000009", "2023-02-03T10:00:00+01:00",
             {"event_id": "s-2", "reason": "wrong_person"}, source="COA"),
    ]).rejected  # fmt: skip
    assert _queued(system) == ["s-2", "s-3"]


def test_the_signature_is_what_a_standard_webhooks_library_verifies() -> None:
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 bytes
    body = json.dumps({"id": "e-1", "type": "absconded"}).encode()
    stamp = int(datetime.now(UTC).timestamp())
    headers = {"webhook-id": "e-1", "webhook-timestamp": str(stamp),
               "webhook-signature": signature(secret, "e-1", stamp, body)}  # fmt: skip
    assert Webhook(secret).verify(body, headers) == {"id": "e-1", "type": "absconded"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"e-1", b"e-2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "e-2"})


def test_retries_wait_twice_as_long_each_time_with_jitter_up_to_the_cap() -> None:
    for attempt in range(1, 15):
        step = min(3600.0, 30.0 * 2 ** (attempt - 1))
        low, high = retry_delay(30, 3600, attempt, 0.0), retry_delay(30, 3600, attempt, 0.999)
        assert low == step / 2 and step / 2 < high < step
    assert retry_delay(30, 3600, 1, 0.5) != retry_delay(30, 3600, 1, 0.25)  # spread out


def test_an_unreachable_endpoint_is_retried_then_given_up_with_each_attempt_logged(
    system: System,
) -> None:
    subscribe(system, "coa", _closed_port_url(), ["absconded"])
    ingest_lines(system, [
        line("c-1", "intake", "4000000001", "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("c-2", "absconded", "4000000001", "2023-02-02T10:00:00+01:00", source="COA"),
    ])  # fmt: skip
    with httpx.Client(timeout=2) as client:
        first = deliver_due(system, client)
        assert (first.delivered, first.retried, first.failed) == (0, 1, 0)
        assert deliver_due(system, client).retried == 0  # not due yet: the retry waits
        system.clock = lambda: datetime(2024, 1, 1, 12, 0, 1, tzinfo=UTC)
        second = deliver_due(system, client)
        assert (second.delivered, second.retried, second.failed) == (0, 0, 1)
        system.clock = lambda: datetime(2024, 1, 2, tzinfo=UTC)
        assert deliver_due(system, client) == type(first)()  # given up: never sent again
    [shown] = delivery_log(system)
    assert (shown.event_id, shown.state, shown.attempts) == ("c-2", "failed", 2)
    assert shown.last_result == "not reached (ConnectError)"
    with system.engine.connect() as connection:
        results = connection.execute(select(webhook_attempts.c.result)).scalars().all()
    assert results == ["not reached (ConnectError)"] * 2


def _two_events(system: System) -> None:
    ingest_lines(system, [
        line("c-1", "intake", "4000000001", "2023-01-02T10:00:00+01:00",
             {"nationality": "MAR", "track": "asylum"}, source="COA"),
        line("c-2", "absconded", "4000000001", "2023-02-02T10:00:00+01:00", source="COA"),
    ])  # fmt: skip


def _states(system: System) -> list[tuple[str, str | None]]:
    with system.engine.connect() as connection:
        query = select(webhook_outbox.c.state, webhook_outbox.c.last_result)
        return [(state, result) for state, result in connection.execute(query)]


def test_removing_a_subscription_or_revoking_the_partner_gives_up_what_is_due(
    system: System,
) -> None:
    first, _ = subscribe(system, "coa", "https://coa.example/a", ["absconded"])
    subscribe(system, "coa", "https://coa.example/b", ["absconded"])
    _two_events(system)
    assert unsubscribe(system, first) == 1
    assert sorted(_states(system)) == [("failed", "subscription removed"), ("pending", None)]
    revoke_partner(system, "coa")
    assert _states(system) == [("failed", "subscription removed"), ("failed", "partner revoked")]
    with httpx.Client() as client:
        assert deliver_due(system, client) == type(deliver_due(system, client))()  # none sent


def test_a_result_that_comes_after_its_lease_ran_out_changes_nothing(system: System) -> None:
    subscribe(system, "coa", _closed_port_url(), ["absconded"])
    _two_events(system)
    [early] = claim(system, 1)
    system.clock = lambda: NOW + timedelta(seconds=lease_seconds(system) + 1)
    [again] = claim(system, 1)  # the first claim's lease ran out: claimed anew
    assert again.outbox_id == early.outbox_id and again.lease > early.lease
    with httpx.Client(timeout=2) as client:
        assert deliver(system, client, early) == SUPERSEDED
        assert deliver(system, client, again) == "pending"
    [shown] = delivery_log(system)
    assert shown.attempts == 1  # one attempt recorded, the late one dropped
    with system.engine.connect() as connection:
        assert len(connection.execute(select(webhook_attempts.c.id)).all()) == 1


def test_retention_gives_up_due_deliveries_and_leaves_no_original_event_id(
    system: System,
) -> None:
    subscribe(system, "coa", _closed_port_url(), ["absconded"])
    subscribe(system, "coa", "https://coa.example/b", ["absconded"])
    _two_events(system)
    with httpx.Client(timeout=2) as client:
        assert deliver(system, client, claim(system, 1)[0]) == "pending"
    system.clock = lambda: datetime(2040, 1, 1, tzinfo=UTC)
    assert run_retention(system, closed_before=date(2030, 1, 1), dry_run=False).persons == 1
    assert [s for s, _ in _states(system)] == ["failed", "failed"]
    with system.engine.connect() as connection:
        ids = list(connection.execute(select(webhook_outbox.c.event_id)).scalars())
    assert "c-2" not in ids and len(set(ids)) == 1
