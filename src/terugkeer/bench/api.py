"""`terugkeer bench api`: partner intake over real HTTP against `terugkeer import` of the same
events, in the same run, on fresh SQLite stores of their own (synthetic people only).

The server is `terugkeer serve` in a process of its own (as in production; clients in this
process would otherwise share its interpreter lock). There is a partner per source of the feed,
each with its own token. Every event must be accepted, so each person's events go in their
order: the feed is cut into rounds (a person's k-th event is in round k; a feed file window
by window, so that its time order holds), each round into batches of one source, and N client
connections post a round's batches concurrently, each batch with its source's token; a round
starts when the one before is done. (A client per partner instead left one client posting
alone in most rounds, since a round of this feed is mostly one source's events: the server
then waited for that client between its requests.)
The baseline is `terugkeer import` of the same lines in the same order (round after round),
so the ratio is what HTTP, the token checks and the access log add; the import in file order
(a person's events close together, fewer projection rebuilds per event) is printed beside it.
Only the sending (or the import) is timed, each until the projections reach the last event:
the server's projector (store/projector_process.py) may still be behind when the last answer
comes, as an import's may be when its last batch is appended, and `terugkeer import` ends
only once they caught up. How far behind the server's projector was is sampled meanwhile.

What a partner sends: by default 8 connections posting batches of at most 500 events
(`--clients`, `--batch`), a partner catching up a backlog (after an outage, or a system that
reports in runs) with a batch size well inside the request limit (16 MiB, some 50,000 events)
and a client per worker of a partner's sending queue. Partners reporting each event as it
happens send far fewer (the simulated 2023: 154,449 events, some 18 an hour over all eight
senders); the bench measures the backlog. The rounds bound it from below: a person's k-th event
waits for their (k-1)-th to be answered, and the 10,000-line windows of the first 50,000 lines
of a simulated year hold 51 rounds (47 batches in a row even if each batch waited only for the
batches holding its persons' earlier events), so posting takes at least one transaction per
round where the import takes one in all.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.bootstrap import bootstrap
from terugkeer.services.errors import ServiceError
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import TYPES, add_partner
from terugkeer.settings import Settings
from terugkeer.store.engine import make_engine
from terugkeer.store.projector import head_seq, projected_seq


class ApiBenchError(ServiceError):
    """The bench could not run as meant (a rejected event, a server that did not start)."""


@dataclass(frozen=True, slots=True)
class ApiBench:
    #: What was posted: "synthetic" or the feed file's name.
    input: str
    events: int
    clients: int
    batch: int
    requests: int
    api_seconds: float
    #: Until the last answer (`api_seconds` goes on until the projections reached the end).
    answered_seconds: float
    #: Events the projections lacked of the chain's head, at most, sampled every 0.1 s.
    behind_max: int
    #: `terugkeer import` of the lines in the API's order, and in file order.
    import_seconds: float
    file_order_seconds: float

    @property
    def api_rate(self) -> float:
        return self.events / self.api_seconds

    @property
    def import_rate(self) -> float:
        return self.events / self.import_seconds

    @property
    def file_order_rate(self) -> float:
        return self.events / self.file_order_seconds

    def as_json(self) -> dict[str, object]:
        return {
            "input": self.input, "events": self.events, "clients": self.clients,
            "batch": self.batch,
            "requests": self.requests, "api_events_per_s": round(self.api_rate),
            "api_answered_events_per_s": round(self.events / self.answered_seconds),
            "projector_behind_max_events": self.behind_max,
            "projector_caught_up_s": round(self.api_seconds - self.answered_seconds, 2),
            "import_events_per_s": round(self.import_rate),
            "import_file_order_events_per_s": round(self.file_order_rate),
            "import_over_api": round(self.import_rate / self.api_rate, 2),
        }  # fmt: skip


#: Per round, its batches: the source whose partner posts it, and its lines.
Plan = list[list[tuple[str, list[str]]]]


def plan(lines: list[str], batch: int, window: int | None = None) -> Plan:
    """The rounds of the feed, each cut into batches of at most `batch` lines of one source.
    The lines are taken `window` at a time (all at once when None), and within a window a
    person's k-th event goes in its k-th round: each person's events stay in order, and a
    feed in time order (a simulation's) is posted in that order, window after window."""
    rounds: Plan = []
    size = window or max(len(lines), 1)
    for start in range(0, len(lines), size):
        step: dict[str, int] = defaultdict(int)
        by_source: list[dict[str, list[str]]] = []
        for line in lines[start : start + size]:
            event = json.loads(line)
            k = step[event["v_number"]]
            step[event["v_number"]] = k + 1
            while len(by_source) <= k:
                by_source.append(defaultdict(list))
            by_source[k][event["source"]].append(line)
        rounds += [
            [(source, share[i:i + batch]) for source, share in sorted(round_.items())
             for i in range(0, len(share), batch)]
            for round_ in by_source
        ]  # fmt: skip
    return rounds


#: Lines of a feed planned together: a feed is in time order, and a whole simulated year
#: dealt into rounds by each person's k-th event (every person's intake first, then every
#: second event, …) is an order no partner sends, in which each round touches every person
#: of the year (1,065,101 lines: 3,495 events/s over the API, 4,085/s imported in that order,
#: 7,964/s in the file's order).
FEED_WINDOW = 10_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TERUGKEER_DATABASE_URL": url, "TERUGKEER_WEBHOOKS_IN_SERVER": "false"}
    command = [sys.executable, "-c", "from terugkeer.cli.app import main; main()",
               "serve", "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.kill()
    raise ApiBenchError("the server did not start")


def api_benchmark(events: int | None, *, clients: int, batch: int, seed: int,
                  progress: Callable[[str], None], feed: Path | None = None
                  ) -> ApiBench:  # fmt: skip
    """`events` synthetic events (100,000 by default), or the lines of `feed` (e.g. from
    `terugkeer simulate`), posted and imported."""
    if feed is not None and events is not None:
        raise ApiBenchError("give synthetic events (-n) or a feed (--feed), not both")
    if feed is None:  # a person's events together: all of them are dealt into rounds at once
        lines = list(synthetic_lines(100_000 if events is None else events, seed=seed))
        rounds = plan(lines, batch)
    else:
        lines = _feed_lines(feed)
        rounds = plan(lines, batch, FEED_WINDOW)
    ordered = [line for round_ in rounds for _, share in round_ for line in share]
    with tempfile.TemporaryDirectory(prefix="terugkeer-bench-api-") as folder:
        progress(f"import of {len(lines):,} events, in the API's order and in file order")
        import_seconds = _import(Path(folder) / "import.db", ordered)
        file_order_seconds = _import(Path(folder) / "file-order.db", lines)
        url = f"sqlite:///{Path(folder) / 'api.db'}"
        system = bootstrap(Settings(database_url=url))
        try:
            types = list(TYPES)
            sources = sorted({source for round_ in rounds for source, _ in round_})
            tokens = {source: add_partner(system, f"bench-{source.lower()}", source, types)
                      for source in sources}  # fmt: skip
        finally:
            system.close()
        port = _free_port()
        server = _serve(url, port)
        try:
            progress(f"{clients} concurrent clients posting {len(lines):,} events")
            with _Lag(url) as lag:
                answered, requests = _post_all(f"http://127.0.0.1:{port}", tokens, rounds,
                                               clients)  # fmt: skip
                api_seconds = answered + lag.until_projected()
        finally:
            server.terminate()
            server.wait(timeout=60)
    return ApiBench("synthetic" if feed is None else feed.name, len(lines), clients, batch,
                    requests, api_seconds, answered, lag.most, import_seconds,
                    file_order_seconds)  # fmt: skip


class _Lag:
    """How far the projections of the store at `url` are behind its head: sampled every 0.1 s
    while within, and waited for at the end."""

    def __init__(self, url: str) -> None:
        self._engine = make_engine(url)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="bench-lag", daemon=True)
        self.most = 0

    def __enter__(self) -> _Lag:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._engine.dispose()

    def _behind(self) -> int:
        with self._engine.connect() as connection:
            return head_seq(connection) - projected_seq(connection)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.most = max(self.most, self._behind())

    def until_projected(self) -> float:
        """Seconds until the projections reach the head (0 when they already do)."""
        began = time.perf_counter()
        while (behind := self._behind()) > 0:
            self.most = max(self.most, behind)
            time.sleep(0.005)
        return time.perf_counter() - began


def _feed_lines(feed: Path) -> list[str]:
    """The feed's events, one per line (blank lines skipped); every one must be a JSON object
    with a V-number and a source, as the plan needs them before the server judges them."""
    try:
        text = feed.read_text("utf-8")  # split on \n only: U+2028 may stand in a JSON string
        lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    except (OSError, UnicodeDecodeError) as error:
        raise ApiBenchError(f"{feed.name} cannot be read as UTF-8 text: {error}") from None
    if not lines:
        raise ApiBenchError(f"{feed.name} holds no events")
    for number, line in enumerate(lines, start=1):
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict) or not all(
            isinstance(event.get(key), str) for key in ("v_number", "source")
        ):
            raise ApiBenchError(
                f"{feed.name}, event {number}: not a v1 event with a v_number and a source"
            )
    return lines


def _import(store: Path, lines: list[str]) -> float:
    """Seconds `terugkeer import` takes for `lines` into a fresh store."""
    system = bootstrap(Settings(database_url=f"sqlite:///{store}"))
    try:
        began = time.perf_counter()
        summary = ingest_lines(system, lines)
        seconds = time.perf_counter() - began
    finally:
        system.close()
    if summary.accepted != len(lines):
        raise ApiBenchError(f"the import accepted {summary.accepted} of {len(lines)} events")
    return seconds


def _post_all(url: str, tokens: dict[str, str], rounds: Plan, clients: int) -> tuple[float, int]:
    """Post every round's batches over `clients` connections at once, each batch with its
    source's token; a round starts when the one before is done."""
    bodies = [[(source, ("\n".join(lines) + "\n").encode()) for source, lines in round_]
              for round_ in rounds]  # fmt: skip
    barrier = threading.Barrier(clients)
    failures: list[str] = []
    sent = [0] * clients
    taking = threading.Lock()
    next_of_round = [0] * len(bodies)

    def take(round_: int) -> tuple[str, bytes] | None:
        with taking:
            index = next_of_round[round_]
            next_of_round[round_] += 1
        return bodies[round_][index] if index < len(bodies[round_]) else None

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            try:
                for round_ in range(len(bodies)):
                    while (job := take(round_)) is not None:
                        source, body = job
                        headers = {"Authorization": f"Bearer {tokens[source]}",
                                   "Content-Type": "application/jsonl"}  # fmt: skip
                        answer = http.post("/api/v1/events", content=body, headers=headers)
                        sent[index] += 1
                        if answer.status_code != 200 or answer.json()["rejected"]:
                            failures.append(f"HTTP {answer.status_code}: {answer.text[:300]}")
                    barrier.wait()
            except threading.BrokenBarrierError:
                return  # another client failed
            except Exception as error:
                failures.append(type(error).__name__)
                barrier.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if failures:
        raise ApiBenchError(f"{len(failures)} batches were not wholly accepted: {failures[0]}")
    return seconds, sum(sent)
