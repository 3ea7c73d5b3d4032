"""The Prometheus metrics (prometheus-client), what each counts in docs/operations.md.

Labels are small fixed sets — a channel, an outcome, a route *template*, a method, a status
class, a reason class — never a raw path, a user name or a V-number: a label value is stored
for as long as the series lives, and read by everyone who reads the dashboards.

With several server processes (`PROMETHEUS_MULTIPROC_DIR` set before the process starts, as
prometheus-client's multiprocess mode wants) every process writes its counts to files in
that directory and a scrape of any one process adds them up; the store's gauges (the webhook
backlog) are read by the scraping process at scrape time, so they are never added up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
)
from prometheus_client import generate_latest as _exposition
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE_LATEST", "StoreSnapshot", "exposition"]

#: No `_created` series beside every counter: a timestamp per label set that no alert reads.
disable_created_metrics()  # type: ignore[no-untyped-call]

#: The metrics this process counts (not the default registry: nothing else of the process —
#: a library's metrics — is exposed unless named here).
REGISTRY = CollectorRegistry(auto_describe=True)

INTAKE = Counter(
    "terugkeer_intake_events",
    "Chain events taken in, by channel (api, page, import) and outcome (accepted, known, rejected)",
    ["channel", "outcome"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "terugkeer_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by channel (page, api, ops), "
    "route template, method and status class",
    ["channel", "route", "method", "status"],
    registry=REGISTRY,
)
SIGN_IN_FAILURES = Counter(
    "terugkeer_sign_in_failures",
    "Sign-ins refused, by reason class (wrong_password, unknown_name, throttled, ...)",
    ["reason"],
    registry=REGISTRY,
)
WEBHOOK_FAILURES = Counter(
    "terugkeer_webhook_delivery_failures",
    "Webhook delivery attempts that failed, by kind (http_4xx, http_5xx, timeout, "
    "not_reached, not_sent) and whether the delivery was given up after it",
    ["kind", "given_up"],
    registry=REGISTRY,
)

#: The sign-in failures' reason classes (anything else counts as "other": a label value is
#: never taken from input).
SIGN_IN_REASONS = frozenset({
    "wrong_password", "unknown_name", "disabled", "no_password", "locked", "changed",
    "throttled", "csrf", "local_login_off", "single_sign_on",
})  # fmt: skip
OUTCOMES = ("accepted", "known", "rejected")


def count_intake(channel: str, outcomes: Iterable[str]) -> None:
    """Each outcome's value (accepted, known, rejected) of one batch of `channel`."""
    seen = list(outcomes)
    for outcome in OUTCOMES:
        if found := seen.count(outcome):
            INTAKE.labels(channel, outcome).inc(found)


def count_sign_in_failure(reason: str) -> None:
    SIGN_IN_FAILURES.labels(reason if reason in SIGN_IN_REASONS else "other").inc()


def count_webhook_failure(status: int | None, result: str, given_up: bool) -> None:
    """One failed attempt, its kind from the status or the deliverer's own result words."""
    if status is not None:
        kind = f"http_{status // 100}xx"
    elif result.startswith("no answer"):
        kind = "timeout"
    elif result.startswith("not reached"):
        kind = "not_reached"
    else:
        kind = "not_sent"
    WEBHOOK_FAILURES.labels(kind, "true" if given_up else "false").inc()


@dataclass(frozen=True, slots=True)
class StoreSnapshot:
    """What the store says at scrape time; `reachable` False leaves the rest unread."""

    reachable: bool
    pending: int = 0
    oldest_pending_seconds: float = 0.0
    given_up: int = 0
    #: Events of the chain the projections do not reflect yet (a projector behind).
    projections_behind: int = 0


class _Store(Collector):
    """The store's gauges, read when scraped (never stale, never added up across processes)."""

    def __init__(self, read: Callable[[], StoreSnapshot]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        found = self.read()
        yield GaugeMetricFamily(
            "terugkeer_store_reachable", "1 when the store answered this scrape", found.reachable
        )
        if not found.reachable:
            return
        yield GaugeMetricFamily(
            "terugkeer_webhook_backlog_pending", "Webhook deliveries waiting", found.pending
        )
        yield GaugeMetricFamily(
            "terugkeer_webhook_backlog_oldest_age_seconds",
            "How long the oldest waiting webhook delivery has waited (0 when none waits)",
            found.oldest_pending_seconds,
        )
        yield GaugeMetricFamily(
            "terugkeer_webhook_deliveries_given_up",
            "Webhook deliveries given up after their last attempt (the admin's /webhooks)",
            found.given_up,
        )
        yield GaugeMetricFamily(
            "terugkeer_projections_behind_events",
            "Events of the chain the projections do not reflect yet (a projector is behind)",
            found.projections_behind,
        )


#: prometheus-client's multiprocess mode: read by each process when it first imports it.
MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_problem() -> str | None:
    """What keeps the multiprocess mode an operator set from working, if anything: a directory
    that is missing or not writable fails every request's count (a traceback a request),
    so a process that counts refuses to start on it instead."""
    folder = os.environ.get(MULTIPROC)
    if not folder or (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        return None
    return (
        f"{MULTIPROC}={folder} is not a directory this user may write in: create it (empty), "
        "or unset it (serve --workers N then makes one of its own)"
    )


def exposition(store: Callable[[], StoreSnapshot]) -> bytes:
    """The text a scrape answers: this process's counts (or every process's, in multiprocess
    mode) and the store's gauges read now."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    registry.register(_Store(store))
    return _exposition(registry)
