"""`terugkeer bench load`: page users and partners against two `terugkeer serve` processes on
one PostgreSQL, which is restarted once in the middle; then what every client was told held
against what the store holds.

Everything runs on this machine: a throwaway PostgreSQL cluster of its own (bench/cluster.py,
so that it can be stopped and started), a store of synthetic people (bench/synthetic.py) whose
open cases are spread over case directors as the demo does (services/workplace.py), two
servers on loopback ports (as two hosts), and the clients in threads (bench/load_clients.py).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from terugkeer.bench.cluster import Cluster
from terugkeer.bench.load_clients import Answer, Director, EventMaker, Ledger, page_user, partner
from terugkeer.bench.servers import check_loopback, free_port, serve, stop
from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.bootstrap import bootstrap
from terugkeer.domain.permissions import Role
from terugkeer.services.demo_accounts import directors_without_password
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.services.users import add_user, set_password
from terugkeer.services.workplace import spread_open_cases
from terugkeer.settings import Settings
from terugkeer.store.tables import case_directors, events

SOURCES = ("IND", "COA", "DJI", "KMAR", "POLITIE")
PASSWORD = "load run password 2026"
#: Seconds from the start when PostgreSQL was stopped and when it was back (None: no restart).
Window = tuple[float, float] | None
#: Over how many seconds the page users begin (each signs in as they do).
RAMP_SECONDS = 20.0
#: How long PostgreSQL stays down in the middle of the run.
OUTAGE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class RouteFigures:
    route: str
    count: int  # answered (any status)
    p50: float
    p95: float
    p99: float
    server_errors: int  # 5xx
    unanswered: int  # no answer within the client's timeout, or the connection failed


@dataclass(frozen=True, slots=True)
class Tally:
    """What clients were told is stored, against what the store holds."""

    acknowledged: int
    stored: int  # of those, found in the store
    duplicates: int  # ids stored more than once
    lost: int  # acknowledged, not in the store


@dataclass(frozen=True, slots=True)
class LoadResult:
    seconds: float
    users: int
    partners: int
    restart: tuple[float, float] | None  # seconds from the start: PostgreSQL stopped, back
    routes: list[RouteFigures]
    statuses: dict[int, int]  # 0: no answer (a connection that failed)
    errors_inside: int  # 5xx or no answer, within the restart window
    errors_outside: int
    unretryable_503: int  # a 503 without Retry-After or the expected body
    tracebacks: int  # answers whose body looked like a traceback or a bare crash page
    events: Tally
    rejected: int
    batches_given_up: int
    recordings: Tally
    forms_given_up: int
    audit_verify: tuple[int, str]  # `terugkeer audit verify`: exit status, its last line
    server_errors_logged: int  # "unhandled" lines in the servers' output


def load_run(*, seconds: float, users: int, partners: int, host: str, restart: bool,
             progress: Callable[[str], None], people: int = 6_000) -> LoadResult:  # fmt: skip
    check_loopback(host)
    if partners > len(SOURCES):
        raise ValueError(f"at most {len(SOURCES)} partners (one per source)")
    with tempfile.TemporaryDirectory(prefix="terugkeer-load-") as folder, \
            Cluster(free_port()) as cluster:  # fmt: skip
        progress(f"PostgreSQL started on 127.0.0.1:{cluster.port}")
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "terugkeer"'))
        admin.dispose()
        url = make_url(cluster.url).set(database="terugkeer").render_as_string(False)
        directors, tokens, taken = _store(url, users, partners, people, progress)
        logs = [Path(folder) / f"server-{n}.log" for n in (1, 2)]
        ports = [free_port(host), free_port(host)]
        progress(f"two servers on {host}:{ports[0]} and {host}:{ports[1]}")
        servers = [serve(url, host, port, log, cookie_secure="false")
                   for port, log in zip(ports, logs, strict=True)]  # fmt: skip
        try:
            urls = [f"http://{host}:{port}" for port in ports]
            ledger, began, window = _drive(urls, cluster, directors, tokens, taken, seconds,
                                           restart, progress)  # fmt: skip
        finally:
            for server in servers:
                stop(server)
        progress("counting what the store holds; audit verify")
        events_tally, recordings = _tally(url, ledger)
        verified = _verify(url)
        logged = sum(log.read_text("utf-8", "replace").count("unhandled ") for log in logs)
    return _result(ledger, began, window, seconds, users, partners, events_tally, recordings,
                   verified, logged)  # fmt: skip


def _store(url: str, users: int, partners: int, people: int, progress: Callable[[str], None]
           ) -> tuple[list[Director], dict[str, str], frozenset[str]]:  # fmt: skip
    system = bootstrap(Settings(database_url=url))
    try:
        progress(f"a store of about {people:,} synthetic people ({people * 12:,} events)")
        ingest_lines(system, synthetic_lines(people * 12, seed=29))
        lead = add_user(system, "load-lead", Role.TEAM_LEAD, "team01", PASSWORD)
        wanted = [(f"load-director-{n:03d}", f"team{1 + n // 10:02d}") for n in range(users)]
        staff = directors_without_password(system, wanted, lambda _: None)
        spread_open_cases(system, lead, staff)
        progress(f"{users} case directors with passwords")
        for name, _ in wanted:
            set_password(system, name, PASSWORD)
        tokens = {source: add_partner(system, f"load-{source.lower()}", source,
                                      ["intake", "location_changed"])
                  for source in SOURCES[:partners]}  # fmt: skip
        with system.engine.connect() as connection:
            owned = connection.execute(
                select(case_directors.c.director, case_directors.c.v_number)
            ).all()
            taken = frozenset(connection.execute(select(events.c.v_number).distinct()).scalars())
    finally:
        system.close()
    cases: dict[str, list[str]] = {}
    for director, v_number in owned:
        cases.setdefault(director, []).append(v_number)
    found = [Director(name, PASSWORD, tuple(cases.get(name, ()))) for name, _ in wanted]
    return found, tokens, taken


def _drive(urls: list[str], cluster: Cluster, directors: list[Director], tokens: dict[str, str],
           taken: frozenset[str], seconds: float, restart: bool,
           progress: Callable[[str], None]) -> tuple[Ledger, float, Window]:  # fmt: skip
    ledger, stop_event = Ledger(), threading.Event()
    ramp = min(RAMP_SECONDS, seconds / 4)  # the users sign in one after the other
    threads = [
        threading.Thread(target=page_user, args=(urls[n % 2], d, ledger, stop_event),
                         kwargs={"seed": n, "start_after": n * ramp / len(directors)},
                         daemon=True)
        for n, d in enumerate(directors)
    ] + [
        threading.Thread(target=partner, args=(urls[n % 2], token,
                         EventMaker(source, n, synthetic=True, taken=taken), ledger, stop_event),
                         daemon=True)
        for n, (source, token) in enumerate(tokens.items())
    ]  # fmt: skip
    progress(f"{len(directors)} page users and {len(tokens)} partners for {seconds:.0f} s")
    began = time.monotonic()
    for thread in threads:
        thread.start()
    window = None
    if restart:
        time.sleep(max(0.0, seconds / 2 - OUTAGE_SECONDS / 2))
        down = time.monotonic()
        progress("PostgreSQL stopped (pg_ctl stop -m fast)")
        cluster.stop()
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        window = (down - began, time.monotonic() - began)
        progress(f"PostgreSQL started again after {window[1] - window[0]:.1f} s")
    time.sleep(max(0.0, began + seconds - time.monotonic()))
    stop_event.set()
    progress("run over; clients finish what they were retrying")
    for thread in threads:
        thread.join()
    return ledger, began, window


def _tally(url: str, ledger: Ledger) -> tuple[Tally, Tally]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(events.c.source, events.c.id, func.count())
                .where(events.c.id.like("syn-load-%") | events.c.id.like("sim-dtenv-%"))
                .group_by(events.c.source, events.c.id)
            ).all()
    finally:
        engine.dispose()
    counts = {(r[0], r[1]): int(r[2]) for r in rows}
    acknowledged = set(ledger.acknowledged)
    event_tally = Tally(
        len(acknowledged),
        sum(1 for key in acknowledged if key in counts),
        sum(1 for key, n in counts.items() if n > 1 and key[1].startswith("syn-load-")),
        sum(1 for key in acknowledged if key not in counts),
    )
    recorded = {("DTENV", f"sim-dtenv-{key}") for key in ledger.recorded}
    form_tally = Tally(
        len(recorded),
        sum(1 for key in recorded if key in counts),
        sum(1 for key in recorded if counts.get(key, 0) > 1),
        sum(1 for key in recorded if key not in counts),
    )
    return event_tally, form_tally


def _verify(url: str) -> tuple[int, str]:
    command = [sys.executable, "-c", "from terugkeer.cli.app import main; main()",
               "audit", "verify", "--database-url", url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode, lines[0] if lines else ""


def _overlaps(answer: Answer, began: float, window: tuple[float, float] | None) -> bool:
    if window is None:
        return False
    start = answer.began - began
    return start <= window[1] and start + answer.ms / 1000 >= window[0]


def _result(ledger: Ledger, began: float, window: tuple[float, float] | None, seconds: float,
            users: int, partners: int, events_tally: Tally, recordings: Tally,
            verified: tuple[int, str], logged: int) -> LoadResult:  # fmt: skip
    by_route: dict[str, list[Answer]] = {}
    for answer in ledger.answers:
        by_route.setdefault(answer.route, []).append(answer)
    routes = []
    for route, answers in sorted(by_route.items()):
        ms = [a.ms for a in answers if a.status]
        routes.append(RouteFigures(route, len(ms), *_percentiles(ms),
                                   sum(1 for a in answers if a.status >= 500),
                                   sum(1 for a in answers if a.status == 0)))  # fmt: skip
    failed = [a for a in ledger.answers if a.status >= 500 or a.status == 0]
    inside = sum(1 for a in failed if _overlaps(a, began, window))
    return LoadResult(
        seconds, users, partners, window, routes,
        dict(sorted(Counter(a.status for a in ledger.answers).items())),
        inside, len(failed) - inside,
        sum(1 for a in ledger.answers if a.status == 503 and not a.retryable),
        sum(1 for a in ledger.answers if a.traceback),
        events_tally, ledger.rejected, ledger.given_up, recordings, ledger.forms_given_up,
        verified, logged,
    )  # fmt: skip


def _percentiles(ms: list[float]) -> tuple[float, float, float]:
    if len(ms) < 2:
        return (ms[0], ms[0], ms[0]) if ms else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return statistics.median(ms), cuts[94], cuts[98]
