"""`terugkeer bench api`: partner intake over real HTTP against `terugkeer import` of the same
events, in the same run, on fresh SQLite stores of their own (synthetic people only).

The server is `terugkeer serve` in a process of its own (as in production; clients in this
process would otherwise share its interpreter lock). N partner clients — each a partner with
its own token and `source`, the sources of the feed dealt round-robin — post concurrently.
Every event must be accepted, so each person's events go in their order: the feed is cut into
rounds (a person's k-th event is in round k), every client posts its share of a round in
batches, and a round starts when the one before is done. The baseline is `terugkeer import`
of the same lines in the same order (round after round), so the ratio is what HTTP, the token
checks and the access log add; the import in file order (a person's events close together,
fewer projection rebuilds per event) is printed beside it. Only the sending (or the import)
is timed.
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
from typing import get_args

import httpx

from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.bootstrap import bootstrap
from terugkeer.chain_events.schema import TypeName
from terugkeer.services.errors import ServiceError
from terugkeer.services.ingest import ingest_lines
from terugkeer.services.partners import add_partner
from terugkeer.settings import Settings


class ApiBenchError(ServiceError):
    """The bench could not run as meant (a rejected event, a server that did not start)."""


@dataclass(frozen=True, slots=True)
class ApiBench:
    events: int
    clients: int
    batch: int
    requests: int
    api_seconds: float
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
            "events": self.events, "clients": self.clients, "batch": self.batch,
            "requests": self.requests, "api_events_per_s": round(self.api_rate),
            "import_events_per_s": round(self.import_rate),
            "import_file_order_events_per_s": round(self.file_order_rate),
            "import_over_api": round(self.import_rate / self.api_rate, 2),
        }  # fmt: skip


#: Per client, per round: the lines it posts.
Plan = list[list[list[str]]]


def plan(lines: list[str], clients: int) -> tuple[Plan, list[str]]:
    """The rounds each client posts, and each client's source."""
    events = [json.loads(line) for line in lines]
    sources = sorted({e["source"] for e in events})
    owners = [sources[i % len(sources)] for i in range(clients)]
    of_source = {s: [i for i, owner in enumerate(owners) if owner == s] for s in sources}
    if any(not holders for holders in of_source.values()):
        missing = sorted(s for s, holders in of_source.items() if not holders)
        raise ApiBenchError(f"{clients} clients cannot hold the feed's {len(sources)} sources "
                            f"(no client for {', '.join(missing)})")  # fmt: skip
    step: dict[str, int] = defaultdict(int)
    rounds: Plan = []
    people: dict[str, int] = {}
    for line, event in zip(lines, events, strict=True):
        person = people.setdefault(event["v_number"], len(people))
        k = step[event["v_number"]]
        step[event["v_number"]] = k + 1
        while len(rounds) <= k:
            rounds.append([[] for _ in range(clients)])
        holders = of_source[event["source"]]
        rounds[k][holders[person % len(holders)]].append(line)
    return rounds, owners


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


def api_benchmark(events: int, *, clients: int, batch: int, seed: int,
                  progress: Callable[[str], None]) -> ApiBench:  # fmt: skip
    lines = list(synthetic_lines(events, seed=seed))
    rounds, owners = plan(lines, clients)
    ordered = [line for round_ in rounds for share in round_ for line in share]
    with tempfile.TemporaryDirectory(prefix="terugkeer-bench-api-") as folder:
        progress(f"import of {len(lines):,} events, in the API's order and in file order")
        import_seconds = _import(Path(folder) / "import.db", ordered)
        file_order_seconds = _import(Path(folder) / "file-order.db", lines)
        url = f"sqlite:///{Path(folder) / 'api.db'}"
        system = bootstrap(Settings(database_url=url))
        try:
            types = list(get_args(TypeName))
            tokens = [add_partner(system, f"bench-{i}", source, types)
                      for i, source in enumerate(owners)]  # fmt: skip
        finally:
            system.close()
        port = _free_port()
        server = _serve(url, port)
        try:
            progress(f"{clients} partner clients posting {len(lines):,} events")
            api_seconds, requests = _post_all(f"http://127.0.0.1:{port}", tokens, rounds, batch)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return ApiBench(len(lines), clients, batch, requests, api_seconds, import_seconds,
                    file_order_seconds)  # fmt: skip


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


def _post_all(url: str, tokens: list[str], rounds: Plan, batch: int) -> tuple[float, int]:
    bodies = [
        [[("\n".join(share[i:i + batch]) + "\n").encode() for i in range(0, len(share), batch)]
         for share in round_]
        for round_ in rounds
    ]  # fmt: skip
    barrier = threading.Barrier(len(tokens))
    failures: list[str] = []
    sent = [0] * len(tokens)

    def client(index: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[index]}",
                   "Content-Type": "application/jsonl"}  # fmt: skip
        with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
            try:
                for round_ in bodies:
                    for body in round_[index]:
                        answer = http.post("/api/v1/events", content=body)
                        sent[index] += 1
                        if answer.status_code != 200 or answer.json()["rejected"]:
                            failures.append(f"HTTP {answer.status_code}: {answer.text[:300]}")
                    barrier.wait()
            except threading.BrokenBarrierError:
                return  # another client failed
            except Exception as error:
                failures.append(type(error).__name__)
                barrier.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    if failures:
        raise ApiBenchError(f"{len(failures)} batches were not wholly accepted: {failures[0]}")
    return seconds, sum(sent)
